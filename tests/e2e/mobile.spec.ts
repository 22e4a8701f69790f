import { expect, test } from './fixtures.ts';

for (const path of ['/', '/demands', '/achievements', '/scenarios']) {
  test(`${path} fits a phone screen without sideways scrolling`, async ({ page, checkA11y }) => {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(page.getByRole('navigation', { name: '主导航' })).toBeVisible();
    await checkA11y(page);
  });
}

test('a listing page fits a phone screen', async ({ page }) => {
  await page.goto('/achievements');
  await page.locator('.listing-card__title a').first().click();
  await expect(page).toHaveURL(/\/listings\/\d+$/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('the supply–demand list archive and an edition fit a phone screen', async ({ page, checkA11y }) => {
  await page.goto('/lists');
  await page.locator('main a[href^="/lists/2"]').first().click();
  await expect(page).toHaveURL(/\/lists\/\d{4}\/\d+$/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('heading', { name: /需求清单/ })).toBeVisible();
  await checkA11y(page);
});

test('the statistics page and its charts fit a phone screen', async ({ page, checkA11y }) => {
  await page.goto('/statistics');
  await expect(page.locator('figure.chart svg').first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await checkA11y(page);
});
