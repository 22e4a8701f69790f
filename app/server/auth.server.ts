import type { AppLoadContext } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { hasPermission, type Permission, type Principal } from '../features/accounts/permissions.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { audit } from './audit.server.ts';
import { currentSession } from './session.server.ts';

/*
 * Who is asking, and may they? Helpers that throw responses (Epic Stack style): a loader or action calls
 * requireUser / requirePermission first; denials are audited. Object-level checks (which organisation, which
 * listing) belong in the queries' where clauses, using principal.userId.
 */

export interface SignedIn extends Principal {
  sessionIdHash: string;
  displayName: string;
  email: string;
}

export async function getPrincipal(request: Request, context: AppLoadContext): Promise<SignedIn | null> {
  const session = await currentSession(context.db, context.config, request);
  if (!session) return null;
  const [roles, memberships] = await Promise.all([
    context.db.selectFrom('platform_role').select('role').where('user_id', '=', session.user_id).execute(),
    context.db
      .selectFrom('membership as m')
      .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
      .select(['m.organisation_id', 'm.role', 'o.verification'])
      .where('m.user_id', '=', session.user_id)
      .where('m.status', '=', 'active')
      .execute(),
  ]);
  return {
    userId: session.user_id,
    sessionIdHash: session.id_hash,
    displayName: session.display_name,
    email: session.email,
    platformRoles: roles.map((r) => r.role),
    memberships: memberships.map((m) => ({
      organisationId: m.organisation_id,
      role: m.role,
      verified: m.verification === 'verified',
    })),
  };
}

/** Anonymous visitors go to the login page and come back afterwards. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SignedIn> {
  const principal = await getPrincipal(request, context);
  if (principal) return principal;
  const url = new URL(request.url);
  throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

export async function requireAnonymous(request: Request, context: AppLoadContext): Promise<void> {
  if (await getPrincipal(request, context)) throw redirect('/account');
}

export function forbidden(): Response {
  return new Response(zhCN.accounts.errors.forbidden, {
    status: 403,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** Records the denial in the audit log and throws 403. */
export async function deny(
  context: AppLoadContext,
  principal: SignedIn | null,
  what: { permission?: Permission; path: string; entityType?: string; entityId?: string | number },
): Promise<never> {
  await audit(context.db, {
    actorUserId: principal?.userId ?? null,
    ip: context.clientIp,
    action: 'authz.denied',
    entityType: what.entityType,
    entityId: what.entityId,
    outcome: 'denied',
    details: { permission: what.permission ?? null, path: what.path },
  });
  throw forbidden();
}

export async function requirePermission(
  request: Request,
  context: AppLoadContext,
  permission: Permission,
): Promise<SignedIn> {
  const principal = await requireUser(request, context);
  if (!hasPermission(principal, permission)) {
    await deny(context, principal, { permission, path: new URL(request.url).pathname });
  }
  return principal;
}
