import { expect, test } from './fixtures.ts';

test.use({ javaScriptEnabled: false });

test('the field filter and pagination work without JavaScript', async ({ page }) => {
  await page.goto('/demands');
  const total = await page.locator('.filter-bar__total').textContent();
  const all = Number(total?.match(/\d+/)?.[0]);
  expect(all).toBeGreaterThan(20);

  await page.getByLabel('产业领域').selectOption({ index: 1 });
  const fieldName = (await page.getByLabel('产业领域').locator('option:checked').textContent())?.replace(
    /（\d+）$/,
    '',
  );
  await page.getByRole('button', { name: '筛选' }).click();
  await expect(page).toHaveURL(/\?field=[a-z-]+/);
  const filtered = Number((await page.locator('.filter-bar__total').textContent())?.match(/\d+/)?.[0]);
  expect(filtered).toBeLessThan(all);
  const tags = page.locator('.listing-card .tag--field');
  if (filtered > 0) await expect(page.locator('.listing-card').first()).toContainText(fieldName!);
  expect(await tags.count()).toBeGreaterThan(0);

  await page.goto('/demands');
  await page.getByRole('link', { name: '下一页' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByText(/第 2 \/ \d+ 页/)).toBeVisible();
});
