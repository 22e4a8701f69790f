import { type Kysely, sql } from 'kysely';
import type { Database, ListingKind } from '../schema.ts';

export interface FieldWithCount {
  id: number;
  code: string;
  name: string;
  chain_action: 'strengthen' | 'build' | 'layout';
  live_count: number;
}

/** Active fields in taxonomy order, each with the number of live listings (of one kind, if given). */
export async function listFieldsWithCounts(
  db: Kysely<Database>,
  options: { kind?: ListingKind; now: Date },
): Promise<FieldWithCount[]> {
  const { kind, now } = options;
  return db
    .selectFrom('field as f')
    .select(['f.id', 'f.code', 'f.name', 'f.chain_action'])
    .select((eb) =>
      eb
        .selectFrom('listing_field as lf')
        .innerJoin('listing as l', 'l.id', 'lf.listing_id')
        .whereRef('lf.field_id', '=', 'f.id')
        .where('l.status', '=', 'published')
        .where('l.expires_at', '>', now)
        .$if(kind !== undefined, (qb) => qb.where('l.kind', '=', kind!))
        .select(sql<number>`count(*)::int`.as('n'))
        .as('live_count'),
    )
    .where('f.active', '=', true)
    .orderBy('f.sort_order')
    .orderBy('f.id')
    .execute() as Promise<FieldWithCount[]>;
}

export async function findFieldByCode(db: Kysely<Database>, code: string) {
  return db.selectFrom('field').selectAll().where('code', '=', code).executeTakeFirst();
}
