import { expect, test } from './fixtures.ts';

test('home page shows live counts and the newest demo listings', async ({ page, checkA11y }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/和林格尔县/);
  await expect(page.getByRole('navigation', { name: '主导航' })).toContainText('技术需求');
  for (const kind of ['demand', 'achievement', 'scenario']) {
    const count = Number(await page.getByTestId(`count-${kind}`).textContent());
    expect(count).toBeGreaterThan(0);
  }
  const cards = page.locator('.listing-card');
  await expect(cards).toHaveCount(9);
  await checkA11y(page);
});

test('a listing opens from the home page', async ({ page, checkA11y }) => {
  await page.goto('/');
  const firstTitle = page.locator('.listing-card__title a').first();
  const title = (await firstTitle.textContent())?.trim();
  expect(title).toBeTruthy();
  await firstTitle.click();
  await expect(page).toHaveURL(/\/listings\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title!);
  await expect(page.getByRole('heading', { name: '基本信息' })).toBeVisible();
  await expect(page.getByText('联系方式在双方确认对接后提供。')).toBeVisible();
  await checkA11y(page);
});

test('an unknown listing shows the Chinese 404 page', async ({ page, checkA11y }) => {
  const response = await page.goto('/listings/999999');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
  await expect(page.getByText('该信息不存在，或已过期、撤回。')).toBeVisible();
  await checkA11y(page);
});

test('an unknown path shows the Chinese 404 page', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
});

for (const [path, heading] of [
  ['/demands', '技术需求'],
  ['/achievements', '科技成果'],
  ['/scenarios', '应用场景'],
  ['/lists', '场景供需清单'],
  ['/login', '登录'],
] as const) {
  test(`${path} renders and passes axe`, async ({ page, checkA11y }) => {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await checkA11y(page);
  });
}
