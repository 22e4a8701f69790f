/**
 * `npm run worker` — the background worker loop in a process of its own (PostgreSQL only: with the embedded
 * database the worker runs inside the web process). Several may run: tasks claim work with SKIP LOCKED.
 */
import { prepareSearch } from '../../features/search/search.server.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from '../database.ts';
import { createLogger } from '../logger.ts';
import { startWorker, workerTasks } from '../worker.ts';

try {
  const config = loadConfig();
  if (!config.DATABASE_URL)
    throw new ConfigError([{ variable: 'DATABASE_URL', message: 'a separate worker needs PostgreSQL' }]);
  const logger = createLogger(config.LOG_LEVEL).child({ part: 'worker' });
  const handle = await openDatabase(config);
  const search = await prepareSearch(handle.db, config, logger);
  const worker = startWorker({
    db: handle.db,
    search,
    logger,
    tasks: workerTasks(config),
    intervalMs: config.WORKER_INTERVAL_MS,
  });
  const stop = async () => {
    await worker.stop();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 78 : 1);
}
