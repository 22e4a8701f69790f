import { type Kysely, sql } from 'kysely';

/*
 * Notifications (issue 7): each person's mail preference per notification kind (no row = the kind's default,
 * app/features/notifications/kinds.ts), and an index for the inbox, which lists read and unread notices.
 * Frozen once landed.
 */
const statements = [
  `create table notification_pref (
     user_id integer not null references app_user (id) on delete cascade,
     kind text not null check (length(kind) <= 60 and kind ~ '^[a-z]+(\\.[a-z-]+)+$'),
     mail boolean not null,
     updated_at timestamptz not null default now(),
     primary key (user_id, kind)
   )`,
  // Serves: the inbox of one user (all notices, newest first; /account/notices) and deleting a user's notices.
  `create index notice_user_idx on notice (user_id, created_at desc)`,
  `comment on index notice_user_idx is 'the inbox of one user, read and unread'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop index if exists notice_user_idx').execute(db);
  await sql.raw('drop table if exists notification_pref cascade').execute(db);
}
