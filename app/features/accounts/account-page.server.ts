import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { SignedIn } from '../../server/auth.server.ts';

/** The member area: the user's organisations (any membership state) with their verification state. */
export async function accountOverview(db: Kysely<Database>, principal: SignedIn) {
  const organisations = await db
    .selectFrom('membership as m')
    .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
    .select(['o.id', 'o.name', 'o.type', 'o.verification', 'o.verification_note', 'm.role', 'm.status'])
    .where('m.user_id', '=', principal.userId)
    .orderBy('m.created_at')
    .execute();
  return {
    displayName: principal.displayName,
    email: principal.email,
    platformRoles: principal.platformRoles,
    organisations,
  };
}

export async function activeSessions(db: Kysely<Database>, userId: number) {
  return db
    .selectFrom('session')
    .select(['id_hash', 'created_at', 'last_seen_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('last_seen_at', 'desc')
    .execute();
}
