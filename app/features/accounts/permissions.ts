import type { MembershipRole, PlatformRole } from '../../../db/schema.ts';

/*
 * Permissions as typed strings `${action}:${entity}:${'own' | 'any'}`, checked on the server in every
 * loader and action (requirePermission in app/server/auth.server.ts) and mirrored in the UI.
 * `own` permissions are further narrowed to the user's own records inside the queries' where clauses.
 */
export type Permission =
  | 'read:member-area:own'
  | 'update:account:own'
  | 'read:organisation-settings:own'
  | 'update:organisation-settings:own'
  | 'create:listing:own'
  | 'create:interest:own'
  | 'read:bureau-area:any'
  | 'verify:organisation:any'
  | 'review:listing:any'
  | 'curate:edition:any'
  | 'read:recommendations:any'
  | 'read:audit:any'
  | 'manage:user:any';

/** What the server knows about a signed-in user when it checks a permission. */
export interface Principal {
  userId: number;
  platformRoles: readonly PlatformRole[];
  /** Active memberships only; `verified` is the organisation's verification state. */
  memberships: readonly { organisationId: number; role: MembershipRole; verified: boolean }[];
}

const SIGNED_IN: Permission[] = ['read:member-area:own', 'update:account:own'];

const BY_PLATFORM_ROLE: Record<PlatformRole, Permission[]> = {
  bureau_admin: [
    'read:bureau-area:any',
    'verify:organisation:any',
    'review:listing:any',
    'curate:edition:any',
    'read:recommendations:any',
    'read:audit:any',
    'manage:user:any',
  ],
  bureau_reviewer: [
    'read:bureau-area:any',
    'verify:organisation:any',
    'review:listing:any',
    'curate:edition:any',
    'read:recommendations:any',
  ],
  // Recommendations on every listing page: managers broker matches, bureau staff follow them.
  manager: ['read:recommendations:any'],
};

/** Permissions a membership gives; only members of a verified organisation may post or express interest. */
function byMembership(role: MembershipRole, verified: boolean): Permission[] {
  const base: Permission[] = ['read:organisation-settings:own'];
  if (role === 'owner') base.push('update:organisation-settings:own');
  if (verified) base.push('create:listing:own', 'create:interest:own');
  return base;
}

export function permissionsOf(principal: Principal | null): Set<Permission> {
  const out = new Set<Permission>();
  if (!principal) return out;
  for (const p of SIGNED_IN) out.add(p);
  for (const role of principal.platformRoles) for (const p of BY_PLATFORM_ROLE[role]) out.add(p);
  for (const m of principal.memberships) for (const p of byMembership(m.role, m.verified)) out.add(p);
  return out;
}

export function hasPermission(principal: Principal | null, permission: Permission): boolean {
  return permissionsOf(principal).has(permission);
}

/** May this principal act on organisation X with the given membership role (object-level check)? */
export function membershipIn(
  principal: Principal | null,
  organisationId: number,
): Principal['memberships'][number] | undefined {
  return principal?.memberships.find((m) => m.organisationId === organisationId);
}
