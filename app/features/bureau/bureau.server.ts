import type { Kysely } from 'kysely';
import type { Database, Verification } from '../../../db/schema.ts';
import { audit } from '../../server/audit.server.ts';
import type { SignedIn } from '../../server/auth.server.ts';
import { revokeUserSessions } from '../../server/session.server.ts';
import { queueSync } from '../mkj/sync.server.ts';

/* Bureau staff use cases: organisation verification, user administration, the audit log. */

export async function verificationQueue(db: Kysely<Database>, state: Verification) {
  return db
    .selectFrom('organisation as o')
    .select(['o.id', 'o.name', 'o.type', 'o.uscc', 'o.region', 'o.verification', 'o.created_at'])
    .select((eb) =>
      eb
        .selectFrom('membership as m')
        .innerJoin('app_user as u', 'u.id', 'm.user_id')
        .select('u.display_name')
        .whereRef('m.organisation_id', '=', 'o.id')
        .where('m.role', '=', 'owner')
        .limit(1)
        .as('owner_name'),
    )
    .where('o.verification', '=', state)
    .orderBy('o.created_at', state === 'pending' ? 'asc' : 'desc')
    .limit(200)
    .execute();
}

export async function countPendingOrganisations(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('organisation')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('verification', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function organisationForReview(db: Kysely<Database>, id: number) {
  const org = await db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();
  if (!org) return undefined;
  const members = await db
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['u.display_name', 'u.email', 'u.phone', 'm.role', 'm.status'])
    .where('m.organisation_id', '=', id)
    .execute();
  return { org, members };
}

/** pending → verified | rejected (reason required, shown to the applicant). A decided organisation may be re-decided. */
export async function decideVerification(
  db: Kysely<Database>,
  input: { organisationId: number; decision: 'verified' | 'rejected'; reason: string | null },
  actor: SignedIn,
  ip: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('organisation')
      .set({
        verification: input.decision,
        verification_note: input.decision === 'rejected' ? input.reason : null,
        verified_at: input.decision === 'verified' ? new Date() : null,
        updated_at: new Date(),
      })
      .where('id', '=', input.organisationId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await audit(trx, {
      actorUserId: actor.userId,
      ip,
      action: `organisation.${input.decision === 'verified' ? 'verify' : 'reject'}`,
      entityType: 'organisation',
      entityId: input.organisationId,
      details: input.reason ? { reason: input.reason } : {},
    });
    await queueSync(trx, 'organisation', input.organisationId);
    return true;
  });
}

export async function listUsers(db: Kysely<Database>, query: string | undefined) {
  return db
    .selectFrom('app_user as u')
    .select(['u.id', 'u.email', 'u.display_name', 'u.status', 'u.created_at'])
    .select((eb) => [
      eb
        .selectFrom('platform_role as r')
        .select((e) => e.fn<string[]>('array_agg', ['r.role']).as('roles'))
        .whereRef('r.user_id', '=', 'u.id')
        .as('roles'),
      eb
        .selectFrom('session as s')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('s.user_id', '=', 'u.id')
        .where('s.revoked_at', 'is', null)
        .where('s.expires_at', '>', new Date())
        .as('active_sessions'),
    ])
    .$if(Boolean(query), (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('u.email', 'ilike', `%${escapeLike(query!)}%`),
          eb('u.display_name', 'ilike', `%${escapeLike(query!)}%`),
        ]),
      ),
    )
    .orderBy('u.id')
    .limit(100)
    .execute();
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type UserAdminAction = 'end-sessions' | 'disable' | 'enable';

export async function administerUser(
  db: Kysely<Database>,
  input: { userId: number; action: UserAdminAction },
  actor: SignedIn,
  ip: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('app_user')
      .select('id')
      .where('id', '=', input.userId)
      .executeTakeFirst();
    if (!user) return false;
    let sessionsEnded = 0;
    if (input.action === 'disable' || input.action === 'enable') {
      await trx
        .updateTable('app_user')
        .set({ status: input.action === 'disable' ? 'disabled' : 'active', updated_at: new Date() })
        .where('id', '=', input.userId)
        .execute();
    }
    if (input.action === 'disable' || input.action === 'end-sessions') {
      sessionsEnded = await revokeUserSessions(
        trx,
        input.userId,
        input.action === 'disable' ? 'disabled' : 'admin',
      );
    }
    await audit(trx, {
      actorUserId: actor.userId,
      ip,
      action: `user.${input.action}`,
      entityType: 'user',
      entityId: input.userId,
      details: { sessionsEnded },
    });
    return true;
  });
}

export interface AuditFilter {
  action?: string;
  outcome?: 'success' | 'failure' | 'denied';
  actor?: string;
  from?: string;
  to?: string;
  page: number;
}

export const AUDIT_PAGE_SIZE = 50;

export async function readAudit(db: Kysely<Database>, filter: AuditFilter) {
  let q = db.selectFrom('audit_log as a').leftJoin('app_user as u', 'u.id', 'a.actor_user_id');
  if (filter.action) q = q.where('a.action', 'like', `${escapeLike(filter.action)}%`);
  if (filter.outcome) q = q.where('a.outcome', '=', filter.outcome);
  if (filter.actor) q = q.where('u.email', 'ilike', `%${escapeLike(filter.actor)}%`);
  if (filter.from) q = q.where('a.at', '>=', new Date(`${filter.from}T00:00:00+08:00`));
  if (filter.to)
    q = q.where('a.at', '<', new Date(new Date(`${filter.to}T00:00:00+08:00`).getTime() + 86_400_000));
  const [rows, count] = await Promise.all([
    q
      .select([
        'a.id',
        'a.at',
        'a.action',
        'a.outcome',
        'a.ip',
        'a.entity_type',
        'a.entity_id',
        'a.details',
        'u.email as actor_email',
        'u.display_name as actor_name',
      ])
      .orderBy('a.at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(AUDIT_PAGE_SIZE)
      .offset((filter.page - 1) * AUDIT_PAGE_SIZE)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
