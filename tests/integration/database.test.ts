import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReadiness } from '../../app/server/health.ts';
import { createDb, DataDirLockedError, type DbHandle } from '../../db/client.ts';
import { createTestDb } from '../support/db.ts';

describe('readiness', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(() => handle.close());

  it('is ready when the database answers and migrations are applied', async () => {
    expect(await checkReadiness(handle.db)).toEqual({ ready: true, database: 'ok', pendingMigrations: [] });
  });

  it('reports pending migrations as not ready', async () => {
    await handle.db
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, '=', '2026-11-26T0910-field-taxonomy' as never)
      .execute();
    const readiness = await checkReadiness(handle.db);
    expect(readiness.ready).toBe(false);
    expect(readiness.pendingMigrations).toEqual(['2026-11-26T0910-field-taxonomy']);
  });

  it('reports an unreachable database', async () => {
    // Nothing listens on port 1: the pool cannot connect.
    const unreachable = await createDb({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', poolMax: 1 });
    try {
      expect(await checkReadiness(unreachable.db)).toEqual({
        ready: false,
        database: 'unreachable',
        pendingMigrations: [],
      });
    } finally {
      await unreachable.close();
    }
  });
});

describe('embedded data folder lock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-lock-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a second opener and lets the next one in after close; takes over a dead owner', async () => {
    const first = await createDb({ dataDir: dir });
    await expect(createDb({ dataDir: dir })).rejects.toThrow(DataDirLockedError);
    await first.close();
    expect(fs.existsSync(path.join(dir, 'pglite.lock'))).toBe(false);

    // A lock left behind by a process that no longer exists is taken over.
    fs.writeFileSync(path.join(dir, 'pglite.lock'), '2147483646');
    const second = await createDb({ dataDir: dir });
    expect(fs.readFileSync(path.join(dir, 'pglite.lock'), 'utf8')).toBe(String(process.pid));
    await second.close();
  }, 60_000);
});
