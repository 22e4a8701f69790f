import type { APIRequestContext } from '@playwright/test';
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
