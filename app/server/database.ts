import { createDb, type DbHandle } from '../../db/client.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { seedDemo } from '../../db/seed/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR. */
export function openDatabase(config: Config): Promise<DbHandle> {
  return config.DATABASE_URL
    ? createDb({ databaseUrl: config.DATABASE_URL, poolMax: config.DB_POOL_MAX })
    : createDb({ dataDir: config.DATA_DIR });
}

/** Boot sequence shared by the server and the CLI: open, migrate, seed demo data when empty. */
export async function prepareDatabase(config: Config, logger: Logger): Promise<DbHandle> {
  const started = Date.now();
  const handle = await openDatabase(config);
  try {
    const applied = await migrateToLatest(handle.db);
    logger.info(
      { kind: handle.kind, applied: applied.map((m) => m.migrationName), ms: Date.now() - started },
      'database ready',
    );
    if (config.SEED_DEMO === 'auto') {
      const seeded = await seedDemo(handle.db);
      if (seeded.created) logger.info({ ...seeded, ms: Date.now() - started }, 'demo data seeded');
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
