import type { Kysely } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Database } from '../db/schema.ts';
import type { SearchDocument } from './engine.ts';

/*
 * Listing rows → search documents, public fields only. A listing is indexed while it is live (published and
 * not expired); anything else is deleted from the index. The detail text enters only when the listing's detail
 * is public; contacts never.
 */

function query(db: Kysely<Database>) {
  return db
    .selectFrom('listing as l')
    .select([
      'l.id',
      'l.kind',
      'l.status',
      'l.title',
      'l.summary',
      'l.detail',
      'l.keywords',
      'l.region',
      'l.confidentiality',
      'l.trl',
      'l.cooperation_modes',
      'l.transfer_modes',
      'l.budget_min_wan',
      'l.budget_max_wan',
      'l.price_wan',
      'l.price_negotiable',
      'l.investment_wan',
      'l.first_trial',
      'l.demand_type',
      'l.achievement_type',
      'l.scenario_type',
      'l.published_at',
      'l.expires_at',
    ])
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('listing_field as lf')
          .innerJoin('field as f', 'f.id', 'lf.field_id')
          .select(['f.code', 'f.name'])
          .whereRef('lf.listing_id', '=', 'l.id')
          .orderBy('f.sort_order'),
      ).as('fields'),
      jsonObjectFrom(
        eb.selectFrom('organisation as o').select(['o.name']).whereRef('o.id', '=', 'l.organisation_id'),
      ).as('organisation'),
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof query>['execute']>>[number];

export function isLive(row: { status: string; expires_at: Date | string | null }, now: Date): boolean {
  return row.status === 'published' && row.expires_at !== null && new Date(row.expires_at) > now;
}

export function toDocument(row: Row): SearchDocument {
  const isPublic = row.confidentiality === 'public';
  const amount =
    row.kind === 'demand'
      ? (row.budget_max_wan ?? row.budget_min_wan)
      : row.kind === 'achievement'
        ? row.price_wan
        : row.investment_wan;
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    summary: row.summary,
    keywords: row.keywords,
    body: isPublic ? row.detail : '',
    field_codes: row.fields.map((f) => f.code),
    field_names: row.fields.map((f) => f.name),
    region: row.region,
    trl: row.trl,
    modes: row.kind === 'achievement' ? row.transfer_modes : row.cooperation_modes,
    amount_wan: amount ?? null,
    budget_min_wan: row.budget_min_wan,
    budget_max_wan: row.budget_max_wan,
    price_wan: row.price_wan,
    price_negotiable: row.price_negotiable,
    investment_wan: row.investment_wan,
    first_trial: row.first_trial,
    type_code: row.demand_type ?? row.achievement_type ?? row.scenario_type,
    organisation_name: isPublic ? (row.organisation?.name ?? null) : null,
    // Never null for a live listing; a listing that was never published gets the epoch (it is never shown).
    published_at: new Date(row.published_at ?? 0).toISOString(),
    expires_at: new Date(row.expires_at ?? 0).toISOString(),
  };
}

/** Current state of the given listings: documents to upsert, ids to delete (gone or no longer live). */
export async function loadDocuments(
  db: Kysely<Database>,
  ids: number[],
  now = new Date(),
): Promise<{ upsert: SearchDocument[]; remove: number[] }> {
  if (ids.length === 0) return { upsert: [], remove: [] };
  const rows = await query(db).where('l.id', 'in', ids).execute();
  const upsert = rows.filter((r) => isLive(r, now)).map(toDocument);
  const live = new Set(upsert.map((d) => d.id));
  return { upsert, remove: ids.filter((id) => !live.has(id)) };
}

/**
 * The public document of each given listing whatever its state, with its state now (the supply–demand list shows
 * a withdrawn entry as such, and refuses listings that are not live).
 */
export async function documentsOf(
  db: Kysely<Database>,
  ids: number[],
  now = new Date(),
): Promise<Map<number, { doc: SearchDocument; live: boolean; status: Row['status'] }>> {
  if (ids.length === 0) return new Map();
  const rows = await query(db).where('l.id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, { doc: toDocument(r), live: isLive(r, now), status: r.status }]));
}

/** Every live listing, in batches (full reindex). */
export async function* allDocuments(db: Kysely<Database>, batchSize = 1000, now = new Date()) {
  let after = 0;
  for (;;) {
    const rows = await query(db)
      .where('l.status', '=', 'published')
      .where('l.expires_at', '>', now)
      .where('l.id', '>', after)
      .orderBy('l.id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    yield rows.map(toDocument);
  }
}
