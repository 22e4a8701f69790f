/**
 * `npm run db:migrate` — apply pending migrations.
 * `npm run db:seed`    — apply migrations, then load the demo data if it is not there yet.
 * With the embedded database, run these while the server is stopped (PGlite is one process; the lock in
 * DATA_DIR refuses a second opener).
 */

import { migrateToLatest } from '../../../db/migrate.ts';
import { seedDemo } from '../../../db/seed/index.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from '../database.ts';

const command = process.argv[2];
if (command !== 'migrate' && command !== 'seed') {
  console.error('usage: db.ts migrate|seed');
  process.exit(64);
}

try {
  const config = loadConfig();
  const handle = await openDatabase(config);
  try {
    const applied = await migrateToLatest(handle.db);
    process.stdout.write(
      `${handle.kind}: ${applied.length} migration(s) applied${applied.map((m) => `\n  ${m.migrationName}`).join('')}\n`,
    );
    if (command === 'seed') {
      const result = await seedDemo(handle.db);
      process.stdout.write(
        result.created
          ? `demo data: ${result.organisations} organisations, ${result.listings} listings, ${result.users} users\n`
          : 'demo data already present, nothing changed\n',
      );
    }
  } finally {
    await handle.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
