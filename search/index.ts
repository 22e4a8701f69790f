import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { SearchEngine } from './engine.ts';
import { createMeilisearchEngine } from './meilisearch.ts';
import { createPostgresEngine } from './postgres.ts';

export type { SearchEngine } from './engine.ts';

/** Meilisearch when MEILI_URL is set, else the embedded engine inside the same PostgreSQL. */
export function createSearchEngine(options: {
  db: Kysely<Database>;
  meiliUrl?: string;
  meiliApiKey?: string;
  meiliIndex?: string;
  meiliTimeoutMs?: number;
}): SearchEngine {
  if (options.meiliUrl) {
    return createMeilisearchEngine({
      url: options.meiliUrl,
      apiKey: options.meiliApiKey,
      indexUid: options.meiliIndex,
      requestTimeoutMs: options.meiliTimeoutMs,
    });
  }
  return createPostgresEngine(options.db);
}
