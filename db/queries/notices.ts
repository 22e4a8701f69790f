import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

/*
 * In-app notices and mail preferences. The one place that writes notices is
 * app/features/notifications/notify.server.ts (notify, notifyOrganisation): call that, not insertNotices.
 * Every read and update names the user in its where clause (object-level check).
 */

/** The active users among `userIds`, with their e-mail and their stored mail choice for `kind` (null: none). */
export async function activeRecipients(db: Kysely<Database>, userIds: readonly number[], kind: string) {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('app_user as u')
    .leftJoin('notification_pref as p', (join) =>
      join.onRef('p.user_id', '=', 'u.id').on('p.kind', '=', kind),
    )
    .select(['u.id', 'u.email', 'p.mail'])
    .where('u.id', 'in', [...userIds])
    .where('u.status', '=', 'active')
    .orderBy('u.id')
    .execute();
}

/** The active members (any role) of an organisation who are active users. */
export async function activeMemberIds(db: Kysely<Database>, organisationId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.organisation_id', '=', organisationId)
    .where('m.status', '=', 'active')
    .where('u.status', '=', 'active')
    .orderBy('u.id')
    .execute();
  return rows.map((r) => r.id);
}

/** Active users holding one of the platform roles (bureau staff, technology managers). */
export async function platformRoleUserIds(
  db: Kysely<Database>,
  roles: readonly Database['platform_role']['role'][],
): Promise<number[]> {
  if (roles.length === 0) return [];
  const rows = await db
    .selectFrom('platform_role as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .select('u.id')
    .distinct()
    .where('r.role', 'in', [...roles])
    .where('u.status', '=', 'active')
    .orderBy('u.id')
    .execute();
  return rows.map((r) => r.id);
}

export async function insertNotices(
  db: Kysely<Database>,
  rows: readonly { user_id: number; kind: string; title: string; body: string; link: string | null }[],
): Promise<{ id: string; user_id: number }[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto('notice')
    .values([...rows])
    .returning(['id', 'user_id'])
    .execute();
}

export async function unreadNotices(db: Kysely<Database>, userId: number, limit = 20) {
  return db
    .selectFrom('notice')
    .select(['id', 'kind', 'title', 'body', 'link', 'created_at'])
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function countUnread(db: Kysely<Database>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('notice')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of a user's notices: unread first, then newest. */
export async function inboxRows(db: Kysely<Database>, userId: number, limit: number, offset: number) {
  return db
    .selectFrom('notice')
    .select(['id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at'])
    .where('user_id', '=', userId)
    .orderBy(sql`read_at is null`, 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countNotices(db: Kysely<Database>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('notice')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks the user's own unread notices read (the given ids, or all); other users' ids match nothing. */
export async function markNoticesRead(
  db: Kysely<Database>,
  userId: number,
  ids: readonly string[] | 'all',
  now: Date,
): Promise<number> {
  if (ids !== 'all' && ids.length === 0) return 0;
  let query = db
    .updateTable('notice')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (ids !== 'all') query = query.where('id', 'in', [...ids]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The user's stored mail choices (kinds without a row are absent). */
export async function storedPreferences(db: Kysely<Database>, userId: number) {
  return db.selectFrom('notification_pref').select(['kind', 'mail']).where('user_id', '=', userId).execute();
}

export async function upsertPreferences(
  db: Kysely<Database>,
  userId: number,
  choices: readonly { kind: string; mail: boolean }[],
  now: Date,
): Promise<void> {
  if (choices.length === 0) return;
  await db
    .insertInto('notification_pref')
    .values(choices.map((c) => ({ user_id: userId, kind: c.kind, mail: c.mail, updated_at: now })))
    .onConflict((oc) =>
      oc.columns(['user_id', 'kind']).doUpdateSet((eb) => ({
        mail: eb.ref('excluded.mail'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
