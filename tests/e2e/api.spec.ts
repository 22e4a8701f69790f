import { expect, test } from '@playwright/test';

/** The JSON API and the probes over real HTTP against the built server. */

test('GET /api/v1/listings pages and filters, public fields only', async ({ request }) => {
  const response = await request.get('/api/v1/listings?kind=achievement&field=dairy&per_page=3');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/json');
  const body = await response.json();
  expect(body.meta).toMatchObject({ page: 1, per_page: 3 });
  expect(body.meta.total).toBeGreaterThan(0);
  expect(body.data.length).toBeLessThanOrEqual(3);
  for (const item of body.data) {
    expect(item.kind).toBe('achievement');
    expect(item.fields.map((f: { code: string }) => f.code)).toContain('dairy');
    expect(Object.keys(item).some((k) => k.startsWith('contact'))).toBe(false);
  }
});

test('GET /api/v1/listings/:id returns one listing; unknown → 404 JSON; bad parameter → 400 JSON', async ({
  request,
}) => {
  const list = await (await request.get('/api/v1/listings?per_page=1')).json();
  const id = list.data[0].id;
  const one = await request.get(`/api/v1/listings/${id}`);
  expect(one.status()).toBe(200);
  expect((await one.json()).data).toMatchObject({ id, title: list.data[0].title });

  const missing = await request.get('/api/v1/listings/987654321');
  expect(missing.status()).toBe(404);
  expect(await missing.json()).toEqual({ error: { message: '信息不存在或未发布' } });

  const bad = await request.get('/api/v1/listings?page=0');
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.fields.page).toBeDefined();

  const unknownPath = await request.get('/api/v1/nothing-here');
  expect(unknownPath.status()).toBe(404);
  expect(unknownPath.headers()['content-type']).toContain('application/json');
});

test('probes: /healthz and /readyz', async ({ request }) => {
  const health = await request.get('/healthz');
  expect(health.status()).toBe(200);
  expect((await health.json()).status).toBe('ok');
  const ready = await request.get('/readyz');
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({ ready: true, database: 'ok', pendingMigrations: [] });
});

test('a bad query parameter on an HTML page gives a Chinese 400 page', async ({ request }) => {
  const response = await request.get('/demands?page=abc');
  expect(response.status()).toBe(400);
  expect(await response.text()).toContain('请求有误');
});
