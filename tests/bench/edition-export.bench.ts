/**
 * Export benchmark of the supply–demand list (issue 6): `npm run bench:editions`.
 *
 *   BENCH_ENTRIES    entries in the edition (default 500)
 *   BENCH_RUNS       measured runs per format, after the warm-up (default 9; the median is reported)
 *   BENCH_WARMUP     warm-up runs per format (default 3)
 *   BENCH_OUT        JSON result file (default tests/bench/results/edition-export.json)
 *
 * Steps: an in-memory PGlite, migrations, BENCH_ENTRIES synthetic published listings (tests/bench/generate.ts, the
 * search benchmark's generator: real titles, summaries, fields, amounts, 25% confidential), one edition with all of
 * them through the use cases (create → add → notes → publish) and two errata; then each builder of
 * app/features/editions/export.server.ts timed on the loaded edition (warm-up, then BENCH_RUNS runs), the load
 * itself, and the whole .xlsx loader (load + build, as the route answers). Goal: .xlsx of 500 entries ≤ 1 s.
 * Prints a table and writes the JSON file; docs/performance.md quotes it by hand.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { sql } from 'kysely';
import {
  addEntries,
  addErratum,
  createEdition,
  loadPublishedEdition,
  publishEdition,
} from '../../app/features/editions/editions.server.ts';
import {
  type ExportableEdition,
  editionExportLoader,
  toCsv,
  toJson,
  toXlsx,
} from '../../app/features/editions/export.server.ts';
import { loadConfig } from '../../app/server/config.ts';
import { createDb, pgliteExtensions } from '../../db/client.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { generateListings } from './generate.ts';

const root = path.resolve(import.meta.dirname, '../..');
const env = process.env;
const ENTRIES = intEnv('BENCH_ENTRIES', 500);
const RUNS = Math.max(5, intEnv('BENCH_RUNS', 9));
const WARMUP = intEnv('BENCH_WARMUP', 3);
const OUT = path.resolve(root, env.BENCH_OUT ?? 'tests/bench/results/edition-export.json');
const GOAL_XLSX_MS = 1000;
const ORIGIN = 'https://kjcg.example.cn';
const YEAR = 2026;
const NUMBER = 1;

function intEnv(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

function out(line = '') {
  process.stdout.write(`${line}\n`);
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

interface Timing {
  runs: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  mean_ms: number;
  size_bytes: number | null;
}

/** Warm-up, then `RUNS` timed runs one after another; the size of the last result. */
async function time(run: () => unknown): Promise<Timing> {
  for (let i = 0; i < WARMUP; i++) await run();
  const ms: number[] = [];
  let last: unknown;
  for (let i = 0; i < RUNS; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const started = performance.now();
    last = await run();
    ms.push(performance.now() - started);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median =
    sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return {
    runs: RUNS,
    median_ms: round(median),
    min_ms: round(sorted[0]!),
    max_ms: round(sorted.at(-1)!),
    mean_ms: round(ms.reduce((a, b) => a + b, 0) / ms.length),
    size_bytes: sizeOf(last),
  };
}

function sizeOf(value: unknown): number | null {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (value && typeof value === 'object') return Buffer.byteLength(JSON.stringify(value));
  return null;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

async function main() {
  const now = new Date();
  const loadStart = os.loadavg().map(round);
  out(`Edition export benchmark: ${ENTRIES} entries, ${os.cpus().length} CPUs, Node ${process.version}`);
  const pglite = await PGlite.create({ extensions: pgliteExtensions });
  const handle = await createDb({ pglite });
  const db = handle.db;
  try {
    await migrateToLatest(db);
    await generateListings(db, { n: ENTRIES, now });
    const actor = { userId: null, ip: null };
    const created = await createEdition(db, {
      actor,
      meta: {
        year: YEAR,
        number: NUMBER,
        title: `${YEAR}年第${NUMBER}期场景供需清单`,
        introduction: '基准测试',
      },
    });
    if (!created.ok) throw new Error(`createEdition: ${JSON.stringify(created)}`);
    const ids = (await db.selectFrom('listing').select('id').orderBy('id').limit(ENTRIES).execute()).map(
      (r) => r.id,
    );
    const added = await addEntries(db, { actor, id: created.id, version: 1, listingIds: ids });
    if (!added.ok) throw new Error(`addEntries: ${JSON.stringify(added)}`);
    // A recommendation note on every fifth entry, as staff would write them.
    await sql`update edition_entry set note = '县重点产业链急需，欢迎高校院所揭榜；可提供首试首用场景'
              where edition_id = ${created.id} and id % 5 = 0`.execute(db);
    const published = await publishEdition(db, { actor, id: created.id, version: 2, now });
    if (!published.ok || !published.published)
      throw new Error(`publishEdition: ${JSON.stringify(published)}`);
    for (const body of ['第 12 条的投资额应为 500 万元。', '第 3 条发布单位名称更正。'])
      await addErratum(db, { actor, id: created.id, body });

    const loaded = await loadPublishedEdition(db, YEAR, NUMBER);
    if (!loaded || loaded.entries.length !== ENTRIES)
      throw new Error(`expected ${ENTRIES} entries, got ${loaded?.entries.length}`);
    const edition: ExportableEdition = loaded;
    const sections = { demand: 0, supply: 0 };
    for (const entry of edition.entries) sections[entry.section] += 1;
    out(
      `edition: ${sections.demand} demand + ${sections.supply} supply entries, ${edition.errata.length} errata`,
    );

    const context = { db, config: loadConfig({ NODE_ENV: 'production', PUBLIC_ORIGIN: ORIGIN }) };
    const loaderArgs = () =>
      ({
        request: new Request(`${ORIGIN}/lists/${YEAR}/${NUMBER}/edition.xlsx`),
        params: { year: String(YEAR), number: String(NUMBER) },
        context,
      }) as unknown as LoaderFunctionArgs;

    const results = {
      xlsx: await time(() => toXlsx(edition, ORIGIN)),
      csv: await time(() => toCsv(edition, ORIGIN)),
      json: await time(() => JSON.stringify(toJson(edition, ORIGIN))),
      load: await time(() => loadPublishedEdition(db, YEAR, NUMBER)),
      xlsx_loader: await time(async () => {
        const response = await editionExportLoader(loaderArgs(), 'xlsx');
        return new Uint8Array(await response.arrayBuffer());
      }),
    };

    const result = {
      date: now.toISOString(),
      machine: {
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        cpus: os.cpus().length,
        cpu_model: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        load_avg_start: loadStart,
        load_avg_end: os.loadavg().map(round),
      },
      commit: gitCommit(),
      database: 'PGlite (in memory)',
      entries: ENTRIES,
      sections,
      errata: edition.errata.length,
      warmup: WARMUP,
      runs: RUNS,
      results,
      notes: {
        xlsx: 'toXlsx: exceljs workbook (2 section sheets + 勘误) → Buffer',
        csv: 'toCsv: csv-stringify/sync, BOM, CRLF',
        json: 'JSON.stringify(toJson(…))',
        load: 'loadPublishedEdition: edition, entries (snapshots + live state of each listing), errata',
        xlsx_loader:
          'GET /lists/:year/:number/edition.xlsx loader: load + ETag + toXlsx + Response body read',
      },
      goal: {
        xlsx_median_ms: {
          goal: GOAL_XLSX_MS,
          measured: results.xlsx.median_ms,
          met: results.xlsx.median_ms <= GOAL_XLSX_MS,
        },
      },
    };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

    out();
    out('| step        | median ms | min ms | max ms |     size |');
    out('| ----------- | --------: | -----: | -----: | -------: |');
    for (const [name, t] of Object.entries(results))
      out(
        `| ${name.padEnd(11)} | ${String(t.median_ms).padStart(9)} | ${String(t.min_ms).padStart(6)} | ${String(
          t.max_ms,
        ).padStart(
          6,
        )} | ${(t.size_bytes === null ? '' : `${Math.round(t.size_bytes / 1024)} KB`).padStart(8)} |`,
      );
    out();
    out(
      `.xlsx of ${ENTRIES} entries: median ${results.xlsx.median_ms} ms (goal ≤ ${GOAL_XLSX_MS} ms: ${
        result.goal.xlsx_median_ms.met ? 'met' : 'NOT met'
      })`,
    );
    out(`JSON: ${path.relative(root, OUT)}`);
  } finally {
    await handle.close();
    await pglite.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
