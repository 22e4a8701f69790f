import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { logout } from '../features/accounts/accounts.server.ts';
import { getPrincipal } from '../server/auth.server.ts';
import { clearSessionCookie } from '../server/session.server.ts';

/** POST only: a GET never changes state (a link or an image cannot log anyone out). */
export function loader() {
  return redirect('/');
}

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await getPrincipal(request, context);
  if (principal) await logout(context.db, principal.sessionIdHash, principal.userId, context.clientIp);
  return redirect('/', { headers: { 'Set-Cookie': clearSessionCookie(context.config) } });
}
