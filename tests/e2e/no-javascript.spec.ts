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

test('subscribing to the supply–demand list works without JavaScript', async ({ page }) => {
  await page.goto('/lists');
  await page.getByRole('link', { name: '订阅清单' }).click();
  await page.getByLabel('电子邮箱').fill('不是邮箱');
  await page.getByRole('button', { name: '订阅' }).click();
  await expect(page.getByText('请填写有效的电子邮箱地址。')).toBeVisible();
  await page.getByLabel('电子邮箱').fill('nojs-reader@example.cn');
  await page.getByRole('button', { name: '订阅' }).click();
  await expect(page.getByText(/请查收确认邮件/)).toBeVisible();
});
