import type { Kysely } from 'kysely';
import { findFieldByCode } from '../../../db/queries/fields.ts';
import { countLiveByKind, getLiveListing, listLiveListings } from '../../../db/queries/listings.ts';
import type { Database, ListingKind } from '../../../db/schema.ts';
import type { SearchEngine } from '../../../search/engine.ts';
import type { Logger } from '../../server/logger.ts';
import { type ListingViewer, pageCount, toPublicDetail, toPublicSummary } from './rules.ts';

/** Use cases behind the public listing pages and the read-only API. Returns plain data. */

export class UnknownFieldError extends Error {}

export async function browseListings(
  db: Kysely<Database>,
  input: { kind?: ListingKind; fieldCode?: string; page: number; perPage: number; viewer: ListingViewer },
  now = new Date(),
) {
  if (input.fieldCode !== undefined && !(await findFieldByCode(db, input.fieldCode))) {
    throw new UnknownFieldError(input.fieldCode);
  }
  const { items, total } = await listLiveListings(db, {
    kind: input.kind,
    fieldCode: input.fieldCode,
    page: input.page,
    perPage: input.perPage,
    now,
  });
  return {
    items: items.map((row) => toPublicSummary(row, input.viewer)),
    page: input.page,
    perPage: input.perPage,
    total,
    pages: pageCount(total, input.perPage),
  };
}

export async function viewListing(db: Kysely<Database>, id: number, viewer: ListingViewer, now = new Date()) {
  const row = await getLiveListing(db, id, now);
  return row ? toPublicDetail(row, viewer) : undefined;
}

/**
 * The home page: live counts per kind (exact, from the listing table) and the newest listings (search engine).
 * Without the engine (down, timing out) the page still opens, with the counts and no newest list
 * (tests/faults/engine-timeout.test.ts).
 */
export async function homePage(
  db: Kysely<Database>,
  search: SearchEngine,
  now = new Date(),
  logger?: Pick<Logger, 'warn'>,
) {
  const [counts, newest] = await Promise.all([
    countLiveByKind(db, now),
    search.search({ q: '', sort: 'newest', page: 1, perPage: 9 }).then(
      (result) => result.hits,
      (error: unknown) => {
        logger?.warn(
          { err: error, engine: search.name },
          'home page without the newest listings: search failed',
        );
        return [];
      },
    ),
  ]);
  return { counts, newest };
}
