import type { Page } from '@playwright/test';
import { signedInPage } from './accounts-support.ts';
import { expect, test } from './fixtures.ts';

/** A demo listing awaiting review (db/seed), of the organisation whose owner signs in below. */
const SUBMITTED = '益生菌发酵过程活菌数在线检测技术需求';
const OWNER = 'owner-yunzhong-probiotics@helin-demo.cn';

const site = (page: Page) => page.getByRole('navigation', { name: '主导航' });

test('a member sees the unread count, reads the inbox, marks all read and switches a mail kind off', async ({
  browser,
  checkA11y,
}) => {
  test.setTimeout(60_000);
  // The bureau approves the organisation's listing: its members get a notice.
  const reviewer = await signedInPage(browser, 'reviewer@helin-demo.cn');
  await reviewer.goto('/bureau/review');
  await reviewer.getByRole('link', { name: SUBMITTED }).click();
  await reviewer.getByRole('button', { name: '审核通过' }).click();
  await expect(reviewer).toHaveURL(/\/bureau\/review/);

  const owner = await signedInPage(browser, OWNER);
  const inboxLink = site(owner).getByRole('link', { name: /^消息（\d+条未读）$/ });
  await expect(inboxLink).toBeVisible();
  await inboxLink.click();
  await expect(owner).toHaveURL(/\/account\/notices$/);
  await expect(owner.getByRole('heading', { level: 1, name: '消息' })).toBeVisible();
  const item = owner.getByTestId('inbox-item').filter({ hasText: SUBMITTED });
  await expect(item).toHaveAttribute('data-read', 'false');
  await expect(item.getByText('未读')).toBeVisible();
  await checkA11y(owner);

  await owner.getByRole('button', { name: '全部标为已读' }).click();
  await expect(owner.getByText(/条消息标为已读。/)).toBeVisible();
  await expect(item).toHaveAttribute('data-read', 'true');
  await expect(site(owner).getByRole('link', { name: '消息', exact: true })).toBeVisible();
  await expect(owner.getByTestId('inbox-item').and(owner.locator('[data-read="false"]'))).toHaveCount(0);

  await owner.getByRole('link', { name: '邮件提醒设置' }).first().click();
  await expect(owner).toHaveURL(/\/account\/notifications$/);
  const matchState = owner.getByRole('checkbox', { name: '对接进展' });
  await expect(matchState).toBeChecked();
  await checkA11y(owner);
  await matchState.uncheck();
  await owner.getByRole('button', { name: '保存' }).click();
  await expect(owner.getByRole('status')).toHaveText('保存成功');
  await owner.reload();
  await expect(owner.getByRole('checkbox', { name: '对接进展' })).not.toBeChecked();
  await expect(owner.getByRole('checkbox', { name: '收到对接意向' })).toBeChecked();
});

test('the mail preferences and the inbox work without JavaScript', async ({ browser }) => {
  const owner = await signedInPage(browser, OWNER, false);
  await owner.goto('/account/notifications');
  await owner.getByRole('checkbox', { name: '对接进展' }).check();
  await owner.getByRole('button', { name: '保存' }).click();
  await expect(owner.getByRole('status')).toHaveText('保存成功');
  await expect(owner.getByRole('checkbox', { name: '对接进展' })).toBeChecked();

  await owner.goto('/account/notices');
  await expect(owner.getByTestId('inbox-item').first()).toBeVisible();
  await owner.goto('/account');
  await owner.getByRole('link', { name: '查看全部消息' }).click();
  await expect(owner).toHaveURL(/\/account\/notices$/);
});
