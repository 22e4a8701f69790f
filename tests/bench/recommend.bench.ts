/**
 * Recommendation benchmark (issue 7, item 1): `npm run bench:recommend`. Goal: ≤ 100 ms per listing.
 *
 *   BENCH_N          synthetic listings of the large run (default 100000; 0 skips it)
 *   BENCH_SOURCES    source listings timed per run (default 50)
 *   BENCH_WARMUP     warm-up calls before measuring (default 10)
 *   BENCH_ROUNDS     rounds over the sources; a source's time is its median (default 3: this machine is shared)
 *   BENCH_ANALYZE    1: ANALYZE after the large reindex (PGlite has no autovacuum; default 0)
 *   BENCH_DATA_DIR   large run on PGlite: use (and keep) this folder instead of a temporary one
 *   DATABASE_URL     large run on this (empty) PostgreSQL database instead of PGlite
 *   BENCH_REUSE      1: a BENCH_DATA_DIR or DATABASE_URL that already holds generated listings is measured as it
 *                    is (no generate, no reindex) — for trying changes quickly
 *   BENCH_OUT        JSON result file (default tests/bench/results/recommend.json)
 *
 * Two runs: the demo data (in-memory PGlite, migrations, seedDemo, full reindex) and N generated listings
 * (tests/bench/generate.ts, the search benchmark's generator; full reindex as search.bench.ts does). In each,
 * BENCH_SOURCES live listings spread over the id range (every kind) are the sources; after the warm-up,
 * recommendFor (app/features/matching/recommend.server.ts) is timed once per source, wall clock around the
 * whole call, with the embedded search engine. Also recorded: the time spent inside the search port and the
 * number of candidates. Prints a table and writes the JSON file; docs/performance.md quotes it by hand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { type Kysely, sql } from 'kysely';
import { type RecommendationList, recommendFor } from '../../app/features/matching/recommend.server.ts';
import { createDb, type DbHandle, pgliteExtensions } from '../../db/client.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import type { Database } from '../../db/schema.ts';
import { seedDemo } from '../../db/seed/index.ts';
import type { SearchEngine } from '../../search/engine.ts';
import { reindexAll } from '../../search/indexer.ts';
import { createPostgresEngine } from '../../search/postgres.ts';
import { generateListings } from './generate.ts';

const root = path.resolve(import.meta.dirname, '../..');
const env = process.env;
const N = intEnv('BENCH_N', 100_000);
const SOURCES = intEnv('BENCH_SOURCES', 50);
const WARMUP = intEnv('BENCH_WARMUP', 10);
const ROUNDS = Math.max(1, intEnv('BENCH_ROUNDS', 3));
const ANALYZE = env.BENCH_ANALYZE === '1';
const OUT = path.resolve(root, env.BENCH_OUT ?? 'tests/bench/results/recommend.json');
const GOAL_MS = 100;

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

const round = (x: number) => Math.round(x * 10) / 10;

interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    mean: round(sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length)),
  };
}

/**
 * The engine, with the number of search() calls and the wall time from the first call's start to the last
 * call's end (the calls of one recommendation run side by side).
 */
function timedEngine(engine: SearchEngine) {
  const stats = {
    first: Number.POSITIVE_INFINITY,
    last: 0,
    calls: 0,
    reset() {
      this.first = Number.POSITIVE_INFINITY;
      this.last = 0;
      this.calls = 0;
    },
    get ms() {
      return this.calls === 0 ? 0 : this.last - this.first;
    },
  };
  const wrapped: SearchEngine = {
    ...engine,
    async search(query) {
      stats.first = Math.min(stats.first, performance.now());
      try {
        return await engine.search(query);
      } finally {
        stats.last = Math.max(stats.last, performance.now());
        stats.calls++;
      }
    },
  };
  return { engine: wrapped, stats };
}

/** `count` live listings spread evenly over the id range (a fixed choice for a given database). */
async function pickSources(db: Kysely<Database>, count: number, offset = 0): Promise<number[]> {
  const rows = await db
    .selectFrom('listing')
    .select('id')
    .where('status', '=', 'published')
    .where('expires_at', '>', new Date())
    .orderBy('id')
    .execute();
  if (rows.length === 0) return [];
  const step = rows.length / count;
  const ids = new Set<number>();
  for (let i = 0; i < count && i < rows.length; i++) {
    ids.add(rows[Math.min(rows.length - 1, Math.floor(i * step + offset * step * 0.5))]!.id);
  }
  return [...ids];
}

interface Sample {
  id: number;
  kind: string;
  /** Median over the rounds. */
  ms: number;
  rounds_ms: number[];
  search_ms: number;
  searches: number;
  items: number;
  top_score: number | null;
}

interface RunResult {
  label: string;
  database: string;
  listings: number;
  live: number;
  setup_s: Record<string, number>;
  warmup: number;
  overall: Summary;
  search: Summary;
  by_kind: Record<string, Summary>;
  goal: { goal_ms: number; p95_ms: number; met: boolean };
  slowest: Sample[];
  samples: Sample[];
}

async function measure(label: string, handle: DbHandle, setup: Record<string, number>): Promise<RunResult> {
  const db = handle.db;
  const { engine, stats } = timedEngine(createPostgresEngine(db));
  const counts = await db
    .selectFrom('listing')
    .select([
      sql<number>`count(*)::int`.as('all'),
      sql<number>`(count(*) filter (where status = 'published' and expires_at > now()))::int`.as('live'),
    ])
    .executeTakeFirstOrThrow();
  const sources = await pickSources(db, SOURCES);
  // Warm-up on other listings than the measured ones (JIT, jieba dictionary, buffer cache).
  const warm = (await pickSources(db, WARMUP, 1)).filter((id) => !sources.includes(id));
  for (const id of warm) await recommendFor(db, engine, id);
  const runs = new Map<
    number,
    { ms: number; search_ms: number; searches: number; result: RecommendationList }[]
  >();
  for (let r = 0; r < ROUNDS; r++) {
    for (const id of sources) {
      stats.reset();
      const started = performance.now();
      const result = await recommendFor(db, engine, id);
      const ms = performance.now() - started;
      if (!result) throw new Error(`listing ${id} not found`);
      runs.set(id, [...(runs.get(id) ?? []), { ms, search_ms: stats.ms, searches: stats.calls, result }]);
    }
  }
  const samples: Sample[] = sources.map((id) => {
    const list = [...runs.get(id)!].sort((a, b) => a.ms - b.ms);
    const median = list[Math.floor(list.length / 2)]!;
    return {
      id,
      kind: median.result.source.kind,
      ms: round(median.ms),
      rounds_ms: runs.get(id)!.map((x) => round(x.ms)),
      search_ms: round(median.search_ms),
      searches: median.searches,
      items: median.result.items.length,
      top_score: median.result.items[0]?.score ?? null,
    };
  });
  const overall = summarise(samples.map((s) => s.ms));
  const kinds = [...new Set(samples.map((s) => s.kind))].sort();
  return {
    label,
    database: handle.kind,
    listings: counts.all,
    live: counts.live,
    setup_s: setup,
    warmup: warm.length,
    overall,
    search: summarise(samples.map((s) => s.search_ms)),
    by_kind: Object.fromEntries(
      kinds.map((k) => [k, summarise(samples.filter((s) => s.kind === k).map((s) => s.ms))]),
    ),
    goal: { goal_ms: GOAL_MS, p95_ms: overall.p95, met: overall.p95 <= GOAL_MS },
    slowest: [...samples].sort((a, b) => b.ms - a.ms).slice(0, 5),
    samples,
  };
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; s: number }> {
  const started = performance.now();
  const value = await run();
  return { value, s: round((performance.now() - started) / 1000) };
}

async function demoRun(): Promise<RunResult> {
  out('demo data: in-memory PGlite, migrate, seed, reindex');
  const pglite = await PGlite.create({ extensions: pgliteExtensions });
  const handle = await createDb({ pglite });
  try {
    const migrate = await timed(() => migrateToLatest(handle.db));
    const seed = await timed(() => seedDemo(handle.db));
    const reindex = await timed(() => reindexAll(handle.db, createPostgresEngine(handle.db)));
    return await measure('demo data', handle, { migrate: migrate.s, seed: seed.s, reindex: reindex.s });
  } finally {
    await handle.close();
    await pglite.close();
  }
}

async function largeRun(): Promise<RunResult> {
  let cleanup = () => {};
  let handle: DbHandle;
  if (env.DATABASE_URL) {
    handle = await createDb({ databaseUrl: env.DATABASE_URL, poolMax: 4 });
  } else {
    const dir = env.BENCH_DATA_DIR
      ? path.resolve(env.BENCH_DATA_DIR)
      : fs.mkdtempSync(path.join(os.tmpdir(), 'bench-recommend-'));
    if (!env.BENCH_DATA_DIR) cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
    handle = await createDb({ dataDir: dir });
  }
  out(`${N} listings: ${handle.kind}`);
  try {
    const setup: Record<string, number> = {};
    setup.migrate = (await timed(() => migrateToLatest(handle.db))).s;
    const existing = await handle.db
      .selectFrom('listing')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    if (existing.n === 0) {
      let last = 0;
      setup.generate = (
        await timed(() =>
          generateListings(handle.db, {
            n: N,
            onProgress(done, total) {
              if (performance.now() - last > 10_000 || done === total) {
                last = performance.now();
                out(`  generated ${done}/${total}`);
              }
            },
          }),
        )
      ).s;
      last = 0;
      setup.reindex = (
        await timed(() =>
          reindexAll(handle.db, createPostgresEngine(handle.db), (done, total) => {
            if (performance.now() - last > 10_000 || done === total) {
              last = performance.now();
              out(`  indexed ${done}/${total}`);
            }
          }),
        )
      ).s;
    } else if (env.BENCH_REUSE === '1') {
      out(`  reusing the ${existing.n} listings it holds`);
    } else {
      throw new Error(
        `The database already holds ${existing.n} listings: give an empty one (or BENCH_REUSE=1).`,
      );
    }
    if (ANALYZE) setup.analyze = (await timed(() => sql`analyze`.execute(handle.db))).s;
    return await measure(`${N.toLocaleString('en')} listings`, handle, setup);
  } finally {
    await handle.close();
    cleanup();
  }
}

function printRun(r: RunResult) {
  out('');
  out(
    `${r.label} (${r.database}; ${r.listings} listings, ${r.live} live; setup ${JSON.stringify(r.setup_s)} s)`,
  );
  out(`  ${r.overall.n} sources after ${r.warmup} warm-up calls, median of ${ROUNDS} rounds per source`);
  const row = (name: string, s: Summary) =>
    out(
      `  ${name.padEnd(12)} p50 ${String(s.p50).padStart(7)}  p95 ${String(s.p95).padStart(7)}  max ${String(s.max).padStart(7)} ms`,
    );
  row('recommend', r.overall);
  row('  in search', r.search);
  for (const [kind, s] of Object.entries(r.by_kind)) row(`  ${kind}`, s);
  out(`  goal p95 ≤ ${r.goal.goal_ms} ms: ${r.goal.met ? 'met' : 'NOT met'}`);
  out(`  slowest: ${r.slowest.map((s) => `#${s.id} ${s.kind} ${s.ms} ms`).join(', ')}`);
}

async function main() {
  const loadStart = os.loadavg().map(round);
  out(`Recommendation benchmark: ${os.cpus().length} CPUs, Node ${process.version}`);
  const runs: RunResult[] = [];
  runs.push(await demoRun());
  printRun(runs[0]!);
  if (N > 0) {
    runs.push(await largeRun());
    printRun(runs[1]!);
  }
  const result = {
    date: new Date().toISOString(),
    machine: {
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      load_avg_start: loadStart,
      load_avg_end: os.loadavg().map(round),
    },
    engine: 'postgres',
    analyzed: ANALYZE,
    goal_ms: GOAL_MS,
    rounds: ROUNDS,
    note:
      'wall clock of one recommendFor call (limit 10), one call at a time, after the warm-up; ' +
      "a source's time is its median over the rounds",
    runs,
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  out(`\nJSON: ${path.relative(root, OUT)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
