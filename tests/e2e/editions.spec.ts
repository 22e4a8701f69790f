import type { Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { signedInPage } from './accounts-support.ts';
import { expect, test } from './fixtures.ts';

/*
 * The supply–demand list end to end: bureau staff create an edition, add entries from a search, publish it; the
 * archive, the edition page, the .xlsx (read back with exceljs) and the Atom feed show it; a listing withdrawn
 * afterwards keeps its snapshot in the edition, marked 已撤回.
 */

const OWNER = 'owner-chilechuan-dairy@helin-demo.cn';

/** Two public, published listings of the owner's organisation, by title. */
async function publishedTitlesOf(owner: Page): Promise<string[]> {
  await owner.goto('/my/listings');
  const titles: string[] = [];
  for (const row of await owner.locator('tr[data-testid^="my-listing-"]').all()) {
    const id = (await row.getAttribute('data-testid'))!.replace('my-listing-', '');
    const api = await owner.request.get(`/api/v1/listings/${id}`);
    if (!api.ok()) continue;
    const { data } = await api.json();
    if (data.confidentiality === 'public') titles.push(data.title);
    if (titles.length === 2) break;
  }
  expect(titles).toHaveLength(2);
  return titles;
}

test('bureau staff curate, publish and export an edition; a later withdrawal leaves its snapshot intact', async ({
  browser,
  checkA11y,
}) => {
  test.setTimeout(120_000);
  const owner = await signedInPage(browser, OWNER);
  const titles = await publishedTitlesOf(owner);

  const staff = await signedInPage(browser, 'reviewer@helin-demo.cn');
  await staff.goto('/bureau/editions');
  await checkA11y(staff);
  // The form proposes this year's next number and its title.
  const title = await staff.getByLabel('标题').inputValue();
  expect(title).toMatch(/^\d{4}年第\d+期场景供需清单$/);
  const year = await staff.getByLabel('年份').inputValue();
  const number = await staff.getByLabel('期号').inputValue();
  await staff.getByRole('button', { name: '新建清单' }).click();
  await expect(staff.getByRole('status')).toHaveText('清单已创建，可以开始添加条目。');
  await checkA11y(staff);

  // Publishing an empty edition is refused.
  await staff.getByRole('button', { name: '立即发布' }).click();
  await expect(staff.getByRole('alert')).toContainText('清单没有任何条目，不能发布。');

  // Add both listings from searches (one search each: exact titles).
  for (const t of titles) {
    await staff.getByRole('searchbox', { name: '检索已发布的信息' }).fill(t);
    await staff.getByRole('button', { name: '检索', exact: true }).click();
    await staff.getByRole('checkbox', { name: new RegExp(t) }).check();
    await staff.getByRole('button', { name: '添加所选' }).click();
    await expect(staff.getByRole('status')).toHaveText('已添加 1 条。');
  }
  const entries = staff.locator('#entries');
  for (const t of titles) await expect(entries.getByText(t, { exact: true })).toBeVisible();
  await checkA11y(staff);

  // A scheduled time in the past is refused, field by field.
  await staff.getByLabel('发布时间（北京时间）').fill('2020-01-01T09:00');
  await staff.getByRole('button', { name: '定时发布' }).click();
  await expect(staff.getByText('定时发布时间必须晚于现在。')).toBeVisible();

  // The preview shows the edition as the public will see it.
  await staff.getByRole('link', { name: '预览（公众所见）' }).click();
  for (const t of titles) await expect(staff.getByText(t, { exact: true })).toBeVisible();
  await checkA11y(staff);
  await staff.goBack();

  await staff.getByRole('button', { name: '立即发布' }).click();
  await expect(staff.getByRole('status')).toHaveText('清单已发布。');

  // The public archive and edition page.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/lists');
  await visitor.getByRole('link', { name: title }).click();
  await expect(visitor).toHaveURL(new RegExp(`/lists/${year}/${number}$`));
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
  for (const t of titles) await expect(visitor.getByRole('link', { name: t })).toBeVisible();
  await expect(visitor.getByRole('table', { name: '按类型' })).toBeVisible();
  await checkA11y(visitor);

  // The .xlsx, read back with the same library, holds the entries.
  const xlsx = await visitor.request.get(`/lists/${year}/${number}/edition.xlsx`);
  expect(xlsx.status()).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await xlsx.body()) as unknown as ArrayBuffer);
  const cells: string[] = [];
  workbook.eachSheet((sheet) =>
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        cells.push(String(cell.text));
      });
    }),
  );
  for (const t of titles) expect(cells).toContain(t);

  // The Atom feed lists it.
  const feed = await (await visitor.request.get('/lists/feed.atom')).text();
  expect(feed).toContain(title);
  expect(feed).toContain(`/lists/${year}/${number}`);

  // The owner withdraws one listing; the published edition keeps its snapshot and marks it.
  await owner.goto('/my/listings');
  const row = owner.locator('tr', { hasText: titles[0]! });
  await row.getByRole('button', { name: '撤回' }).click();
  await expect(row.getByText('已撤回').first()).toBeVisible();
  await visitor.reload();
  await expect(visitor.getByText(titles[0]!, { exact: true })).toBeVisible();
  await expect(visitor.getByRole('link', { name: titles[0]! })).toHaveCount(0);
  await expect(visitor.locator('tr', { hasText: titles[0]! }).getByText('已撤回')).toBeVisible();
  await expect(visitor.getByRole('link', { name: titles[1]! })).toBeVisible();

  // The print view: same entries, a running header with the edition and its date.
  await visitor.goto(`/lists/${year}/${number}/print`);
  await expect(visitor.locator('.edition-print__header')).toContainText(title);
  for (const t of titles) await expect(visitor.getByText(t, { exact: true })).toBeVisible();
});
