import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type DbKind = 'pglite' | 'postgres';

export interface DbHandle {
  db: Kysely<Database>;
  kind: DbKind;
  /** Closes the pool (and PGlite, and its lock). Safe to call twice. */
  close(): Promise<void>;
}

export type DbOptions =
  | { databaseUrl: string; poolMax?: number }
  | { dataDir: string }
  /** An already open PGlite (tests restore one from a migrated template). Owned by the caller. */
  | { pglite: PGlite };

/** Extensions PGlite must be given at creation (pg_trgm: Latin typo tolerance in search). */
export const pgliteExtensions = { pg_trgm };

/**
 * Type parsers: int8 (counts, sums) and numeric (万元 amounts) as numbers, `date` as 'YYYY-MM-DD'
 * strings (a JS Date would shift it by the server's time zone).
 */
const typeParsers: Record<number, (value: string) => unknown> = {
  20: (v) => Number.parseInt(v, 10),
  1700: (v) => Number.parseFloat(v),
  1082: (v) => v,
};
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return typeParsers[oid] ?? pg.types.getTypeParser(oid, format);
  },
};

export async function createDb(options: DbOptions): Promise<DbHandle> {
  if ('databaseUrl' in options) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolMax ?? 10,
      types,
      // A query that outlives this is a bug or an overload; fail it instead of queueing forever.
      statement_timeout: 30_000,
      connectionTimeoutMillis: 10_000,
    });
    // An idle client whose connection the server ends (restart, DROP DATABASE … WITH (FORCE)) emits 'error';
    // the pool drops that client and the next query gets a fresh one. Without a listener Node would crash.
    pool.on('error', () => {});
    // The same for a client that is checked out but between two statements (a transaction doing work in Node, a
    // worker batch): pg emits the server's "terminating connection" (57P01) on the client itself, and without a
    // listener that crashed the whole process on a PostgreSQL restart (tests/e2e/faults.spec.ts). The statement
    // that uses the client next fails instead, and the pool discards the broken client when it is released.
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    return wrap(pool, 'postgres', async () => {});
  }
  if ('pglite' in options) {
    const pool = new pg.Pool({ ...createPgConfig(options.pglite), max: 1, types });
    return wrap(pool, 'pglite', async () => {});
  }
  const pgDir = path.resolve(options.dataDir, 'pgdata');
  fs.mkdirSync(pgDir, { recursive: true });
  const releaseLock = takeLock(path.resolve(options.dataDir, 'pglite.lock'));
  try {
    const pglite = await PGlite.create(pgDir, { extensions: pgliteExtensions });
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, types });
    return wrap(pool, 'pglite', async () => {
      await pglite.close();
      releaseLock();
    });
  } catch (error) {
    releaseLock();
    throw error;
  }
}

function wrap(pool: pg.Pool, kind: DbKind, afterPool: () => Promise<void>): DbHandle {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | undefined;
  return {
    db,
    kind,
    close() {
      closing ??= (async () => {
        await db.destroy();
        await afterPool();
      })();
      return closing;
    },
  };
}

export class DataDirLockedError extends Error {}

/**
 * PGlite belongs to one process: two processes on the same data folder lose writes silently.
 * A lock file holding the owner's pid refuses a second opener; a lock left by a dead process is taken over.
 */
const heldLocks = new Set<string>();

function takeLock(lockPath: string): () => void {
  if (heldLocks.has(lockPath)) {
    throw new DataDirLockedError(
      `The embedded database in ${path.dirname(lockPath)} is already open in this process.`,
    );
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      heldLocks.add(lockPath);
      return () => {
        heldLocks.delete(lockPath);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DataDirLockedError(
          `The embedded database in ${path.dirname(lockPath)} is in use by process ${owner}. ` +
            'PGlite allows one process only: stop that process, or use PostgreSQL (DATABASE_URL) for several.',
        );
      }
      fs.unlinkSync(lockPath);
    }
  }
  throw new DataDirLockedError(`Could not take the lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Readiness probe: the database answers. */
export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
