/**
 * `npm run search:reindex` — rebuilds the search index from the listing tables, with a progress bar, without a
 * window where search is empty. `… stuck` lists outbox rows that keep failing.
 * With the embedded database, run it while the server is stopped (PGlite is one process).
 */
import cliProgress from 'cli-progress';
import { migrateToLatest } from '../../../db/migrate.ts';
import { createSearchEngine } from '../../../search/index.ts';
import { reindexAll, stuckRows } from '../../../search/indexer.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from '../database.ts';

const command = process.argv[2] ?? 'reindex';
try {
  const config = loadConfig();
  const handle = await openDatabase(config);
  try {
    await migrateToLatest(handle.db);
    const engine = createSearchEngine({
      db: handle.db,
      meiliUrl: config.MEILI_URL,
      meiliApiKey: config.MEILI_API_KEY,
      meiliIndex: config.MEILI_INDEX,
      meiliTimeoutMs: config.MEILI_TIMEOUT_MS,
    });
    if (command === 'stuck') {
      const rows = await stuckRows(handle.db);
      process.stdout.write(rows.length ? `${JSON.stringify(rows, null, 2)}\n` : 'no stuck outbox rows\n');
    } else {
      const bar = new cliProgress.SingleBar({
        format: `${engine.name} [{bar}] {value}/{total} {percentage}%`,
      });
      let started = false;
      const t0 = Date.now();
      const { count } = await reindexAll(handle.db, engine, (done, total) => {
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(done);
      });
      if (started) bar.stop();
      process.stdout.write(`${count} documents indexed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    await handle.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
