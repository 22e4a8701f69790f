/**
 * Load test (issue 9, item 3): `npm run load` — docs/reliability.md "Load".
 *
 * Starts the built server itself (NODE_ENV=production; `npm run build` first when build/ is missing) on a fresh
 * embedded database with the demo data in a temporary DATA_DIR — or on DATABASE_URL when it is set (migrated and
 * seeded at start when empty) — waits for /readyz, then for each target: a warm-up, then autocannon for the
 * given time and connections. Prints a table, writes a JSON file and stops the server.
 *
 *   --seconds N      / LOAD_SECONDS        seconds per target (default 60)
 *   --connections N  / LOAD_CONNECTIONS    concurrent connections (default 50)
 *   --warmup N       / LOAD_WARMUP         warm-up seconds per target, not measured (default 5)
 *   --targets a,b    / LOAD_TARGETS        subset of the targets below (default: all)
 *   --out FILE       / LOAD_OUT            JSON result (default tests/load/results/latest.json)
 *   --port N         / LOAD_PORT           server port (default 3600; must be free)
 *   --log-level L    / LOAD_LOG_LEVEL      the server's LOG_LEVEL (default info, as in production)
 *   --encoding E     / LOAD_ENCODING       Accept-Encoding sent (default "gzip, deflate, br", as browsers;
 *                                          "identity": no compression, to see what compressing costs)
 *   --assert         / LOAD_ASSERT=1       exit 1 unless every target had 0 errors, 0 timeouts, 0 non-2xx
 *
 * Targets: bare (GET /healthz: no database, no Remix, no request log — the Express floor), page-no-db (a Remix
 * page whose loaders touch no database: /lists/subscribe without a session cookie), search-page (/search?q=乳),
 * search-mix (ten realistic /search URLs in turn), search-api (/api/v1/search?q=乳), listing (/listings/<id> of
 * a live listing). Ratio = search-page / bare throughput (goal ≥ 0.5). Requests send a browser's
 * Accept-Encoding (gzip, deflate, br) by default, so pages are compressed (brotli) as they would be for people.
 *
 * The load generator runs in this process, on the same machine as the server (and its database): the figures
 * are for the whole machine, not for the server alone; the "cores" column shows the CPU each side used during the
 * measured run (server + load generator; from /proc on Linux). The JSON holds numPassedTests / numFailedTests /
 * success (one per target, from the --assert rules) so .ci/totals.mjs can read it as a suite.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon, { type Instance, type Result } from 'autocannon';

const root = path.resolve(import.meta.dirname, '../..');

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string' },
    connections: { type: 'string' },
    warmup: { type: 'string' },
    targets: { type: 'string' },
    out: { type: 'string' },
    port: { type: 'string' },
    'log-level': { type: 'string' },
    encoding: { type: 'string' },
    assert: { type: 'boolean' },
  },
});

function intOption(flag: string | undefined, envName: string, fallback: number, min: number): number {
  const raw = flag ?? process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${envName} / --${envName.slice(5).toLowerCase()}: an integer ≥ ${min} (got ${raw})`);
    process.exit(64);
  }
  return value;
}

const SECONDS = intOption(flags.seconds, 'LOAD_SECONDS', 60, 1);
const CONNECTIONS = intOption(flags.connections, 'LOAD_CONNECTIONS', 50, 1);
const WARMUP = intOption(flags.warmup, 'LOAD_WARMUP', 5, 0);
const PORT = intOption(flags.port, 'LOAD_PORT', 3600, 1);
const OUT = path.resolve(root, flags.out ?? process.env.LOAD_OUT ?? 'tests/load/results/latest.json');
const LOG_LEVEL = flags['log-level'] ?? process.env.LOAD_LOG_LEVEL ?? 'info';
const ASSERT = flags.assert === true || process.env.LOAD_ASSERT === '1';
const DATABASE_URL = process.env.DATABASE_URL?.trim() || undefined;
const RATIO_GOAL = 0.5;

interface Target {
  name: string;
  what: string;
  paths: string[];
}

const SEARCH_MIX = [
  '/search?q=乳',
  '/search?q=益生菌发酵',
  '/search?q=光伏 储能',
  '/search?q=hydrogn',
  '/search?q=无人机&kind=scenario',
  '/search?field=dairy&sort=newest',
  '/search?q=技术&page=2',
  '/search',
  '/search?q=AI算力&kind=achievement&trl_min=4',
  '/search?q=乳清&field=dairy&field=probiotics',
];

function targets(listingId: number): Target[] {
  return [
    { name: 'bare', what: 'GET /healthz (no database, no Remix, no request log)', paths: ['/healthz'] },
    {
      name: 'page-no-db',
      what: 'GET /lists/subscribe (Remix page, no database work)',
      paths: ['/lists/subscribe'],
    },
    { name: 'search-page', what: 'GET /search?q=乳 (page)', paths: ['/search?q=乳'] },
    { name: 'search-mix', what: `${SEARCH_MIX.length} /search URLs in turn (page)`, paths: SEARCH_MIX },
    { name: 'search-api', what: 'GET /api/v1/search?q=乳 (JSON)', paths: ['/api/v1/search?q=乳'] },
    { name: 'listing', what: `GET /listings/${listingId} (page)`, paths: [`/listings/${listingId}`] },
  ];
}

const HEADERS = {
  accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8',
  'accept-encoding': flags.encoding ?? process.env.LOAD_ENCODING ?? 'gzip, deflate, br',
  'accept-language': 'zh-CN,zh;q=0.9',
};

interface TargetResult {
  name: string;
  what: string;
  paths: string[];
  req_per_s: number;
  requests: number;
  p50_ms: number;
  p99_ms: number;
  avg_ms: number;
  max_ms: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  status_codes: Record<string, number>;
  kb_per_s: number;
  /** CPU used during the measured run, in cores (1 = one core busy all the time): the server process (all its
   * threads) and this process (the load generator). Linux only (/proc), else null. */
  server_cores: number | null;
  generator_cores: number;
  /** Server CPU per answered request (server_cores / req_per_s): steadier than req/s on a shared machine. */
  server_cpu_ms_per_req: number | null;
  ratio_to_bare: number | null;
  passed: boolean;
}

let server: ChildProcess | undefined;
let running: Instance | undefined;
let tmpDir: string | undefined;

async function main(): Promise<number> {
  await assertPortFree(PORT);
  if (!fs.existsSync(path.join(root, 'build/server/index.js'))) {
    log('build/ is missing: npm run build');
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-load-'));
  const base = `http://127.0.0.1:${PORT}`;
  const logFile = path.join(tmpDir, 'server.log');
  const load0 = os.loadavg();
  const bootStarted = Date.now();
  // Another `npm run build` (the browser tests run one) may be rewriting build/ right now: start on a build that has
  // not changed for a few seconds, and once more if the server still found it half-written.
  for (let attempt = 1; ; attempt++) {
    await waitForStableBuild();
    server = startServer(logFile);
    try {
      await waitReady(base, server, logFile);
      break;
    } catch (error) {
      if (attempt >= 3 || !tail(logFile).includes('ERR_MODULE_NOT_FOUND')) throw error;
      log('the build changed under the server: starting again');
      await stopServer();
    }
  }
  const bootSeconds = (Date.now() - bootStarted) / 1000;
  const listingId = await liveListingId(base);
  const chosen = chooseTargets(targets(listingId));
  log(
    `server ready in ${bootSeconds.toFixed(1)} s (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, LOG_LEVEL=${LOG_LEVEL});` +
      ` ${chosen.length} targets × (${WARMUP} s warm-up + ${SECONDS} s) at ${CONNECTIONS} connections`,
  );

  const results: TargetResult[] = [];
  for (const target of chosen) {
    if (WARMUP > 0) await run(base, target, WARMUP);
    const cpu0 = { server: serverCpuSeconds(), generator: process.cpuUsage(), at: performance.now() };
    const r = await run(base, target, SECONDS);
    const wall = (performance.now() - cpu0.at) / 1000;
    const serverCpu = serverCpuSeconds();
    const generatorCpu = process.cpuUsage(cpu0.generator);
    const summary = summarise(target, r);
    const serverCores = serverCpu === null || cpu0.server === null ? null : (serverCpu - cpu0.server) / wall;
    results.push({
      ...summary,
      server_cores: serverCores === null ? null : round(serverCores, 2),
      generator_cores: round((generatorCpu.user + generatorCpu.system) / 1e6 / wall, 2),
      server_cpu_ms_per_req:
        serverCores === null || summary.req_per_s === 0
          ? null
          : round((serverCores * 1000) / summary.req_per_s, 1),
    });
    const last = results.at(-1)!;
    log(
      `${target.name}: ${last.req_per_s} req/s, p50 ${last.p50_ms} ms, p99 ${last.p99_ms} ms, ` +
        `non-2xx ${last.non_2xx}, errors ${last.errors}, timeouts ${last.timeouts}`,
    );
  }
  const load1 = os.loadavg();

  const bare = results.find((r) => r.name === 'bare');
  for (const r of results) r.ratio_to_bare = bare ? round(r.req_per_s / bare.req_per_s, 3) : null;
  const searchPage = results.find((r) => r.name === 'search-page');
  const ratio = bare && searchPage ? round(searchPage.req_per_s / bare.req_per_s, 3) : null;
  const failed = results.filter((r) => !r.passed).length;

  const cpus = os.cpus();
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpu_model: cpus[0]?.model.trim() ?? 'unknown',
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      note: 'the load generator (autocannon, in this process) and the server share the same cores',
      loadavg_start: load0.map((v) => round(v, 2)),
      loadavg_end: load1.map((v) => round(v, 2)),
    },
    config: {
      seconds: SECONDS,
      connections: CONNECTIONS,
      warmup_seconds: WARMUP,
      database: DATABASE_URL ? 'postgres' : 'pglite',
      log_level: LOG_LEVEL,
      node_env: 'production',
      headers: HEADERS,
      server_boot_seconds: round(bootSeconds, 1),
    },
    targets: results,
    ratio: { search_page_to_bare: ratio, goal: RATIO_GOAL, met: ratio === null ? null : ratio >= RATIO_GOAL },
    numPassedTests: results.length - failed,
    numFailedTests: failed,
    success: failed === 0,
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);

  printTable(results);
  if (ratio !== null) {
    process.stdout.write(
      `\nsearch page / bare route: ${ratio} (goal ≥ ${RATIO_GOAL}: ${ratio >= RATIO_GOAL ? 'met' : 'not met'})\n`,
    );
  }
  process.stdout.write(
    `${cpus.length} CPUs (${report.machine.cpu_model}) shared by the server and the load generator; ` +
      `load average ${report.machine.loadavg_start.join(' / ')} → ${report.machine.loadavg_end.join(' / ')}; ` +
      'cores = CPU used by the server + by the load generator; CPU ms = server CPU per request\n' +
      `written ${path.relative(root, OUT)}\n`,
  );
  if (ASSERT && failed > 0) {
    console.error(`${failed} target(s) with errors, timeouts or non-2xx answers`);
    return 1;
  }
  return 0;
}

function chooseTargets(all: Target[]): Target[] {
  const wanted = (flags.targets ?? process.env.LOAD_TARGETS ?? '').split(',').filter(Boolean);
  if (wanted.length === 0) return all;
  const unknown = wanted.filter((w) => !all.some((t) => t.name === w));
  if (unknown.length)
    throw new Error(`unknown target(s) ${unknown.join(', ')}; known: ${all.map((t) => t.name)}`);
  return all.filter((t) => wanted.includes(t.name));
}

async function run(base: string, target: Target, seconds: number): Promise<Result> {
  running = autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    headers: HEADERS,
    requests: target.paths.map((p) => ({ path: encodeURI(p) })),
    title: target.name,
  });
  try {
    return await running;
  } finally {
    running = undefined;
  }
}

function summarise(target: Target, r: Result): TargetResult {
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(r.statusCodeStats)) statusCodes[code] = count;
  return {
    name: target.name,
    what: target.what,
    paths: target.paths,
    req_per_s: round(r.requests.average, 1),
    requests: r.requests.total,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    avg_ms: round(r.latency.average, 1),
    max_ms: r.latency.max,
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    status_codes: statusCodes,
    kb_per_s: round(r.throughput.average / 1024, 1),
    server_cores: null,
    generator_cores: 0,
    server_cpu_ms_per_req: null,
    ratio_to_bare: null,
    passed: r.errors === 0 && r.timeouts === 0 && r.non2xx === 0 && r.requests.total > 0,
  };
}

function printTable(results: TargetResult[]) {
  const rows = [
    [
      'target',
      'req/s',
      '× bare',
      'p50 ms',
      'p99 ms',
      'max ms',
      'non-2xx',
      'errors',
      'timeouts',
      'cores',
      'CPU ms',
    ],
    ...results.map((r) => [
      r.name,
      String(r.req_per_s),
      r.ratio_to_bare === null ? '' : String(r.ratio_to_bare),
      String(r.p50_ms),
      String(r.p99_ms),
      String(r.max_ms),
      String(r.non_2xx),
      String(r.errors),
      String(r.timeouts),
      `${r.server_cores ?? '?'} + ${r.generator_cores}`,
      String(r.server_cpu_ms_per_req ?? '?'),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  process.stdout.write('\n');
  for (const row of rows) {
    process.stdout.write(
      `${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}\n`,
    );
  }
}

async function waitForStableBuild() {
  const file = path.join(root, 'build/server/index.js');
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const mtime = fs.existsSync(file) ? fs.statSync(file).mtimeMs : undefined;
    if (mtime !== undefined && Date.now() - mtime > 5_000) return;
    await sleep(1000);
  }
  throw new Error('build/server/index.js did not settle within 5 minutes (is a build running?)');
}

/** CPU seconds (user + system, all threads) the server process has used so far; null without /proc. */
function serverCpuSeconds(): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${server?.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

function startServer(logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: path.join(tmpDir!, 'data'),
      DATABASE_URL: DATABASE_URL ?? '',
      LOG_LEVEL,
      SEED_DEMO: 'auto',
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  return child;
}

async function waitReady(base: string, child: ChildProcess, logFile: string) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited (${child.exitCode}) before it was ready:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the server was not ready within 180 s:\n${tail(logFile)}`);
}

async function liveListingId(base: string): Promise<number> {
  const res = await fetch(`${base}/api/v1/listings?per_page=1`);
  const body = (await res.json()) as { data?: { id: number }[] };
  const id = body.data?.[0]?.id;
  if (!res.ok || id === undefined) throw new Error(`no live listing (GET /api/v1/listings: ${res.status})`);
  return id;
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', () =>
      reject(new Error(`port ${port} is in use (choose another with --port / LOAD_PORT)`)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

async function stopServer() {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function cleanup() {
  running?.stop();
  await stopServer();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = undefined;
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

function log(message: string) {
  process.stdout.write(`[load] ${message}\n`);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[load] ${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`[load] ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await cleanup();
}
process.exit(code);
