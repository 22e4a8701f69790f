import { signedInPage } from './accounts-support.ts';
import { expect, test } from './fixtures.ts';

/**
 * The bureau's 蒙科聚 page without JavaScript: upload → preview → apply → the counts; a malformed file shows its
 * errors and no apply button. The export links answer with files.
 */
const STAFF = 'reviewer@helin-demo.cn';

const GOOD = [
  '蒙科聚编号,单位名称,统一社会信用代码,单位类型,所在地区,产业领域',
  'MKJ-ORG-E2E001,端到端测试导入科技有限公司,91150123MA0R8K3H1Y,企业,和林格尔县,新材料',
].join('\r\n');
const BAD = [
  '单位名称,统一社会信用代码,单位类型,所在地区',
  '校验码错误的单位,91150123MA0R8K3H10,企业,和林格尔县',
].join('\n');

test('imports a file without JavaScript: preview, then apply', async ({ browser }) => {
  const page = await signedInPage(browser, STAFF, false);
  await page.goto('/bureau');
  await page.getByRole('link', { name: /蒙科聚数据交换/ }).click();
  await expect(page).toHaveURL(/\/bureau\/mkj$/);

  await page
    .getByLabel('文件')
    .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) });
  await page.getByRole('button', { name: '预览' }).click();
  const errors = page.getByTestId('mkj-errors');
  await expect(errors).toContainText('统一社会信用代码');
  await expect(errors).toContainText('校验未通过');
  await expect(page.getByRole('button', { name: '确认导入' })).toHaveCount(0);

  await page
    .getByLabel('文件')
    .setInputFiles({ name: '单位.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${GOOD}`) });
  await page.getByRole('button', { name: '预览' }).click();
  await expect(page.getByTestId('mkj-count-organisation-created')).toHaveText('1');
  await expect(page.getByTestId('mkj-preview')).toContainText('端到端测试导入科技有限公司');
  await page.getByRole('button', { name: '确认导入' }).click();
  await expect(page.getByTestId('mkj-applied')).toContainText('新建 1 条');

  // The same file again: nothing to write.
  await page
    .getByLabel('文件')
    .setInputFiles({ name: '单位.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${GOOD}`) });
  await page.getByRole('button', { name: '预览' }).click();
  await expect(page.getByTestId('mkj-count-organisation-unchanged')).toHaveText('1');
  await expect(page.getByRole('button', { name: '确认导入' })).toHaveCount(0);
  await page.context().close();
});

test('the page and its preview pass axe; the export links download files', async ({ browser, checkA11y }) => {
  const page = await signedInPage(browser, STAFF);
  await page.goto('/bureau/mkj');
  await checkA11y(page);
  await page
    .getByLabel('文件')
    .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) });
  await page.getByRole('button', { name: '预览' }).click();
  await expect(page.getByTestId('mkj-errors')).toContainText('校验未通过');
  await checkA11y(page);

  const response = await page.request.get('/bureau/mkj/export/organisations?format=json');
  expect(response.status()).toBe(200);
  const items = (await response.json()) as Record<string, unknown>[];
  expect(items.some((o) => o.单位名称 === '敕勒川乳业科技有限公司')).toBe(true);
  const csv = await page.request.get('/bureau/mkj/export/listings?format=csv');
  expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
  await page.context().close();
});
