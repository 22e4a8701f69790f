/**
 * Builds the migrated (and the migrated + seeded) database templates once per test run.
 * - PGlite (default): dumps of an in-memory database, restored per test file (~1–3 s instead of initdb's 6–16 s).
 * - PostgreSQL (DATABASE_URL set): template databases on that server; each file clones one (CREATE DATABASE … TEMPLATE).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { createDb, pgliteExtensions } from '../../db/client.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { seedDemo } from '../../db/seed/index.ts';
import { adminUrl, dropDatabase, runId, withAdmin } from './postgres-admin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dbTemplates:
      | { kind: 'pglite'; migrated: string; seeded: string }
      | { kind: 'postgres'; url: string; migrated: string; seeded: string };
  }
}

export default async function setup(project: TestProject) {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const id = runId();
    const migrated = `helin_tpl_migrated_${id}`;
    const seeded = `helin_tpl_seeded_${id}`;
    await withAdmin(databaseUrl, async (admin) => {
      await admin.query(`create database ${migrated}`);
      await admin.query(`create database ${seeded}`);
    });
    for (const [name, seed] of [
      [migrated, false],
      [seeded, true],
    ] as const) {
      const handle = await createDb({ databaseUrl: adminUrl(databaseUrl, name), poolMax: 1 });
      await migrateToLatest(handle.db);
      if (seed) await seedDemo(handle.db);
      await handle.close();
    }
    project.provide('dbTemplates', { kind: 'postgres', url: databaseUrl, migrated, seeded });
    return async () => {
      await withAdmin(databaseUrl, async (admin) => {
        await dropDatabase(admin, migrated);
        await dropDatabase(admin, seeded);
      });
    };
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-pglite-'));
  const pglite = await PGlite.create({ extensions: pgliteExtensions });
  const handle = await createDb({ pglite });
  await migrateToLatest(handle.db);
  const migrated = path.join(dir, 'migrated.tar.gz');
  fs.writeFileSync(migrated, Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer()));
  await seedDemo(handle.db);
  const seeded = path.join(dir, 'seeded.tar.gz');
  fs.writeFileSync(seeded, Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer()));
  await handle.close();
  await pglite.close();
  project.provide('dbTemplates', { kind: 'pglite', migrated, seeded });
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
