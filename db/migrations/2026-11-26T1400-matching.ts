import { type Kysely, sql } from 'kysely';

/*
 * Matching and brokering (issue 7): expressions of interest (意向) with a response deadline and required decline
 * reasons; matches (对接) from an accepted interest or a technology manager's proposal, carried through contract
 * signing and registration; every step an event; the managers' activity log. The data issue 8's statistics need
 * (timestamps of every step, response times, amounts) is recorded here. Frozen once landed.
 */
const statements = [
  `create table interest (
     id integer generated always as identity primary key,
     listing_id integer not null references listing (id),
     requester_user_id integer not null references app_user (id),
     requester_org_id integer not null references organisation (id),
     message text not null check (char_length(message) between 10 and 1000),
     status text not null default 'pending' check (status in ('pending', 'accepted', 'declined', 'withdrawn')),
     respond_by timestamptz not null,
     reminded_at timestamptz,
     overdue_flagged_at timestamptz,
     responded_at timestamptz,
     responded_by integer references app_user (id),
     decline_code text check (decline_code in
       ('not_fit', 'immature', 'price', 'has_partner', 'insufficient_info', 'other')),
     decline_text text check (char_length(decline_text) <= 500),
     created_at timestamptz not null default now(),
     version integer not null default 1,
     check ((status = 'declined') = (decline_code is not null)),
     check (status = 'pending' or status = 'withdrawn' or responded_at is not null)
   )`,
  // One live expression of interest per organisation and listing (a withdrawn one may be expressed again).
  `create unique index interest_once_idx on interest (listing_id, requester_org_id) where status <> 'withdrawn'`,
  `comment on index interest_once_idx is 'one interest per organisation and listing (refuses a second)'`,
  // Serves: the interests an owner must answer (per listing), the reminder and overdue scans.
  `create index interest_pending_idx on interest (respond_by) where status = 'pending'`,
  `comment on index interest_pending_idx is 'pending interests by deadline (reminders, overdue flags)'`,
  `create index interest_listing_idx on interest (listing_id, created_at desc)`,
  `comment on index interest_listing_idx is 'interests received by one listing'`,
  `create index interest_requester_idx on interest (requester_org_id, created_at desc)`,
  `comment on index interest_requester_idx is 'interests sent by one organisation'`,

  `create table match (
     id integer generated always as identity primary key,
     state text not null check (state in ('proposed', 'accepted', 'negotiating', 'contract_signed', 'registered',
       'in_execution', 'closed', 'declined', 'withdrawn')),
     source text not null check (source in ('interest', 'manager')),
     interest_id integer unique references interest (id),
     need_listing_id integer references listing (id),
     offer_listing_id integer references listing (id),
     need_org_id integer not null references organisation (id),
     offer_org_id integer not null references organisation (id),
     need_accepted_at timestamptz,
     offer_accepted_at timestamptz,
     proposed_by integer references app_user (id),
     manager_user_id integer references app_user (id),
     contract_type text check (contract_type in ('development', 'transfer', 'license', 'consulting', 'service')),
     contract_amount_wan numeric(12, 2) check (contract_amount_wan > 0),
     contract_signed_on date,
     registration_no text,
     certified_amount_wan numeric(12, 2) check (certified_amount_wan > 0),
     registered_on date,
     registration_office text,
     end_reason_code text,
     end_reason_text text,
     mkj_id text,
     mkj_url text,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     version integer not null default 1,
     check (need_listing_id is not null or offer_listing_id is not null),
     check (need_org_id <> offer_org_id),
     check (state not in ('contract_signed', 'registered', 'in_execution', 'closed') or contract_amount_wan is not null),
     check (state not in ('registered', 'in_execution') or registration_no is not null)
   )`,
  // One open match per pair of listings: two managers proposing the same pair at once get one match and a 409.
  `create unique index match_open_pair_idx on match (need_listing_id, offer_listing_id)
     where state not in ('closed', 'declined', 'withdrawn')
       and need_listing_id is not null and offer_listing_id is not null`,
  `comment on index match_open_pair_idx is 'one open match per need/offer pair (refuses a duplicate proposal)'`,
  // Serves: a technology manager's board (their matches by state).
  `create index match_manager_idx on match (manager_user_id, state) where manager_user_id is not null`,
  `comment on index match_manager_idx is 'matches brokered by one technology manager'`,
  // Serves: the matches of one organisation on either side (我的对接).
  `create index match_need_org_idx on match (need_org_id, updated_at desc)`,
  `comment on index match_need_org_idx is 'matches of an organisation on the need side'`,
  `create index match_offer_org_idx on match (offer_org_id, updated_at desc)`,
  `comment on index match_offer_org_idx is 'matches of an organisation on the offer side'`,
  // Serves: unassigned open matches that managers may take.
  `create index match_unassigned_idx on match (created_at) where manager_user_id is null
     and state in ('proposed', 'accepted', 'negotiating')`,
  `comment on index match_unassigned_idx is 'open matches without a technology manager'`,

  `create table match_event (
     id bigint generated always as identity primary key,
     match_id integer not null references match (id) on delete cascade,
     type text not null,
     from_state text,
     to_state text,
     actor_user_id integer references app_user (id),
     actor_role text not null check (actor_role in ('party', 'manager', 'staff', 'system')),
     note text check (char_length(note) <= 1000),
     created_at timestamptz not null default now()
   )`,
  // Serves: the events list of one match, in order.
  `create index match_event_match_idx on match_event (match_id, id)`,
  `comment on index match_event_match_idx is 'events of one match in order'`,

  `create table match_activity (
     id integer generated always as identity primary key,
     match_id integer not null references match (id) on delete cascade,
     user_id integer not null references app_user (id),
     kind text not null check (kind in ('call', 'visit', 'meeting', 'document', 'other')),
     minutes integer not null check (minutes between 0 and 1440),
     occurred_on date not null,
     note text not null check (char_length(note) between 1 and 1000),
     created_at timestamptz not null default now()
   )`,
  // Serves: the activity log of one match (match page) and a manager's time spent (issue 8 league tables).
  `create index match_activity_match_idx on match_activity (match_id, occurred_on desc)`,
  `comment on index match_activity_match_idx is 'activities logged on one match'`,
  `create index match_activity_user_idx on match_activity (user_id, occurred_on)`,
  `comment on index match_activity_user_idx is 'activities of one technology manager'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['match_activity', 'match_event', 'match', 'interest'])
    await sql.raw(`drop table if exists ${table} cascade`).execute(db);
}
