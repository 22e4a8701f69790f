import { type Kysely, sql } from 'kysely';

/*
 * The 蒙科聚 push sync (issue 8, docs/mengkeju.md "Push sync"): one row per record that has been queued for
 * 蒙科聚 (an organisation, a listing, or a contract = a registered match), with its sync status. The work itself
 * travels through the outbox (topic 'mkj'); this table is what the bureau's failures page reads.
 * `attempts` counts the failed attempts since the record was last accepted (0 once synced); `payload_hash` is the
 * SHA-256 of the last body 蒙科聚 accepted, so an unchanged record is not sent twice. Frozen once landed.
 */
const statements = [
  `create table mkj_sync (
     entity_type text not null check (entity_type in ('organisation', 'listing', 'contract')),
     entity_id integer not null check (entity_id > 0),
     status text not null default 'pending' check (status in ('pending', 'synced', 'failed')),
     attempts integer not null default 0 check (attempts >= 0),
     last_error text check (char_length(last_error) <= 1000),
     last_attempt_at timestamptz,
     synced_at timestamptz,
     remote_id text check (char_length(remote_id) between 1 and 200),
     payload_hash text check (payload_hash ~ '^[0-9a-f]{64}$'),
     primary key (entity_type, entity_id),
     check (status <> 'failed' or last_error is not null)
   )`,
  // Serves: the failures page (failed records, latest attempt first) and the counts per status.
  `create index mkj_sync_status_idx on mkj_sync (status, last_attempt_at desc)`,
  `comment on index mkj_sync_status_idx is '蒙科聚 sync page: records per status, failed ones by latest attempt'`,
  // Serves: queueSync's coalescing check and "retry now" (open 'mkj' outbox rows of one record).
  `create index outbox_mkj_open_idx on outbox (aggregate_type, aggregate_id) where topic = 'mkj' and processed_at is null`,
  `comment on index outbox_mkj_open_idx is '蒙科聚 sync: open outbox rows of one record (coalescing, retry now)'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop index if exists outbox_mkj_open_idx').execute(db);
  await sql.raw('drop table if exists mkj_sync cascade').execute(db);
}
