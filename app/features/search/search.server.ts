import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { SearchEngine } from '../../../search/engine.ts';
import { createSearchEngine } from '../../../search/index.ts';
import { reindexAll } from '../../../search/indexer.ts';
import type { Config } from '../../server/config.ts';
import type { Logger } from '../../server/logger.ts';

/** Opens the configured engine and builds the index when it is empty but listings are live (first start). */
export async function prepareSearch(
  db: Kysely<Database>,
  config: Config,
  logger: Logger,
): Promise<SearchEngine> {
  const engine = createSearchEngine({
    db,
    meiliUrl: config.MEILI_URL,
    meiliApiKey: config.MEILI_API_KEY,
    meiliIndex: config.MEILI_INDEX,
    meiliTimeoutMs: config.MEILI_TIMEOUT_MS,
  });
  await engine.setup();
  if ((await engine.count()) === 0) {
    const started = Date.now();
    const { count } = await reindexAll(db, engine);
    if (count > 0)
      logger.info({ engine: engine.name, count, ms: Date.now() - started }, 'search index built');
  }
  return engine;
}
