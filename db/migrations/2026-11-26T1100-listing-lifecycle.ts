import { type Kysely, sql } from 'kysely';

/*
 * Listing life cycle (issue 4): attachments, in-app notices, renewal reminders, the reviewed snapshot that
 * re-review compares against. Frozen once landed.
 */
const statements = [
  `create table attachment (
     id integer generated always as identity primary key,
     listing_id integer not null references listing (id) on delete cascade,
     storage_name text not null unique check (storage_name ~ '^[A-Za-z0-9_-]{20,64}\\.(pdf|jpg|png)$'),
     original_name text not null check (length(original_name) between 1 and 200),
     mime_type text not null check (mime_type in ('application/pdf', 'image/jpeg', 'image/png')),
     size_bytes integer not null check (size_bytes > 0 and size_bytes <= 10485760),
     sha256 text not null,
     uploaded_by integer references app_user (id),
     created_at timestamptz not null default now()
   )`,
  // Serves: the attachments of one listing (detail page, edit form, download check, the 5-per-listing limit).
  `create index attachment_listing_idx on attachment (listing_id, id)`,
  `comment on index attachment_listing_idx is 'attachments of one listing'`,

  `create table notice (
     id bigint generated always as identity primary key,
     user_id integer not null references app_user (id) on delete cascade,
     kind text not null,
     title text not null,
     body text not null default '',
     link text,
     created_at timestamptz not null default now(),
     read_at timestamptz
   )`,
  // Serves: the unread notices of one user, newest first (account page, header badge).
  `create index notice_user_unread_idx on notice (user_id, created_at desc) where read_at is null`,
  `comment on index notice_user_unread_idx is 'unread notices of one user'`,

  // When the 14-day renewal reminder was sent for the current expiry (cleared when the listing is renewed).
  `alter table listing add column reminder_sent_at timestamptz`,
  // The reviewed fields as last approved: a re-review shows what changed since.
  `alter table listing add column approved_snapshot jsonb`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('alter table listing drop column if exists approved_snapshot').execute(db);
  await sql.raw('alter table listing drop column if exists reminder_sent_at').execute(db);
  await sql.raw('drop table if exists notice cascade').execute(db);
  await sql.raw('drop table if exists attachment cascade').execute(db);
}
