import { type Kysely, sql } from 'kysely';

/*
 * The periodic scenario supply–demand list (场景供需清单, issue 6): editions, their entries (frozen as a
 * snapshot when the edition is published), errata, and the e-mail subscriptions with their deliveries.
 * A published edition never changes: entries keep their snapshot, corrections are errata. Frozen once landed.
 */
const statements = [
  `create table edition (
     id integer generated always as identity primary key,
     year smallint not null check (year between 2000 and 2100),
     number smallint not null check (number between 1 and 999),
     title text not null check (length(title) between 1 and 100),
     period_start date,
     period_end date,
     introduction text not null default '' check (length(introduction) <= 2000),
     status text not null default 'draft' check (status in ('draft', 'scheduled', 'published')),
     scheduled_at timestamptz,
     scheduled_by integer references app_user (id),
     published_at timestamptz,
     published_by integer references app_user (id),
     created_by integer references app_user (id),
     version integer not null default 1,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     unique (year, number),
     check (period_end is null or period_start is null or period_end >= period_start),
     check ((status = 'scheduled') = (scheduled_at is not null)),
     check ((status = 'published') = (published_at is not null))
   )`,
  // Serves: the public archive (published editions by year, newest first), the Atom feed.
  `create index edition_published_idx on edition (published_at desc) where status = 'published'`,
  `comment on index edition_published_idx is 'published editions, newest first (archive, feed)'`,
  // Serves: the worker's scheduled publishing (editions due now).
  `create index edition_scheduled_idx on edition (scheduled_at) where status = 'scheduled'`,
  `comment on index edition_scheduled_idx is 'scheduled editions due for publishing'`,

  `create table edition_entry (
     id integer generated always as identity primary key,
     edition_id integer not null references edition (id) on delete cascade,
     listing_id integer not null references listing (id),
     section text not null check (section in ('demand', 'supply')),
     chain_action text not null check (chain_action in ('strengthen', 'build', 'layout')),
     field_id integer references field (id),
     position integer not null,
     note text not null default '' check (length(note) <= 300),
     added_by integer references app_user (id),
     added_at timestamptz not null default now(),
     snapshot jsonb,
     unique (edition_id, listing_id)
   )`,
  // Serves: the entries of one edition in their order (edition page, exports, curation).
  `create index edition_entry_order_idx on edition_entry (edition_id, section, position)`,
  `comment on index edition_entry_order_idx is 'entries of one edition in order'`,
  // Serves: the editions a listing appears in (listing page, withdrawal marks).
  `create index edition_entry_listing_idx on edition_entry (listing_id)`,
  `comment on index edition_entry_listing_idx is 'editions that list a listing'`,

  `create table edition_erratum (
     id integer generated always as identity primary key,
     edition_id integer not null references edition (id) on delete cascade,
     body text not null check (length(body) between 1 and 2000),
     published_by integer references app_user (id),
     published_at timestamptz not null default now()
   )`,
  // Serves: the errata of one edition, oldest first (edition page, exports, feed).
  `create index edition_erratum_edition_idx on edition_erratum (edition_id, published_at)`,
  `comment on index edition_erratum_edition_idx is 'errata of one edition'`,

  `create table subscription (
     id integer generated always as identity primary key,
     email text not null check (email = lower(email) and length(email) between 3 and 254),
     user_id integer references app_user (id) on delete set null,
     status text not null default 'pending' check (status in ('pending', 'active', 'unsubscribed')),
     confirm_token_hash text,
     confirm_expires_at timestamptz,
     unsubscribe_token text not null unique,
     created_at timestamptz not null default now(),
     confirmed_at timestamptz,
     unsubscribed_at timestamptz,
     unique (email)
   )`,
  // Serves: the fan-out of an edition mail to every active subscriber, in id order (batches).
  `create index subscription_active_idx on subscription (id) where status = 'active'`,
  `comment on index subscription_active_idx is 'active subscribers for the edition mail fan-out'`,
  // Serves: the double opt-in link (confirm token → subscription).
  `create index subscription_confirm_idx on subscription (confirm_token_hash) where confirm_token_hash is not null`,
  `comment on index subscription_confirm_idx is 'pending subscription by its confirmation token'`,
  // Serves: a member's own subscription (account page).
  `create index subscription_user_idx on subscription (user_id) where user_id is not null`,
  `comment on index subscription_user_idx is 'the subscription of a signed-in member'`,

  // One mail per edition and subscriber, ever: the fan-out inserts here and enqueues the mail in one transaction.
  `create table edition_delivery (
     edition_id integer not null references edition (id) on delete cascade,
     subscription_id integer not null references subscription (id) on delete cascade,
     queued_at timestamptz not null default now(),
     primary key (edition_id, subscription_id)
   )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['edition_delivery', 'subscription', 'edition_erratum', 'edition_entry', 'edition'])
    await sql.raw(`drop table if exists ${table} cascade`).execute(db);
}
