import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { createDb, type DbHandle, pgliteExtensions } from '../../db/client.ts';
import { adminUrl, dropDatabase, runId, withAdmin } from './postgres-admin.ts';

/**
 * A fresh database for one test file (or one test): restored from the template built in global-setup.ts.
 * `seeded: true` gives the demo data; otherwise an empty migrated schema (taxonomy only). `poolMax`: connections
 * of the PostgreSQL pool (4; more for tests of truly parallel transactions).
 * Closing it drops it (PostgreSQL) or discards it (PGlite, in memory).
 */
export async function createTestDb(options: { seeded?: boolean; poolMax?: number } = {}): Promise<DbHandle> {
  const templates = inject('dbTemplates');
  const template = options.seeded ? templates.seeded : templates.migrated;
  if (templates.kind === 'pglite') {
    const dump = new Blob([fs.readFileSync(template)]);
    const pglite = await PGlite.create({ loadDataDir: dump, extensions: pgliteExtensions });
    const handle = await createDb({ pglite });
    return {
      ...handle,
      async close() {
        await handle.close();
        await pglite.close();
      },
    };
  }
  const name = `helin_t_${runId()}`;
  await withAdmin(templates.url, async (admin) => {
    // Concurrent clones of one template can collide ("being accessed by other users"): retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !String((error as Error).message).includes('being accessed')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  });
  const handle = await createDb({
    databaseUrl: adminUrl(templates.url, name),
    poolMax: options.poolMax ?? 4,
  });
  return {
    ...handle,
    async close() {
      await handle.close();
      await withAdmin(templates.url, (admin) => dropDatabase(admin, name));
    },
  };
}
