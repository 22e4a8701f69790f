import type { Migration } from 'kysely';
import * as coreRecords from './2026-11-26T0900-core-records.ts';
import * as fieldTaxonomy from './2026-11-26T0910-field-taxonomy.ts';
import * as accounts from './2026-11-26T1000-accounts.ts';
import * as listingLifecycle from './2026-11-26T1100-listing-lifecycle.ts';
import * as search from './2026-11-26T1200-search.ts';
import * as editions from './2026-11-26T1300-editions.ts';
import * as matching from './2026-11-26T1400-matching.ts';
import * as notifications from './2026-11-26T1410-notifications.ts';
import * as mkjSync from './2026-11-26T1500-mkj-sync.ts';

/**
 * Every migration, registered explicitly (no directory scan: works inside the Vite bundle, under
 * vitest and with PGlite). Names sort by date; append new ones at the end.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-26T0900-core-records': coreRecords,
  '2026-11-26T0910-field-taxonomy': fieldTaxonomy,
  '2026-11-26T1000-accounts': accounts,
  '2026-11-26T1100-listing-lifecycle': listingLifecycle,
  '2026-11-26T1200-search': search,
  '2026-11-26T1300-editions': editions,
  '2026-11-26T1400-matching': matching,
  '2026-11-26T1410-notifications': notifications,
  '2026-11-26T1500-mkj-sync': mkjSync,
};
