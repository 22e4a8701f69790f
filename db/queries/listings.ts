import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Database, ListingKind, ListingTable } from '../schema.ts';

/*
 * Read queries over published listings. "Live" means status published and not yet past expires_at
 * (the daily expiry job flips the status; this guard keeps a late job from showing stale listings).
 * Contact columns are never selected here: they leave the database only inside an accepted match.
 */

export interface ListingFieldRef {
  code: string;
  name: string;
}

export interface OrganisationRef {
  id: number;
  name: string;
  type: string;
  mkj_id: string | null;
  mkj_url: string | null;
}

function liveListings(db: Kysely<Database>, now: Date) {
  return db.selectFrom('listing as l').where('l.status', '=', 'published').where('l.expires_at', '>', now);
}

/** The listing's fields and its organisation, nested as JSON (one round trip). */
function fieldsAndOrganisation(eb: ExpressionBuilder<Database & { l: ListingTable }, 'l'>) {
  return [
    jsonArrayFrom(
      eb
        .selectFrom('listing_field as lf')
        .innerJoin('field as f', 'f.id', 'lf.field_id')
        .select(['f.code', 'f.name'])
        .whereRef('lf.listing_id', '=', 'l.id')
        .orderBy('f.sort_order'),
    ).as('fields'),
    jsonObjectFrom(
      eb
        .selectFrom('organisation as o')
        .select(['o.id', 'o.name', 'o.type', 'o.mkj_id', 'o.mkj_url'])
        .whereRef('o.id', '=', 'l.organisation_id'),
    ).as('organisation'),
  ] as const;
}

const summaryColumns = [
  'l.id',
  'l.kind',
  'l.title',
  'l.summary',
  'l.region',
  'l.keywords',
  'l.confidentiality',
  'l.demand_type',
  'l.budget_min_wan',
  'l.budget_max_wan',
  'l.deadline',
  'l.cooperation_modes',
  'l.achievement_type',
  'l.trl',
  'l.transfer_modes',
  'l.price_wan',
  'l.price_negotiable',
  'l.scenario_type',
  'l.investment_wan',
  'l.first_trial',
  'l.period_start',
  'l.period_end',
  'l.published_at',
  'l.expires_at',
  'l.mkj_id',
  'l.mkj_url',
] as const;

export interface ListFilter {
  kind?: ListingKind;
  fieldCode?: string;
  page: number;
  perPage: number;
  now: Date;
}

/** One page of live listings, newest first, with the total for pagination. */
export async function listLiveListings(db: Kysely<Database>, filter: ListFilter) {
  const { kind, fieldCode, page, perPage, now } = filter;
  const base = liveListings(db, now)
    .$if(kind !== undefined, (qb) => qb.where('l.kind', '=', kind!))
    .$if(fieldCode !== undefined, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom('listing_field as lf')
            .innerJoin('field as f', 'f.id', 'lf.field_id')
            .whereRef('lf.listing_id', '=', 'l.id')
            .where('f.code', '=', fieldCode!)
            .select(sql`1`.as('one')),
        ),
      ),
    );
  const [items, count] = await Promise.all([
    base
      .select(summaryColumns)
      .select(fieldsAndOrganisation)
      .orderBy('l.published_at', 'desc')
      .orderBy('l.id', 'desc')
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: count.n };
}

export type ListingSummaryRow = Awaited<ReturnType<typeof listLiveListings>>['items'][number];

/** One live listing with every public-or-tiered column (never contacts); undefined if not live. */
export async function getLiveListing(db: Kysely<Database>, id: number, now: Date) {
  return liveListings(db, now)
    .where('l.id', '=', id)
    .select(summaryColumns)
    .select(fieldsAndOrganisation)
    .select([
      'l.detail',
      'l.indicators',
      'l.ip_expectation',
      'l.innovation_points',
      'l.patent_numbers',
      'l.team',
      'l.advantages',
      'l.issuing_unit',
      'l.location',
      'l.expected_tech',
    ])
    .executeTakeFirst();
}

export type ListingDetailRow = NonNullable<Awaited<ReturnType<typeof getLiveListing>>>;

/** Live listings per kind (home page counters). */
export async function countLiveByKind(db: Kysely<Database>, now: Date): Promise<Record<ListingKind, number>> {
  const rows = await liveListings(db, now)
    .select(['l.kind', sql<number>`count(*)::int`.as('n')])
    .groupBy('l.kind')
    .execute();
  const counts: Record<ListingKind, number> = { demand: 0, achievement: 0, scenario: 0 };
  for (const row of rows) counts[row.kind] = row.n;
  return counts;
}
