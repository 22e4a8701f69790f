/**
 * Backup and restore round trip (issue 9, item 6): `npm run backup:check` — docs/reliability.md.
 *
 * Against a PostgreSQL server with pg_dump / pg_restore on the PATH (same major version as the server):
 *   1. create a throwaway database A; `npm run db:seed` (migrations + demo data); `npm run search:reindex`;
 *   2. run a fixed set of searches through the search engine (search/index.ts) and keep the results;
 *   3. `pg_dump --format=custom` A;
 *   4. create database B; `pg_restore --no-owner --exit-on-error` into it; `npm run db:migrate` (must apply 0
 *      migrations: the migration table came with the dump); `npm run search:reindex`;
 *   5. run the same searches on B and compare exactly (hits with their highlights, totals, facets), and the row
 *      count of every table;
 *   6. drop both databases and the dump (also on failure or Ctrl-C). Exit 0 when everything is equal.
 *
 *   DATABASE_URL   any database of the server to use (default postgres://postgres@127.0.0.1:5432/postgres);
 *                  only its server and credentials are used, the two databases are created next to it
 *   BACKUP_OUT     JSON result (default tests/reliability/results/backup-latest.json); it holds
 *                  numPassedTests / numFailedTests / success (one per compared search, one for the row counts)
 *                  so that .ci/totals.mjs reads it as a suite
 *
 * The embedded search engine is used (MEILI_URL is ignored): its index lives in the database, which is what a
 * PostgreSQL backup holds. With Meilisearch the index is outside the dump and `npm run search:reindex` after the
 * restore rebuilds it the same way.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { createDb } from '../../db/client.ts';
import type { SearchQuery, SearchResult } from '../../search/engine.ts';
import { createSearchEngine } from '../../search/index.ts';
import { adminUrl, runId, withAdmin } from '../support/postgres-admin.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SERVER_URL = process.env.DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';
const OUT = path.resolve(root, process.env.BACKUP_OUT ?? 'tests/reliability/results/backup-latest.json');

const q = (query: Partial<SearchQuery>): SearchQuery => ({
  q: '',
  sort: 'relevance',
  page: 1,
  perPage: 20,
  ...query,
});

/** Words in the demo data, typos, filters, sorts, paging; the three browse pages cover every live listing. */
const SEARCHES: { name: string; query: SearchQuery }[] = [
  { name: '乳', query: q({ q: '乳' }) },
  { name: '益生菌发酵', query: q({ q: '益生菌发酵' }) },
  { name: '乳清', query: q({ q: '乳清' }) },
  { name: 'hydrogn (typo)', query: q({ q: 'hydrogn' }) },
  { name: '光伏 储能', query: q({ q: '光伏 储能' }) },
  { name: 'AI算力', query: q({ q: 'AI算力' }) },
  { name: '无人机 kind=scenario', query: q({ q: '无人机', kind: 'scenario' }) },
  { name: '技术 page 2', query: q({ q: '技术', page: 2 }) },
  { name: '储 prefix', query: q({ q: '储', prefix: true }) },
  { name: '乳 氢能 match=any', query: q({ q: '乳 氢能', match: 'any' }) },
  { name: 'field=dairy|probiotics newest', query: q({ fields: ['dairy', 'probiotics'], sort: 'newest' }) },
  { name: 'achievement trl 4–7', query: q({ kind: 'achievement', trlMin: 4, trlMax: 7 }) },
  {
    name: 'demand budget 50–500 by budget',
    query: q({ kind: 'demand', budgetMin: 50, budgetMax: 500, sort: 'budget' }),
  },
  { name: 'region=和林格尔县', query: q({ region: '和林格尔县' }) },
  { name: 'browse page 1/100', query: q({ perPage: 100, page: 1 }) },
  { name: 'browse page 2/100', query: q({ perPage: 100, page: 2 }) },
  { name: 'browse page 3/100', query: q({ perPage: 100, page: 3 }) },
];

interface Recorded {
  name: string;
  ids: number[];
  total: number;
  facets: SearchResult['facets'];
  /** SHA-256 of the hits as returned (highlights included). */
  hits_sha256: string;
  hits: SearchResult['hits'];
}

const databases: string[] = [];
let tmpDir: string | undefined;
const started = Date.now();
const steps: Record<string, number> = {};

function log(message: string) {
  process.stdout.write(`[backup] ${message}\n`);
}

async function step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = Date.now();
  const value = await fn();
  steps[name] = Math.round((Date.now() - t0) / 100) / 10;
  log(`${name} (${steps[name]} s)`);
  return value;
}

function dbUrl(name: string): string {
  return adminUrl(SERVER_URL, name);
}

/** Runs a command; its output is shown only when it fails. */
function run(command: string, args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(command, args, {
    cwd: root,
    env: { ...process.env, MEILI_URL: '', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`,
    );
  }
  return output;
}

async function createDatabase(name: string) {
  await withAdmin(SERVER_URL, (admin) => admin.query(`create database ${name}`));
  databases.push(name);
}

async function record(database: string): Promise<{ searches: Recorded[]; rows: Record<string, number> }> {
  const handle = await createDb({ databaseUrl: dbUrl(database), poolMax: 2 });
  try {
    const engine = createSearchEngine({ db: handle.db });
    const searches: Recorded[] = [];
    for (const { name, query } of SEARCHES) {
      const result = await engine.search(query);
      searches.push({
        name,
        ids: result.hits.map((h) => h.id),
        total: result.total,
        facets: result.facets,
        hits_sha256: crypto.createHash('sha256').update(JSON.stringify(result.hits)).digest('hex'),
        hits: result.hits,
      });
    }
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(handle.db);
    const rows: Record<string, number> = {};
    for (const { table_name } of tables.rows) {
      const count = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)}`.execute(
        handle.db,
      );
      rows[table_name] = count.rows[0]?.n ?? 0;
    }
    return { searches, rows };
  } finally {
    await handle.close();
  }
}

async function cleanup() {
  for (const name of databases.splice(0)) {
    try {
      await withAdmin(SERVER_URL, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    } catch (error) {
      console.error(
        `[backup] could not drop ${name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = undefined;
}

async function main(): Promise<number> {
  const id = runId();
  const source = `helin_backup_src_${id}`;
  const target = `helin_backup_dst_${id}`;
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-backup-'));
  const dumpFile = path.join(tmpDir, `${source}.dump`);
  const pgDumpVersion = run('pg_dump', ['--version']).trim();
  const serverVersion = await withAdmin(SERVER_URL, async (admin) => {
    const r = await admin.query<{ server_version: string }>('show server_version');
    return r.rows[0]?.server_version ?? 'unknown';
  });
  log(`PostgreSQL ${serverVersion} at ${new URL(SERVER_URL).host}; ${pgDumpVersion}`);
  log(`source ${source}, target ${target}`);

  await step('create the source database, npm run db:seed', async () => {
    await createDatabase(source);
    run('npm', ['run', '--silent', 'db:seed'], { DATABASE_URL: dbUrl(source) });
  });
  await step('npm run search:reindex (source)', () =>
    run('npm', ['run', '--silent', 'search:reindex'], { DATABASE_URL: dbUrl(source) }),
  );
  const before = await step('searches on the source', () => record(source));

  await step('pg_dump --format=custom', () =>
    run('pg_dump', ['--format=custom', `--file=${dumpFile}`, `--dbname=${dbUrl(source)}`]),
  );
  const dumpBytes = fs.statSync(dumpFile).size;

  await step('create the target database, pg_restore', async () => {
    await createDatabase(target);
    run('pg_restore', [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      `--dbname=${dbUrl(target)}`,
      dumpFile,
    ]);
  });
  const migrateOutput = await step('npm run db:migrate (restored)', () =>
    run('npm', ['run', '--silent', 'db:migrate'], { DATABASE_URL: dbUrl(target) }),
  );
  const pendingApplied = /\b0 migration\(s\) applied/.test(migrateOutput);
  await step('npm run search:reindex (restored)', () =>
    run('npm', ['run', '--silent', 'search:reindex'], { DATABASE_URL: dbUrl(target) }),
  );
  const after = await step('searches on the restored database', () => record(target));

  const comparisons = before.searches.map((b, i) => {
    const a = after.searches[i]!;
    return {
      name: b.name,
      total: b.total,
      hits: b.ids.length,
      equal: isDeepStrictEqual(b, a),
      ids_before: b.ids,
      ids_after: a.ids,
      total_after: a.total,
    };
  });
  const rowsEqual = isDeepStrictEqual(before.rows, after.rows);
  const failedSearches = comparisons.filter((c) => !c.equal);
  const browseTotal = before.searches.find((s) => s.name.startsWith('browse'))?.total ?? 0;
  const browseIds = new Set(before.searches.filter((s) => s.name.startsWith('browse')).flatMap((s) => s.ids));
  const checks = [
    ...comparisons.map((c) => c.equal),
    rowsEqual,
    pendingApplied,
    browseTotal > 0 && browseIds.size === browseTotal,
  ];
  const failed = checks.filter((ok) => !ok).length;

  for (const c of comparisons) {
    const ids = c.ids_before.length > 8 ? `${c.ids_before.slice(0, 8).join(',')},…` : c.ids_before.join(',');
    log(`${c.equal ? 'equal' : 'DIFFERENT'}  ${c.name}: total ${c.total}, ${c.hits} hits [${ids}]`);
    if (!c.equal) log(`    after: total ${c.total_after}, [${c.ids_after.join(',')}]`);
  }
  const tableCount = Object.keys(before.rows).length;
  log(`row counts of ${tableCount} tables: ${rowsEqual ? 'equal' : 'DIFFERENT'}`);
  if (!rowsEqual) {
    for (const [table, n] of Object.entries(before.rows)) {
      if (after.rows[table] !== n) log(`    ${table}: ${n} → ${after.rows[table]}`);
    }
  }
  log(
    `db:migrate on the restored database: ${pendingApplied ? '0 migrations applied' : migrateOutput.trim()}`,
  );
  log(`browse pages: ${browseIds.size} distinct live listings of ${browseTotal}`);

  const report = {
    date: new Date().toISOString(),
    server: { postgres: serverVersion, pg_dump: pgDumpVersion, host: new URL(SERVER_URL).host },
    machine: {
      cpus: os.cpus().length,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
    },
    dump_bytes: dumpBytes,
    steps_seconds: steps,
    total_seconds: Math.round((Date.now() - started) / 100) / 10,
    live_listings: browseTotal,
    tables: tableCount,
    rows: before.rows,
    rows_equal: rowsEqual,
    restored_migrations_pending: !pendingApplied,
    searches: comparisons.map(({ name, total, hits, equal, ids_before }) => ({
      name,
      total,
      hits,
      equal,
      ids: ids_before,
    })),
    numPassedTests: checks.length - failed,
    numFailedTests: failed,
    success: failed === 0,
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  log(
    `${failed === 0 ? 'PASS' : 'FAIL'}: ${comparisons.length - failedSearches.length}/${comparisons.length} searches ` +
      `equal, dump ${(dumpBytes / 1024).toFixed(0)} KiB, ${report.total_seconds} s; written ${path.relative(root, OUT)}`,
  );
  return failed === 0 ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[backup] ${signal}: dropping the databases`);
    void cleanup().finally(() => process.exit(130));
  });
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`[backup] ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await cleanup();
}
process.exit(code);
