import { type APIRequestContext, type Browser, expect, type Page } from '@playwright/test';
import { DEMO_PASSWORD } from '../../db/seed/data/people.ts';

/** Signs a request context in through the real login form (Origin header as a browser sends it). */
export async function signIn(request: APIRequestContext, baseURL: string, email: string): Promise<void> {
  const response = await request.post('/login', {
    form: { email, password: DEMO_PASSWORD, redirectTo: '/account' },
    headers: { Origin: baseURL },
    maxRedirects: 0,
  });
  if (response.status() !== 302) throw new Error(`login of ${email} failed: ${response.status()}`);
}

/** A new browser context signed in through the login page, on the account page. */
export async function signedInPage(browser: Browser, email: string, javaScriptEnabled = true): Promise<Page> {
  const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
  await page.goto('/login');
  await page.getByLabel('电子邮箱').fill(email);
  await page.getByRole('textbox', { name: '密码', exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
  return page;
}
