import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { SearchEngine } from '../../search/engine.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

/** What every loader and action receives as `context` (built per request in server.ts). */
export type AppContext = {
  db: Kysely<Database>;
  config: Config;
  logger: Logger;
  /** The search engine (embedded PostgreSQL or Meilisearch), search/index.ts. */
  search: SearchEngine;
  /** The client's address as Express sees it (honours TRUST_PROXY). */
  clientIp: string;
  /** Per-request nonce for the Content-Security-Policy (Remix's inline scripts carry it). */
  cspNonce: string;
};

// Declaration merging: loaders and actions see `context.db` etc. typed.
declare module '@remix-run/server-runtime' {
  interface AppLoadContext extends AppContext {}
}
