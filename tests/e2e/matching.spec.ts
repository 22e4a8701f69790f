import type { Page } from '@playwright/test';
import { signedInPage } from './accounts-support.ts';
import { expect, test } from './fixtures.ts';

/*
 * Brokering end to end: an enterprise expresses interest in a university's achievement, the university accepts,
 * contacts appear for both, a technology manager takes the match and advances it to a signed and registered
 * contract, the events list shows every step; a declined interest shows its reason to the requester; two
 * simultaneous updates of one match give one success and one clear refusal.
 */

test.describe.configure({ mode: 'serial' });

const UNIVERSITY = 'member-beijiang-univ@helin-demo.cn';

/** Public, published achievements of the university member's organisation: [id, title]. */
async function achievementsOf(page: Page, n: number): Promise<[number, string][]> {
  await page.goto('/my/listings');
  const out: [number, string][] = [];
  for (const row of await page.locator('tr[data-testid^="my-listing-"]').all()) {
    const id = Number((await row.getAttribute('data-testid'))!.replace('my-listing-', ''));
    const api = await page.request.get(`/api/v1/listings/${id}`);
    if (!api.ok()) continue;
    const { data } = await api.json();
    if (data.kind === 'achievement' && data.confidentiality === 'public') out.push([id, data.title]);
    if (out.length === n) break;
  }
  expect(out).toHaveLength(n);
  return out;
}

async function expressInterest(page: Page, listingId: number, message: string) {
  await page.goto(`/listings/${listingId}`);
  await page.getByLabel('意向说明').fill(message);
  await page.getByRole('button', { name: '提交意向' }).click();
  await expect(page).toHaveURL(/\/my\/interests/);
  await expect(page.getByRole('status')).toContainText('意向已提交');
}

test('an interest becomes a match that a manager carries to a registered contract', async ({
  browser,
  checkA11y,
}) => {
  test.setTimeout(120_000);
  const university = await signedInPage(browser, UNIVERSITY);
  const [achievementId, achievementTitle] = (await achievementsOf(university, 1))[0]!;

  const enterprise = await signedInPage(browser, 'owner-chilechuan-dairy@helin-demo.cn');
  await enterprise.goto(`/listings/${achievementId}`);
  await checkA11y(enterprise);
  // Too short a message: a field-level message, nothing sent.
  await enterprise.getByLabel('意向说明').fill('感兴趣');
  await enterprise.getByRole('button', { name: '提交意向' }).click();
  await expect(enterprise.getByText('意向说明至少10个字')).toBeVisible();
  await expressInterest(enterprise, achievementId, '我公司拟在液态奶生产线上应用该技术，希望洽谈许可合作。');
  await checkA11y(enterprise);
  // A second interest in the same listing is not offered.
  await enterprise.goto(`/listings/${achievementId}`);
  await expect(enterprise.getByText('本单位已对该信息表达过意向。')).toBeVisible();

  // The university sees the interest without the requester's name, and accepts it.
  await university.goto('/my/interests');
  const received = university
    .locator('li', { hasText: achievementTitle })
    .filter({ hasText: '待回复' })
    .first();
  await expect(received).toContainText('来自一家企业');
  await expect(received).not.toContainText('敕勒川');
  await checkA11y(university);
  await received.getByRole('button', { name: '接受' }).click();
  await expect(university).toHaveURL(/\/matches\/\d+/);
  const matchUrl = new URL(university.url()).pathname;
  await expect(university.getByTestId('match-state')).toHaveText('双方已接受');
  await expect(university.getByTestId('contacts')).toHaveCount(2);
  await checkA11y(university);

  // The enterprise sees the contacts too.
  await enterprise.goto(matchUrl);
  await expect(enterprise.getByTestId('contacts')).toHaveCount(2);

  // A technology manager takes the match and advances it.
  const manager = await signedInPage(browser, 'manager1@helin-demo.cn');
  await manager.goto(matchUrl);
  await manager.getByRole('button', { name: '由我负责跟进' }).click();
  await expect(manager.getByText(/由 .+ 撮合/)).toBeVisible();
  await manager.getByRole('button', { name: '开始洽谈' }).click();
  await expect(manager.getByTestId('match-state')).toHaveText('洽谈中');

  // A contract amount that is not a positive number is refused, field by field.
  const contract = manager.getByRole('form', { name: '签订合同' });
  await contract.getByLabel('合同类型').selectOption('license');
  await contract.getByLabel('合同金额（万元）').fill('-5');
  await contract.getByLabel('签订日期').fill('2026-11-20');
  await contract.getByRole('button', { name: '签订合同' }).click();
  await expect(manager.getByText('金额须大于0')).toBeVisible();
  await expect(manager.getByTestId('match-state')).toHaveText('洽谈中');
  await manager.getByRole('form', { name: '签订合同' }).getByLabel('合同金额（万元）').fill('120.5');
  await manager.getByRole('form', { name: '签订合同' }).getByRole('button', { name: '签订合同' }).click();
  await expect(manager.getByTestId('match-state')).toHaveText('已签订合同');

  // A registration number in the wrong format is refused.
  const register = manager.getByRole('form', { name: '登记合同' });
  await register.getByLabel('技术合同登记号').fill('HL-2026-1');
  await register.getByLabel('核定技术交易额（万元）').fill('118');
  await register.getByLabel('登记日期').fill('2026-11-25');
  await register.getByLabel('登记机构').fill('呼和浩特市技术市场管理办公室');
  await register.getByRole('button', { name: '登记合同' }).click();
  await expect(manager.getByText(/登记号应为16位数字/)).toBeVisible();
  await manager.getByRole('form', { name: '登记合同' }).getByLabel('技术合同登记号').fill('2026150123000045');
  await manager.getByRole('form', { name: '登记合同' }).getByRole('button', { name: '登记合同' }).click();
  await expect(manager.getByTestId('match-state')).toHaveText('合同已登记');
  await expect(manager.getByText('2026150123000045')).toBeVisible();
  await checkA11y(manager);

  // Every step is in the events list, with its actor.
  const events = manager.getByTestId('match-events');
  for (const step of ['意向被接受，对接建立', '技术经理人认领跟进', '开始洽谈', '签订合同', '登记合同'])
    await expect(events).toContainText(step);
  await expect(events.locator('li')).toHaveCount(5);

  // Two simultaneous updates of the same version: one succeeds, one is refused with a clear message.
  const version = await manager.locator('input[name="version"]').first().inputValue();
  const post = (page: Page) =>
    page.request.post(matchUrl, {
      form: { intent: 'start_execution', version, note: '' },
      headers: { Origin: new URL(page.url()).origin },
      maxRedirects: 0,
    });
  const [a, b] = await Promise.all([post(manager), post(enterprise)]);
  const statuses = [a.status(), b.status()].sort();
  expect(statuses).toEqual([302, 409]);
  const refused = a.status() === 409 ? a : b;
  expect(await refused.text()).toContain('该对接已被其他人更新');
  await manager.reload();
  await expect(manager.getByTestId('match-state')).toHaveText('执行中');
  await expect(manager.getByTestId('match-events').locator('li')).toHaveCount(6);
});

test('a declined interest shows its reason to the requester', async ({ browser }) => {
  test.setTimeout(90_000);
  const university = await signedInPage(browser, UNIVERSITY);
  const [achievementId, achievementTitle] = (await achievementsOf(university, 2))[1]!;
  const requester = await signedInPage(browser, 'owner-muge-dairy@helin-demo.cn');
  await expressInterest(requester, achievementId, '希望了解该成果在奶酪发酵中的应用条件与许可费用。');

  await university.goto('/my/interests');
  const item = university.locator('li', { hasText: achievementTitle }).filter({ hasText: '待回复' }).first();
  await item.locator('summary').click();
  // No reason: refused.
  await item.getByRole('button', { name: '婉拒' }).click();
  await expect(university.getByText('请选择婉拒原因')).toBeVisible();
  const again = university.locator('li', { hasText: achievementTitle }).filter({ hasText: '待回复' }).first();
  await again.getByLabel('婉拒原因').selectOption('price');
  await again.getByLabel('具体说明').fill('许可费用需高于贵方预算');
  await again.getByRole('button', { name: '婉拒' }).click();
  await expect(university.getByRole('status')).toContainText('已婉拒');

  await requester.goto('/my/interests');
  await expect(requester.locator('li', { hasText: achievementTitle })).toContainText(
    '对方婉拒：价格不合适：许可费用需高于贵方预算',
  );
});
