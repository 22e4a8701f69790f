import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** In-app notices to every active member of an organisation. Returns the members' ids and e-mails. */
export async function noticeOrganisation(
  db: Kysely<Database>,
  organisationId: number,
  notice: { kind: string; title: string; body?: string; link?: string },
): Promise<{ id: number; email: string }[]> {
  const members = await db
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email'])
    .where('m.organisation_id', '=', organisationId)
    .where('m.status', '=', 'active')
    .where('u.status', '=', 'active')
    .execute();
  if (members.length > 0) {
    await db
      .insertInto('notice')
      .values(
        members.map((u) => ({
          user_id: u.id,
          kind: notice.kind,
          title: notice.title,
          body: notice.body ?? '',
          link: notice.link ?? null,
        })),
      )
      .execute();
  }
  return members;
}

export async function unreadNotices(db: Kysely<Database>, userId: number, limit = 20) {
  return db
    .selectFrom('notice')
    .select(['id', 'kind', 'title', 'body', 'link', 'created_at'])
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
