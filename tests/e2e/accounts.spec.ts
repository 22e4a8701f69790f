import { DEMO_PASSWORD } from '../../db/seed/data/people.ts';
import { expect, test } from './fixtures.ts';

const NEW_PASSWORD = 'grassland-wind-2026';

/** A valid USCC that no demo organisation uses (check character computed per GB 32100-2015). */
const FRESH_USCC = '91150123MA0N7QXK2C';

test('a new enterprise registers, the bureau verifies it, its member logs in and may post', async ({
  browser,
  checkA11y,
}) => {
  const applicant = await browser.newContext();
  const page = await applicant.newPage();
  await page.goto('/register');
  await checkA11y(page);

  // A wrong USCC is refused with the right message; what was typed stays (except passwords).
  await page.getByLabel('统一社会信用代码').fill('91150123MA0N7QXK2B');
  await page.getByLabel('单位名称').fill('盛乐示范乳品科技有限公司');
  await page.getByLabel('单位类型').selectOption('enterprise');
  await page.getByLabel('姓名').fill('赵敏');
  await page.getByLabel('电子邮箱').fill('zhaomin@example.cn');
  await page.getByRole('textbox', { name: '密码', exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('再次输入密码').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.getByText('统一社会信用代码无效，请核对18位代码（校验位不符）')).toBeVisible();
  await expect(page.getByLabel('单位名称')).toHaveValue('盛乐示范乳品科技有限公司');
  await expect(page.getByRole('textbox', { name: '密码', exact: true })).toHaveValue('');
  await checkA11y(page);

  await page.getByLabel('统一社会信用代码').fill(FRESH_USCC);
  await page.getByRole('textbox', { name: '密码', exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('再次输入密码').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page).toHaveURL(/\/account$/);
  const membership = page.getByTestId('membership');
  await expect(membership).toContainText('盛乐示范乳品科技有限公司');
  await expect(membership).toContainText('待科技局认证');
  await applicant.close();

  // The bureau admin verifies the new organisation.
  const bureau = await browser.newContext();
  const admin = await bureau.newPage();
  await admin.goto('/login');
  await admin.getByLabel('电子邮箱').fill('admin@helin-demo.cn');
  await admin.getByLabel('密码').fill(DEMO_PASSWORD);
  await admin.getByRole('button', { name: '登录' }).click();
  await expect(admin).toHaveURL(/\/account$/);
  await admin.getByRole('link', { name: '科技局工作台' }).first().click();
  await admin.getByRole('link', { name: /单位认证/ }).click();
  await checkA11y(admin);
  await admin.getByRole('link', { name: '盛乐示范乳品科技有限公司' }).click();
  await admin.getByRole('button', { name: '认证通过' }).click();
  await expect(admin.getByText('已认证通过。')).toBeVisible();
  await bureau.close();

  // The member logs in again and sees the member area with the right to post.
  const member = await browser.newContext();
  const again = await member.newPage();
  await again.goto('/login');
  await again.getByLabel('电子邮箱').fill('zhaomin@example.cn');
  await again.getByLabel('密码').fill(NEW_PASSWORD);
  await again.getByRole('button', { name: '登录' }).click();
  await expect(again).toHaveURL(/\/account$/);
  await expect(again.getByTestId('membership')).toContainText('已认证');
  await expect(again.getByText('本单位已通过认证，可发布信息并表达对接意向。')).toBeVisible();
  await checkA11y(again);
  await member.close();
});

test('a wrong password is refused with a message that does not say which part was wrong', async ({
  page,
}) => {
  await page.goto('/login');
  await page.getByLabel('电子邮箱').fill('owner-chilechuan-dairy@helin-demo.cn');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toHaveText('邮箱或密码不正确');
  await expect(page.getByLabel('电子邮箱')).toHaveValue('owner-chilechuan-dairy@helin-demo.cn');
});

test("a member of organisation A cannot open organisation B's settings", async ({ browser }) => {
  const a = await browser.newContext();
  const ownerA = await a.newPage();
  await ownerA.goto('/login');
  await ownerA.getByLabel('电子邮箱').fill('owner-chilechuan-dairy@helin-demo.cn');
  await ownerA.getByLabel('密码').fill(DEMO_PASSWORD);
  await ownerA.getByRole('button', { name: '登录' }).click();
  const settingsA = await ownerA.getByRole('link', { name: '单位设置' }).first().getAttribute('href');

  const b = await browser.newContext();
  const memberB = await b.newPage();
  await memberB.goto('/login');
  await memberB.getByLabel('电子邮箱').fill('owner-muge-dairy@helin-demo.cn');
  await memberB.getByLabel('密码').fill(DEMO_PASSWORD);
  await memberB.getByRole('button', { name: '登录' }).click();
  await expect(memberB).toHaveURL(/\/account$/);
  const response = await memberB.goto(settingsA!);
  expect([403, 404]).toContain(response?.status());
  await expect(memberB.getByRole('heading', { level: 1 })).not.toContainText('单位设置');
  await a.close();
  await b.close();
});

test('a cross-site form post is refused (CSRF), and the security headers are set', async ({
  request,
  baseURL,
}) => {
  const forged = await request.post('/login', {
    form: { email: 'admin@helin-demo.cn', password: DEMO_PASSWORD },
    headers: { Origin: 'https://evil.example' },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  expect(await forged.text()).toBe('请求来源无法验证，请刷新页面后重试');

  const page = await request.get('/');
  const headers = page.headers();
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['strict-transport-security']).toContain('max-age=');

  const login = await request.post('/login', {
    form: { email: 'admin@helin-demo.cn', password: DEMO_PASSWORD },
    headers: { Origin: baseURL! },
    maxRedirects: 0,
  });
  expect(login.status()).toBe(302);
  const cookie = login.headers()['set-cookie'];
  expect(cookie).toMatch(
    /^__Host-helin_sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/,
  );
});

test('logging out ends the session; logout is POST only', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('电子邮箱').fill('manager2@helin-demo.cn');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await page.goto('/logout');
  await page.goto('/account');
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole('button', { name: '退出' }).click();
  await expect(page.getByRole('link', { name: '登录' })).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Faccount$/);
});
