import type { APIRequestContext } from '@playwright/test';
import { signedInPage } from './accounts-support.ts';
import { expect, test } from './fixtures.ts';

async function searchTitles(request: APIRequestContext, q: string): Promise<string[]> {
  const response = await request.get(`/api/v1/search?q=${encodeURIComponent(q)}&per_page=100`);
  expect(response.status()).toBe(200);
  return (await response.json()).hits.map((h: { title: string }) => h.title);
}

test('searching 乳清, 益生菌发酵 and hydrogn finds the expected listings on the page and in the API', async ({
  page,
  request,
  checkA11y,
}) => {
  await page.goto('/');
  await page.getByRole('searchbox', { name: '搜索需求、成果和场景' }).first().fill('乳清');
  await page.getByRole('searchbox', { name: '搜索需求、成果和场景' }).first().press('Enter');
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(page.locator('.search-hits mark').first()).toHaveText('乳清');
  await expect(page.getByRole('heading', { name: /“乳清”共找到 \d+ 条/ })).toBeVisible();
  await checkA11y(page);
  expect(await searchTitles(request, '乳清')).toContain('干酪及希腊酸奶副产酸乳清高值化利用技术需求');

  await page.goto('/search?q=益生菌发酵');
  await expect(page.locator('.search-hits .listing-card').first()).toBeVisible();
  const probiotic = await searchTitles(request, '益生菌发酵');
  expect(probiotic.length).toBeGreaterThan(3);

  await page.goto('/search?q=hydrogn');
  await expect(page.getByRole('link', { name: '碱性电解槽宽功率波动适应性提升技术需求' })).toBeVisible();
  expect(await searchTitles(request, 'hydrogn')).toContain('PEM电解槽质子交换膜国产化替代需求');
});

test('facets narrow the result, chips remove filters, and a bad parameter is a 400 in the API', async ({
  page,
  request,
}) => {
  await page.goto('/search?q=乳');
  const total = Number(
    (await page.locator('.search-results__summary').textContent())?.match(/共找到 (\d+)/)?.[1],
  );
  await page.locator('.facet').filter({ hasText: '类型' }).getByRole('link').first().click();
  await expect(page).toHaveURL(/kind=/);
  // The URL can change a moment before the new result is on the page: wait for the number to change.
  await expect
    .poll(async () =>
      Number((await page.locator('.search-results__summary').textContent())?.match(/共找到 (\d+)/)?.[1]),
    )
    .toBeLessThan(total);
  await page.locator('.chip').first().click();
  await expect(page).not.toHaveURL(/kind=/);

  const bad = await request.get('/api/v1/search?q=x&trl_min=ten&colour=red');
  expect(bad.status()).toBe(400);
  const body = await bad.json();
  expect(body.error.fields.trl_min).toEqual(['技术就绪度须为1到9的整数']);
  expect(body.error.fields.colour).toEqual(['未知的参数']);
  const hostile = await request.get(
    `/api/v1/search?q=${encodeURIComponent(`'"); drop table listing; -- &|!():*`)}`,
  );
  expect(hostile.status()).toBe(200);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('the search form is a plain GET form', async ({ page }) => {
    await page.goto('/search');
    await page.getByRole('searchbox', { name: '搜索需求、成果和场景' }).last().fill('光伏');
    await page.getByRole('button', { name: '搜索', exact: true }).last().click();
    await expect(page).toHaveURL(/q=%E5%85%89%E4%BC%8F/);
    await expect(page.locator('.search-hits .listing-card').first()).toBeVisible();
  });
});

test('a listing approved in the UI becomes searchable; a withdrawn one disappears', async ({
  browser,
  request,
}) => {
  test.setTimeout(60_000);
  const reviewer = await signedInPage(browser, 'reviewer@helin-demo.cn');
  await reviewer.goto('/bureau/review');
  const first = reviewer.locator('table a').first();
  const title = (await first.textContent())!.trim();
  expect(await searchTitles(request, title)).not.toContain(title);
  await first.click();
  await reviewer.getByRole('button', { name: '审核通过' }).click();
  await expect(reviewer).toHaveURL(/\/bureau\/review/);
  await expect
    .poll(() => searchTitles(request, title), { timeout: 10_000, intervals: [100] })
    .toContain(title);

  // The owner withdraws one of its published listings: it leaves the search.
  const owner = await signedInPage(browser, 'owner-chilechuan-dairy@helin-demo.cn');
  await owner.goto('/my/listings');
  const row = owner.locator('tr', { has: owner.getByRole('button', { name: '撤回' }) }).first();
  const withdrawn = (await row.getByRole('link').first().textContent())!.trim();
  expect(await searchTitles(request, withdrawn)).toContain(withdrawn);
  await row.getByRole('button', { name: '撤回' }).click();
  await expect(owner.getByText('已撤回。')).toBeVisible();
  await expect
    .poll(() => searchTitles(request, withdrawn), { timeout: 10_000, intervals: [100] })
    .not.toContain(withdrawn);
});
