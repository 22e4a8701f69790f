import { login } from '../../app/features/accounts/accounts.server.ts';
import { getPrincipal, type SignedIn } from '../../app/server/auth.server.ts';
import type { AppContext } from '../../app/server/context.ts';
import { DEMO_PASSWORD } from '../../db/seed/data/people.ts';

/**
 * Signs a demo person in through the real login use case and returns the principal a loader would see (with the
 * session cookie, for calling route modules with a Request). One home for the tests that act as someone.
 */
export async function signInAs(
  ctx: AppContext,
  email: string,
  ip = '203.0.113.9',
): Promise<SignedIn & { cookie: string }> {
  const r = await login(ctx.db, ctx.config, { email, password: DEMO_PASSWORD }, { ip, userAgent: null });
  if (!r.ok) throw new Error(`login failed for ${email}: ${r.formError ?? ''}`);
  const cookie = r.value.cookie.split(';')[0]!;
  const principal = await getPrincipal(
    new Request('http://localhost/', { headers: { Cookie: cookie } }),
    ctx,
  );
  if (!principal) throw new Error(`no principal for ${email}`);
  return Object.assign(principal, { cookie });
}

/** The e-mail of an active owner of the organisation that owns a listing (the demo has one per organisation). */
export async function ownerEmailOfListing(ctx: AppContext, listingId: number): Promise<string> {
  const row = await ctx.db
    .selectFrom('listing as l')
    .innerJoin('membership as m', 'm.organisation_id', 'l.organisation_id')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select('u.email')
    .where('l.id', '=', listingId)
    .where('m.role', '=', 'owner')
    .where('m.status', '=', 'active')
    .executeTakeFirstOrThrow();
  return row.email;
}
