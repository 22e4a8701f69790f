import crypto from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { enqueue } from '../../../db/queries/outbox.ts';
import type { Database, MkjSyncEntity } from '../../../db/schema.ts';
import { documentsOf } from '../../../search/documents.ts';

/*
 * The 蒙科聚 push sync (issue 8; docs/mengkeju.md "Push sync"): records go to 蒙科聚 through the outbox (topic
 * 'mkj'), one row per record and change, consumed by the 'mkj-sync' worker task (sync-task.server.ts).
 *
 * - queueSync runs INSIDE the caller's transaction (listing publish / renew / withdraw / expire, organisation
 *   verification, contract registration / close): it only writes rows, so a slow or unreachable 蒙科聚 never delays
 *   or fails a user action.
 * - The body is built at SEND time from the current database state (syncBody), public fields only: a listing's
 *   public search document (search/documents.ts), never contacts or the detail tier.
 * - mkj_sync keeps one status per record (pending / synced / failed) for the bureau page.
 */

export const MKJ_COUNTY = '和林格尔县';

/** Marks the record pending and queues one outbox row, unless an unclaimed one is already waiting (coalescing). */
export async function queueSync(db: Kysely<Database>, entity: MkjSyncEntity, id: number): Promise<void> {
  await db
    .insertInto('mkj_sync')
    .values({ entity_type: entity, entity_id: id, status: 'pending' })
    .onConflict((oc) => oc.columns(['entity_type', 'entity_id']).doUpdateSet({ status: 'pending' }))
    .execute();
  // A row never claimed (attempts = 0) will build its body from the state current when it is sent, so it covers
  // this change too. A row already claimed may be in flight with an older body: then a new row is needed.
  const waiting = await db
    .selectFrom('outbox')
    .select('id')
    .where('topic', '=', 'mkj')
    .where('aggregate_type', '=', entity)
    .where('aggregate_id', '=', String(id))
    .where('processed_at', 'is', null)
    .where('attempts', '=', 0)
    .limit(1)
    .executeTakeFirst();
  if (!waiting) await enqueue(db, { topic: 'mkj', aggregateType: entity, aggregateId: id });
}

/** What is POSTed to MKJ_SYNC_URL. */
export interface SyncBody {
  type: MkjSyncEntity;
  id: number;
  county: typeof MKJ_COUNTY;
  /** The record's 蒙科聚 id when known (imported, or returned by an earlier push). */
  mkj_id: string | null;
  data: Record<string, unknown>;
}

export interface BuiltBody {
  body: SyncBody;
  /** The record is public now (a live listing, a verified organisation, a registered contract); else the body is
   * a status change. */
  present: boolean;
}

const REGISTERED_STATES = ['registered', 'in_execution', 'closed'] as const;

/** The body for one record from the current database state; undefined when the record no longer exists. */
export async function syncBody(
  db: Kysely<Database>,
  entity: MkjSyncEntity,
  id: number,
  options: { now: Date; origin?: string },
): Promise<BuiltBody | undefined> {
  if (entity === 'listing') return listingBody(db, id, options);
  if (entity === 'organisation') return organisationBody(db, id, options);
  return contractBody(db, id);
}

function wrap(entity: MkjSyncEntity, id: number, mkjId: string | null, data: Record<string, unknown>) {
  return { type: entity, id, county: MKJ_COUNTY, mkj_id: mkjId, data } satisfies SyncBody;
}

async function listingBody(db: Kysely<Database>, id: number, options: { now: Date; origin?: string }) {
  const row = await db
    .selectFrom('listing as l')
    .innerJoin('organisation as o', 'o.id', 'l.organisation_id')
    .select([
      'l.status',
      'l.confidentiality',
      'l.mkj_id',
      'l.updated_at',
      'o.id as organisation_id',
      'o.mkj_id as organisation_mkj_id',
    ])
    .where('l.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const entry = (await documentsOf(db, [id], options.now)).get(id);
  if (!entry) return undefined;
  if (!entry.live) {
    // Withdrawn, expired (or past its expiry date, not yet swept), or no longer public (back in review): the
    // listing leaves 蒙科聚's list; only the status travels.
    const status =
      row.status === 'withdrawn'
        ? 'withdrawn'
        : row.status === 'expired' || row.status === 'published'
          ? 'expired'
          : 'unpublished';
    return {
      body: wrap('listing', id, row.mkj_id, { status, changed_at: row.updated_at.toISOString() }),
      present: false,
    };
  }
  const { id: _id, ...doc } = entry.doc;
  return {
    body: wrap('listing', id, row.mkj_id, {
      status: 'published',
      ...doc,
      // The issuing organisation's identity is public only for a public listing (decision 0003).
      organisation:
        row.confidentiality === 'public'
          ? { id: row.organisation_id, mkj_id: row.organisation_mkj_id }
          : null,
      url: options.origin ? `${options.origin}/listings/${id}` : null,
    }),
    present: true,
  };
}

async function organisationBody(db: Kysely<Database>, id: number, options: { origin?: string }) {
  const row = await db
    .selectFrom('organisation as o')
    .select([
      'o.type',
      'o.name',
      'o.short_name',
      'o.uscc',
      'o.region',
      'o.website',
      'o.description',
      'o.growth_tiers',
      'o.agency_rating',
      'o.verification',
      'o.verified_at',
      'o.updated_at',
      'o.mkj_id',
    ])
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('organisation_field as of')
          .innerJoin('field as f', 'f.id', 'of.field_id')
          .select(['f.code', 'f.name'])
          .whereRef('of.organisation_id', '=', 'o.id')
          .orderBy('f.sort_order'),
      ).as('fields'),
    )
    .where('o.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.verification !== 'verified') {
    return {
      body: wrap('organisation', id, row.mkj_id, {
        status: 'unverified',
        changed_at: row.updated_at.toISOString(),
      }),
      present: false,
    };
  }
  return {
    body: wrap('organisation', id, row.mkj_id, {
      status: 'verified',
      type: row.type,
      name: row.name,
      short_name: row.short_name,
      uscc: row.uscc,
      region: row.region,
      website: row.website,
      description: row.description,
      growth_tiers: row.growth_tiers,
      agency_rating: row.agency_rating,
      field_codes: row.fields.map((f) => f.code),
      field_names: row.fields.map((f) => f.name),
      verified_at: row.verified_at ? new Date(row.verified_at).toISOString() : null,
      url: options.origin ? `${options.origin}/orgs/${id}` : null,
    }),
    present: true,
  };
}

async function contractBody(db: Kysely<Database>, id: number) {
  const m = await db.selectFrom('match').selectAll().where('id', '=', id).executeTakeFirst();
  if (!m) return undefined;
  if (!(REGISTERED_STATES as readonly string[]).includes(m.state)) {
    return {
      body: wrap('contract', id, m.mkj_id, {
        status: 'unregistered',
        changed_at: m.updated_at.toISOString(),
      }),
      present: false,
    };
  }
  const orgs = await db
    .selectFrom('organisation')
    .select(['id', 'name', 'uscc', 'mkj_id'])
    .where('id', 'in', [m.need_org_id, m.offer_org_id])
    .execute();
  const listingIds = [m.need_listing_id, m.offer_listing_id].filter((x): x is number => x !== null);
  const listings = listingIds.length
    ? await db
        .selectFrom('listing')
        .select(['id', 'mkj_id', 'confidentiality'])
        .where('id', 'in', listingIds)
        .execute()
    : [];
  const org = (orgId: number) => {
    const o = orgs.find((x) => x.id === orgId);
    return o ? { id: o.id, name: o.name, uscc: o.uscc, mkj_id: o.mkj_id } : null;
  };
  // A listing is named only when it is public; a confidential one stays unnamed (decision 0003).
  const listing = (listingId: number | null) => {
    const l = listings.find((x) => x.id === listingId);
    return l && l.confidentiality === 'public' ? { id: l.id, mkj_id: l.mkj_id } : null;
  };
  return {
    body: wrap('contract', id, m.mkj_id, {
      status: m.state,
      contract_type: m.contract_type,
      signed_on: m.contract_signed_on,
      registration_no: m.registration_no,
      certified_amount_wan: m.certified_amount_wan,
      registered_on: m.registered_on,
      registration_office: m.registration_office,
      need: { organisation: org(m.need_org_id), listing: listing(m.need_listing_id) },
      offer: { organisation: org(m.offer_org_id), listing: listing(m.offer_listing_id) },
    }),
    present: true,
  };
}

/** SHA-256 of what 蒙科聚 stores (type, id, data); the mkj_id reference is left out. */
export function bodyHash(body: SyncBody): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify({ type: body.type, id: body.id, data: body.data }))
    .digest('hex');
}

/* ---------- status per record (written by the worker task) ---------- */

export async function markSynced(
  db: Kysely<Database>,
  entity: MkjSyncEntity,
  id: number,
  result: { hash: string; remoteId?: string | null; now: Date; attempted: boolean },
): Promise<void> {
  const set = {
    status: 'synced' as const,
    attempts: 0,
    last_error: null,
    synced_at: result.now,
    payload_hash: result.hash,
    ...(result.attempted ? { last_attempt_at: result.now } : {}),
    ...(result.remoteId ? { remote_id: result.remoteId } : {}),
  };
  await db
    .insertInto('mkj_sync')
    .values({ entity_type: entity, entity_id: id, ...set })
    .onConflict((oc) => oc.columns(['entity_type', 'entity_id']).doUpdateSet(set))
    .execute();
}

export async function markFailed(
  db: Kysely<Database>,
  entity: MkjSyncEntity,
  id: number,
  failure: { error: string; now: Date },
): Promise<void> {
  const error = failure.error.slice(0, 1000);
  await db
    .insertInto('mkj_sync')
    .values({
      entity_type: entity,
      entity_id: id,
      status: 'failed',
      attempts: 1,
      last_error: error,
      last_attempt_at: failure.now,
    })
    .onConflict((oc) =>
      oc.columns(['entity_type', 'entity_id']).doUpdateSet({
        status: 'failed',
        attempts: sql`mkj_sync.attempts + 1`,
        last_error: error,
        last_attempt_at: failure.now,
      }),
    )
    .execute();
}

/** A record 蒙科聚 never received and that is not public (or no longer exists): nothing to report. */
export async function forgetRecord(db: Kysely<Database>, entity: MkjSyncEntity, id: number): Promise<void> {
  await db
    .deleteFrom('mkj_sync')
    .where('entity_type', '=', entity)
    .where('entity_id', '=', id)
    .where('synced_at', 'is', null)
    .execute();
}

/* ---------- "retry now" (the bureau page) ---------- */

/**
 * A failed record is tried again at the next worker tick: its open outbox rows become due now, or, when automatic
 * retrying had stopped (permanent failure), a new row is queued. False when the record is not failed.
 */
export async function retrySync(db: Kysely<Database>, entity: MkjSyncEntity, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('mkj_sync')
      .set({ status: 'pending' })
      .where('entity_type', '=', entity)
      .where('entity_id', '=', id)
      .where('status', '=', 'failed')
      .returning('entity_id')
      .executeTakeFirst();
    if (!row) return false;
    const reset = await trx
      .updateTable('outbox')
      .set({ available_at: sql`now()` })
      .where('topic', '=', 'mkj')
      .where('aggregate_type', '=', entity)
      .where('aggregate_id', '=', String(id))
      .where('processed_at', 'is', null)
      .executeTakeFirst();
    if (Number(reset.numUpdatedRows) === 0)
      await enqueue(trx, { topic: 'mkj', aggregateType: entity, aggregateId: id });
    return true;
  });
}

/** "Retry all": every failed record, as retrySync. Returns how many records. */
export async function retryAllFailed(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`
      update outbox o set available_at = now()
      from mkj_sync s
      where s.status = 'failed' and o.topic = 'mkj' and o.processed_at is null
        and o.aggregate_type = s.entity_type and o.aggregate_id = s.entity_id::text`.execute(trx);
    await sql`
      insert into outbox (topic, aggregate_type, aggregate_id)
      select 'mkj', s.entity_type, s.entity_id::text
      from mkj_sync s
      where s.status = 'failed' and not exists (
        select 1 from outbox o
        where o.topic = 'mkj' and o.processed_at is null
          and o.aggregate_type = s.entity_type and o.aggregate_id = s.entity_id::text)`.execute(trx);
    const result = await trx
      .updateTable('mkj_sync')
      .set({ status: 'pending' })
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
}

/* ---------- the bureau page ---------- */

export const FAILED_SHOWN = 200;

/** Counts per status and the failed records (latest attempt first) with a readable name. */
export async function syncOverview(db: Kysely<Database>) {
  const counts = await db
    .selectFrom('mkj_sync')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .groupBy('status')
    .execute();
  const failed = await db
    .selectFrom('mkj_sync as s')
    .leftJoin('listing as l', (join) =>
      join.onRef('l.id', '=', 's.entity_id').on('s.entity_type', '=', 'listing'),
    )
    .leftJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 's.entity_id').on('s.entity_type', '=', 'organisation'),
    )
    .leftJoin('match as m', (join) =>
      join.onRef('m.id', '=', 's.entity_id').on('s.entity_type', '=', 'contract'),
    )
    .select([
      's.entity_type',
      's.entity_id',
      's.attempts',
      's.last_error',
      's.last_attempt_at',
      'l.title as listing_title',
      'o.name as organisation_name',
      'm.id as match_id',
      'm.registration_no',
    ])
    .where('s.status', '=', 'failed')
    .orderBy('s.last_attempt_at', 'desc')
    .orderBy('s.entity_type')
    .orderBy('s.entity_id')
    .limit(FAILED_SHOWN)
    .execute();
  return {
    counts: {
      pending: counts.find((c) => c.status === 'pending')?.n ?? 0,
      synced: counts.find((c) => c.status === 'synced')?.n ?? 0,
      failed: counts.find((c) => c.status === 'failed')?.n ?? 0,
    },
    failed,
  };
}
