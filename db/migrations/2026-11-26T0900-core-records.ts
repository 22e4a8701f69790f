import { type Kysely, sql } from 'kysely';

/*
 * The core records (issue 2). Frozen: never edit after it has landed, add a new migration instead.
 * Every index carries a comment naming the query it serves (also stored with COMMENT ON INDEX so that
 * `\di+` in psql tells the same story).
 * Listing design (one table, shared + kind-specific columns): docs/decisions/0002-listings-one-table.md
 */
const statements = [
  `create extension if not exists pg_trgm`,

  // Industry-field taxonomy (产业领域), seeded from the policy, editable by bureau staff later.
  `create table field (
     id integer generated always as identity primary key,
     code text not null unique check (code ~ '^[a-z][a-z0-9-]{1,40}$'),
     name text not null unique check (length(name) between 2 and 40),
     chain_action text not null check (chain_action in ('strengthen', 'build', 'layout')),
     sort_order integer not null default 0,
     active boolean not null default true
   )`,

  `create table organisation (
     id integer generated always as identity primary key,
     type text not null check (type in ('enterprise', 'university', 'institute', 'agency', 'public_body')),
     name text not null check (length(name) between 2 and 100),
     short_name text,
     uscc char(18) unique check (uscc ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
     region text not null,
     address text,
     website text,
     description text not null default '',
     growth_tiers text[] not null default '{}'
       check (growth_tiers <@ array['tech_sme', 'high_tech', 'leading', 'specialised', 'little_giant']::text[]),
     agency_rating text check (agency_rating in ('level1', 'level2')),
     verification text not null default 'pending' check (verification in ('pending', 'verified', 'rejected')),
     verification_note text,
     verified_at timestamptz,
     mkj_id text unique,
     mkj_url text,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now()
   )`,
  // Serves: organisation directory filtered by type (issue 3 bureau review queue: verification = 'pending').
  `create index organisation_type_verification_idx on organisation (type, verification)`,
  `comment on index organisation_type_verification_idx is 'organisation lists by type; pending-verification queue'`,

  `create table organisation_field (
     organisation_id integer not null references organisation (id) on delete cascade,
     field_id integer not null references field (id),
     primary key (organisation_id, field_id)
   )`,
  // Serves: "organisations working in field X" (recommendations, statistics by field).
  `create index organisation_field_field_idx on organisation_field (field_id, organisation_id)`,
  `comment on index organisation_field_field_idx is 'organisations by field'`,

  `create table app_user (
     id integer generated always as identity primary key,
     email text not null check (email ~ '^[^@\\s]+@[^@\\s]+$'),
     display_name text not null check (length(display_name) between 1 and 60),
     phone text,
     password_hash text,
     status text not null default 'active' check (status in ('active', 'disabled')),
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now()
   )`,
  // Serves: login and registration look-ups by e-mail, case-insensitive; one account per address.
  `create unique index app_user_email_idx on app_user (lower(email))`,
  `comment on index app_user_email_idx is 'login by e-mail (case-insensitive), uniqueness of e-mail'`,

  `create table membership (
     user_id integer not null references app_user (id) on delete cascade,
     organisation_id integer not null references organisation (id) on delete cascade,
     role text not null check (role in ('owner', 'member')),
     status text not null default 'active' check (status in ('active', 'requested', 'invited')),
     created_at timestamptz not null default now(),
     primary key (user_id, organisation_id)
   )`,
  // Serves: organisation settings page "members of organisation X".
  `create index membership_organisation_idx on membership (organisation_id, user_id)`,
  `comment on index membership_organisation_idx is 'members of an organisation'`,

  // Platform roles, independent of organisations. A technology manager's certificate data lives in
  // manager_profile (one row per manager).
  `create table platform_role (
     user_id integer not null references app_user (id) on delete cascade,
     role text not null check (role in ('bureau_admin', 'bureau_reviewer', 'manager')),
     granted_at timestamptz not null default now(),
     granted_by integer references app_user (id),
     primary key (user_id, role)
   )`,

  `create table manager_profile (
     user_id integer primary key references app_user (id) on delete cascade,
     grade text not null check (grade in ('junior', 'intermediate', 'senior')),
     certificate_no text not null unique,
     agency_id integer references organisation (id),
     field_ids integer[] not null default '{}',
     bio text not null default ''
   )`,
  // Serves: league table of managers per service agency.
  `create index manager_profile_agency_idx on manager_profile (agency_id)`,
  `comment on index manager_profile_agency_idx is 'managers of a service agency'`,

  `create table listing (
     id integer generated always as identity primary key,
     kind text not null check (kind in ('demand', 'achievement', 'scenario')),
     status text not null default 'draft'
       check (status in ('draft', 'submitted', 'published', 'rejected', 'expired', 'withdrawn')),
     organisation_id integer not null references organisation (id),
     created_by integer references app_user (id),
     title text not null check (length(title) between 4 and 120),
     summary text not null check (length(summary) between 10 and 600),
     detail text not null default '',
     keywords text[] not null default '{}',
     region text not null,
     confidentiality text not null default 'public' check (confidentiality in ('public', 'members', 'staff')),
     -- demand (技术需求)
     demand_type text check (demand_type in ('research', 'process', 'product', 'testing', 'transfer', 'consulting')),
     indicators text,
     budget_min_wan numeric(12, 2) check (budget_min_wan >= 0),
     budget_max_wan numeric(12, 2) check (budget_max_wan >= 0),
     deadline date,
     cooperation_modes text[] not null default '{}' check (cooperation_modes <@ array['transfer', 'license', 'equity', 'joint_development', 'commissioned', 'service', 'consulting', 'self']::text[]),
     ip_expectation text,
     -- achievement (科技成果)
     achievement_type text check (achievement_type in
       ('invention_patent', 'utility_model', 'software', 'plant_variety', 'know_how', 'process', 'material', 'equipment', 'other')),
     innovation_points text[] not null default '{}' check (cardinality(innovation_points) <= 3),
     patent_numbers text[] not null default '{}',
     trl smallint check (trl between 1 and 9),
     transfer_modes text[] not null default '{}' check (transfer_modes <@ array['transfer', 'license', 'equity', 'joint_development', 'commissioned', 'service', 'consulting', 'self']::text[]),
     price_wan numeric(12, 2) check (price_wan >= 0),
     price_negotiable boolean not null default false,
     team text,
     advantages text,
     -- scenario (应用场景)
     scenario_type text check (scenario_type in ('production', 'government', 'urban', 'livelihood')),
     issuing_unit text,
     location text,
     expected_tech text,
     investment_wan numeric(12, 2) check (investment_wan >= 0),
     first_trial boolean not null default false,
     period_start date,
     period_end date,
     -- contact: never public; revealed only inside an accepted match (issue 7)
     contact_name text,
     contact_phone text,
     contact_email text,
     -- life cycle
     submitted_at timestamptz,
     published_at timestamptz,
     expires_at timestamptz,
     rejection_reason text,
     mkj_id text unique,
     mkj_url text,
     version integer not null default 1,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     check (budget_min_wan is null or budget_max_wan is null or budget_min_wan <= budget_max_wan),
     check (period_start is null or period_end is null or period_start <= period_end),
     check (status <> 'published' or (published_at is not null and expires_at is not null)),
     check (status <> 'rejected' or rejection_reason is not null),
     check (kind = 'demand' or (demand_type is null and budget_min_wan is null and budget_max_wan is null)),
     check (kind = 'achievement' or (achievement_type is null and price_wan is null)),
     check (kind = 'scenario' or (scenario_type is null and investment_wan is null))
   )`,
  // Serves: index pages per kind and the home page's "newest" list (published, newest first).
  `create index listing_published_kind_idx on listing (kind, published_at desc, id desc) where status = 'published'`,
  `comment on index listing_published_kind_idx is 'published listings of a kind, newest first (index pages, home, API)'`,
  // Serves: the home page "newest across kinds" list and the API without a kind.
  `create index listing_published_idx on listing (published_at desc, id desc) where status = 'published'`,
  `comment on index listing_published_idx is 'published listings of any kind, newest first'`,
  // Serves: an organisation's own listings (member area, organisation profile).
  `create index listing_organisation_idx on listing (organisation_id, status)`,
  `comment on index listing_organisation_idx is 'listings of one organisation by status'`,
  // Serves: the daily expiry job and the 14-day renewal reminder (published and expiring before T).
  `create index listing_expiry_idx on listing (expires_at) where status = 'published'`,
  `comment on index listing_expiry_idx is 'expiry job and renewal reminders'`,
  // Serves: the bureau review queue (submitted, oldest first).
  `create index listing_review_idx on listing (submitted_at) where status = 'submitted'`,
  `comment on index listing_review_idx is 'review queue, oldest submission first'`,

  `create table listing_field (
     listing_id integer not null references listing (id) on delete cascade,
     field_id integer not null references field (id),
     primary key (listing_id, field_id)
   )`,
  // Serves: index pages filtered by field ("published demands in field X") and counts per field.
  `create index listing_field_field_idx on listing_field (field_id, listing_id)`,
  `comment on index listing_field_field_idx is 'listings in a field (field filter, counts by field)'`,

  `create table listing_event (
     id bigint generated always as identity primary key,
     listing_id integer not null references listing (id) on delete cascade,
     type text not null,
     from_status text,
     to_status text,
     actor_user_id integer references app_user (id),
     note text,
     created_at timestamptz not null default now()
   )`,
  // Serves: the history panel of one listing, in order.
  `create index listing_event_listing_idx on listing_event (listing_id, created_at, id)`,
  `comment on index listing_event_listing_idx is 'history of one listing'`,

  `create table audit_log (
     id bigint generated always as identity primary key,
     at timestamptz not null default now(),
     actor_user_id integer references app_user (id),
     ip text,
     action text not null,
     entity_type text,
     entity_id text,
     outcome text not null default 'success' check (outcome in ('success', 'failure', 'denied')),
     details jsonb not null default '{}'::jsonb
   )`,
  // Serves: the bureau audit page, newest first, optionally filtered by action.
  `create index audit_log_at_idx on audit_log (at desc, id desc)`,
  `comment on index audit_log_at_idx is 'audit page, newest first'`,
  // Serves: "everything user X did" on the audit page.
  `create index audit_log_actor_idx on audit_log (actor_user_id, at desc)`,
  `comment on index audit_log_actor_idx is 'audit page filtered by actor'`,

  // Transactional outbox: written in the same transaction as the change; consumed by the worker
  // (search indexing, mail, 蒙科聚 sync) with FOR UPDATE SKIP LOCKED.
  `create table outbox (
     id bigint generated always as identity primary key,
     topic text not null,
     aggregate_type text not null,
     aggregate_id text not null,
     payload jsonb not null default '{}'::jsonb,
     created_at timestamptz not null default now(),
     available_at timestamptz not null default now(),
     attempts integer not null default 0,
     last_error text,
     processed_at timestamptz
   )`,
  // Serves: the worker's claim query: next pending rows of a topic that are due, oldest first.
  `create index outbox_pending_idx on outbox (topic, available_at, id) where processed_at is null`,
  `comment on index outbox_pending_idx is 'worker claim: pending rows per topic, due first'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'outbox',
    'audit_log',
    'listing_event',
    'listing_field',
    'listing',
    'manager_profile',
    'platform_role',
    'membership',
    'app_user',
    'organisation_field',
    'organisation',
    'field',
  ]) {
    await sql.raw(`drop table if exists ${table} cascade`).execute(db);
  }
}
