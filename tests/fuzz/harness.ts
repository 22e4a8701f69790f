/**
 * The property-based fuzzing harness (issue 9, docs/reliability.md "Fuzzing"): the real route modules of
 * app/routes, called with real Request objects, a real session cookie and the real load context on a seeded test
 * database; fast-check arbitraries that mix plausible field values with hostile ones; the outcome rules
 * (2xx/3xx/4xx only, never a thrown Error or a 5xx) and a digest of every table to show that a refused input
 * changed nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { loadConfig } from '../../app/server/config.ts';
import type { AppContext } from '../../app/server/context.ts';
import { createSession } from '../../app/server/session.server.ts';
import type { DbHandle } from '../../db/client.ts';
import type { Database } from '../../db/schema.ts';
import { testContext } from '../support/context.ts';

/* ---------- runs ---------- */

/**
 * Inputs per route and property. The default keeps the project within its CI budget (both databases);
 * FUZZ_RUNS=200 is the long run written down in docs/reliability.md. FUZZ_SEED replays a reported failure.
 */
export function runsPerRoute(defaultRuns: number): number {
  const raw = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(raw) && raw > 0 ? raw : defaultRuns;
}

/** fast-check's options: FUZZ_SEED (with FUZZ_PATH) replays the run a failure message names. */
export function assertOptions(numRuns: number): fc.Parameters<unknown> {
  const seed = Number(process.env.FUZZ_SEED);
  const replay = process.env.FUZZ_PATH;
  return {
    numRuns,
    ...(Number.isInteger(seed) ? { seed } : {}),
    ...(Number.isInteger(seed) && replay ? { path: replay } : {}),
  };
}

/* ---------- route modules ---------- */

type Handler = (args: { request: Request; params: Record<string, string>; context: AppContext }) => unknown;
export interface RouteModule {
  loader?: Handler;
  action?: Handler;
}

export interface RouteFile {
  /** The flat-routes id: the file name without its extension, e.g. `matches.$id`. */
  id: string;
  /** Path parameter names in order ('*' for a splat). */
  params: string[];
  module: RouteModule;
}

export const ROUTES_DIR = path.resolve('app/routes');

/** Every route module in app/routes, imported (discovered from the file list, never from a fixed list). */
export async function loadRoutes(): Promise<RouteFile[]> {
  const files = fs
    .readdirSync(ROUTES_DIR)
    .filter((f) => /\.tsx?$/.test(f))
    .sort();
  const out: RouteFile[] = [];
  for (const file of files) {
    const id = file.replace(/\.tsx?$/, '');
    const module = (await import(path.join(ROUTES_DIR, file))) as RouteModule;
    out.push({ id, params: routeParams(id), module });
  }
  return out;
}

/** Segments of a flat-routes id; `[.]` is an escaped dot. */
function segments(id: string): string[] {
  return id
    .replaceAll('[.]', '\u0000')
    .split('.')
    .map((s) => s.replaceAll('\u0000', '.'));
}

export function routeParams(id: string): string[] {
  return segments(id)
    .filter((s) => s.startsWith('$'))
    .map((s) => (s === '$' ? '*' : s.slice(1)));
}

/** A string as a URL can carry it: lone surrogates become U+FFFD (what a browser's encoding does). */
export function wellFormed(value: string): string {
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** The URL path of a route with these parameter values (encoded as a browser would). */
export function routePath(id: string, params: Record<string, string>): string {
  const parts: string[] = [];
  for (const s of segments(id)) {
    if (s === '_index') continue;
    if (s === '$') parts.push((params['*'] ?? '').split('/').map(encodeURIComponent).join('/'));
    else if (s.startsWith('$')) parts.push(encodeURIComponent(params[s.slice(1)] ?? ''));
    else parts.push(s);
  }
  return `/${parts.join('/')}`;
}

/* ---------- outcomes ---------- */

export type Settled = { ok: true; status: number; location?: string } | { ok: false; error: unknown };

/**
 * What a loader or action answered, as Remix would send it: a Response (its status), data() with init (its
 * status), a thrown Response (its status), plain data (200). A thrown non-Response or `undefined` (Remix refuses
 * a handler that returns nothing) is an error: the server would answer 500.
 */
export async function settle(run: () => unknown): Promise<Settled> {
  try {
    const value = await run();
    if (value instanceof Response) {
      // The body too: an export that fails while it streams is a broken answer.
      await value.arrayBuffer();
      return { ok: true, status: value.status, location: value.headers.get('Location') ?? undefined };
    }
    if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'DataWithResponseInit') {
      return { ok: true, status: (value as { init: ResponseInit | null }).init?.status ?? 200 };
    }
    if (value === undefined) return { ok: false, error: new Error('the handler returned undefined') };
    return { ok: true, status: 200 };
  } catch (thrown) {
    if (thrown instanceof Response) {
      await thrown.arrayBuffer();
      return { ok: true, status: thrown.status, location: thrown.headers.get('Location') ?? undefined };
    }
    return { ok: false, error: thrown };
  }
}

/* ---------- the database digest ---------- */

const tablesOf = new WeakMap<Kysely<Database>, string[]>();

/**
 * Per table: the row count and the sum of the rows' `xmin` (the transaction that wrote each row version). Any
 * committed insert, update — even one that writes the same values — or delete changes it; reads and row locks
 * (SELECT … FOR UPDATE) do not. Cheaper than hashing every row's text, and stricter. Left out, because a refusal
 * writes them on purpose or a read touches them:
 * - `rate_limit`: the counters of refused logins, registrations and subscriptions (brute-force protection);
 * - `audit_log` rows with outcome `denied` / `failure`: the security log of refusals (ASVS 16.3);
 * - `session.last_seen_at`: touched by a signed-in person's request at most once a minute (hashed without it).
 * Everything else — audit rows of successes, the outbox, notices, sessions — must not move on a refusal.
 */
export async function digest(db: Kysely<Database>): Promise<Map<string, string>> {
  let tables = tablesOf.get(db);
  if (!tables) {
    const rows = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'rate_limit'
      order by table_name`.execute(db);
    tables = rows.rows.map((r) => r.name);
    tablesOf.set(db, tables);
  }
  const parts = tables.map((name) => {
    if (name === 'session') {
      return sql`select 'session' as name, count(*)::text || ':' ||
        coalesce(sum(hashtextextended((to_jsonb(t) - 'last_seen_at')::text, 0)), 0)::text as hash
        from session t`;
    }
    const where = name === 'audit_log' ? sql`where t.outcome = 'success'` : sql``;
    return sql`select ${name}::text as name,
      count(*)::text || ':' || coalesce(sum(t.xmin::text::bigint), 0)::text as hash
      from ${sql.table(name)} t ${where}`;
  });
  const result = await sql<{ name: string; hash: string }>`${sql.join(parts, sql` union all `)}`.execute(db);
  return new Map(result.rows.map((r) => [r.name, r.hash]));
}

/** A refusal: 4xx, or the redirect of a signed-out person to the login page. */
export function refused(settled: { status: number; location?: string }): boolean {
  return (settled.status >= 400 && settled.status < 500) || Boolean(settled.location?.startsWith('/login?'));
}

export function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
}

/* ---------- context, people ---------- */

export interface Harness {
  handle: DbHandle;
  ctx: AppContext;
  dataDir: string;
  /** A fresh session cookie (`helin_sid=…`) for a user. */
  cookieFor(userId: number): Promise<string>;
  /** The load context of one request: its own client IP (rate limits count per IP). */
  contextFor(ip: string): AppContext;
  close(): Promise<void>;
}

export async function createHarness(handle: DbHandle): Promise<Harness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-fuzz-'));
  const ctx = testContext(handle, { config: loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }) });
  return {
    handle,
    ctx,
    dataDir,
    async cookieFor(userId) {
      const session = await createSession(ctx.db, ctx.config, { userId, ip: null, userAgent: null });
      return session.cookie.split(';')[0]!;
    },
    contextFor: (ip) => ({ ...ctx, clientIp: ip }),
    async close() {
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/* ---------- requests ---------- */

export type Encoding = 'urlencoded' | 'multipart' | 'text' | 'json' | 'none' | 'bad-multipart';

export interface PostInput {
  pairs: [string, string][];
  encoding: Encoding;
  /** A file part (multipart only). */
  file?: { name: string; type: string; bytes: Uint8Array };
}

export function getRequest(pathAndQuery: string, cookie: string | null): Request {
  return new Request(`http://localhost${pathAndQuery}`, { headers: cookie ? { Cookie: cookie } : {} });
}

export function postRequest(pathAndQuery: string, input: PostInput, cookie: string | null): Request {
  const headers: Record<string, string> = { Origin: 'http://localhost' };
  if (cookie) headers.Cookie = cookie;
  const url = `http://localhost${pathAndQuery}`;
  switch (input.encoding) {
    case 'urlencoded':
      return new Request(url, { method: 'POST', headers, body: new URLSearchParams(input.pairs) });
    case 'multipart': {
      const form = new FormData();
      for (const [k, v] of input.pairs) form.append(k, v);
      if (input.file) {
        const bytes = new Uint8Array(input.file.bytes);
        form.append('file', new File([bytes], input.file.name, { type: input.file.type }));
      }
      return new Request(url, { method: 'POST', headers, body: form });
    }
    case 'text':
      headers['Content-Type'] = 'text/plain;charset=UTF-8';
      return new Request(url, {
        method: 'POST',
        headers,
        body: input.pairs.map(([k, v]) => `${k}=${v}`).join('\n'),
      });
    case 'json':
      headers['Content-Type'] = 'application/json';
      return new Request(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(Object.fromEntries(input.pairs)),
      });
    case 'bad-multipart':
      headers['Content-Type'] = 'multipart/form-data; boundary=----helinfuzz';
      return new Request(url, {
        method: 'POST',
        headers,
        body: `------helinfuzz\r\nContent-Disposition: form-data; name="${input.pairs[0]?.[0] ?? 'x'}"\r\n\r\nunterminated`,
      });
    case 'none':
      return new Request(url, { method: 'POST', headers });
  }
}

/* ---------- arbitraries ---------- */

const LONG = ['x'.repeat(10_001), '测'.repeat(5_001), `${'a'.repeat(300)}@example.cn`, '9'.repeat(400)];

/** Values that have broken web applications: SQL and markup fragments, odd numbers, control and bidi characters. */
export const HOSTILE_CONSTANTS = [
  "' OR 1=1 --",
  "'; drop table listing; --",
  '" OR ""="',
  '1; select pg_sleep(0)',
  "\\'",
  '%',
  '_',
  '<script>window.__xss=1</script>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '{{7*7}}${7*7}',
  '\u0000',
  'a\u0000b',
  '\u202e\u2066abc\u2069',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udfff\ud800',
  '𠜎𠜱𡃁',
  '﷽',
  'e\u0301',
  '\r\n\r\n',
  '\t',
  ' ',
  '',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '1e-320',
  '-0',
  '0',
  '-1',
  '1.5',
  '0x1A',
  '0b11',
  ' 7 ',
  '007',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9223372036854775807',
  '9223372036854775808',
  '99999999999999999999999',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '[object Object]',
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '0000-00-00',
  '0000-01-01',
  '9999-12-31',
  '10000-01-01',
  '2026-02-30',
  '2026-13-01',
  '1900-01-01T00:00',
  '2026-12-01T25:61',
  '../../etc/passwd',
  '/\\evil.example',
  '//evil.example',
  'https://evil.example/',
  'a@b',
  'a@b.c'.padStart(260, 'a'),
  '..',
  '%00',
  '%E0%A4%A',
];

export const hostile: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_CONSTANTS), weight: 5 },
  { arbitrary: fc.constantFrom(...LONG), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 1 },
  { arbitrary: fc.integer().map(String), weight: 1 },
  { arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), weight: 1 },
  { arbitrary: fc.double().map(String), weight: 1 },
);

const CJK = [
  ...'乳业发酵技术需求成果场景转化合作企业高校院所和林格尔县蒙科聚益生菌新能源材料低空算力检测平台项目',
];

/** Plausible free text of `min`–`max` characters (Chinese, Latin, digits, punctuation). */
export function text(min: number, max: number): fc.Arbitrary<string> {
  return fc.string({
    unit: fc.oneof(
      { arbitrary: fc.constantFrom(...CJK), weight: 4 },
      { arbitrary: fc.constantFrom(...'abcXYZ0123456789 ，。、-'), weight: 1 },
    ),
    minLength: min,
    maxLength: max,
  });
}

/** A number-ish string: integers and decimals in and around a range. */
export function numeric(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min, max }).map(String),
    fc.integer({ min: min - 3, max: max + 3 }).map(String),
    fc.double({ min, max, noNaN: true }).map((n) => n.toFixed(2)),
  );
}

export const isoDate: fc.Arbitrary<string> = fc.oneof(
  fc
    .date({ min: new Date('1990-01-01'), max: new Date('2035-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2026-11-26', '2026-11-25', '2026-12-31', '2000-02-29', '2100-01-01'),
);

/** One value for a named field: mostly plausible, sometimes hostile. */
export function fieldValue(plausible: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: plausible, weight: 4 },
    { arbitrary: hostile, weight: 1 },
    { arbitrary: tainted(plausible), weight: 1 },
  );
}

/** Short hostile fragments that fit inside an otherwise valid value (and so get past length checks). */
const FRAGMENTS = ['\u0000', '\u202e', '\ud800', "'", '"', '\\', '%', '<script>', '\r\n', '𠜎', '\u200b'];

/** A plausible value with a hostile fragment in it: at the start, in the middle or at the end. */
export function tainted(plausible: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(plausible, fc.constantFrom(...FRAGMENTS), fc.nat()).map(([value, fragment, at]) => {
    const i = at % (value.length + 1);
    return value.slice(0, i) + fragment + value.slice(i);
  });
}

export type FieldSpec = Record<string, fc.Arbitrary<string>>;

/**
 * A form as key/value pairs, in three shapes: clean (every field plausible, as the page would post it), one-off
 * (clean but for one field: hostile, missing, repeated or with a hostile fragment inside) and chaos (each field plausible or hostile, missing or
 * repeated — arrays where a scalar is expected — plus unknown keys). `repeat` names the fields that take several
 * values (checkbox groups).
 */
export function formPairs(
  fields: FieldSpec,
  repeat: readonly string[] = [],
): fc.Arbitrary<[string, string][]> {
  const entries = Object.entries(fields);
  if (entries.length === 0) {
    return fc.array(fc.tuple(hostile, hostile), { maxLength: 3 });
  }
  const clean = fc.tuple(
    ...entries.map(([name, plausible]) =>
      repeat.includes(name)
        ? fc
            .array(plausible, { minLength: 1, maxLength: 3 })
            .map((vs) => vs.map((v) => [name, v] as [string, string]))
        : plausible.map((v) => [[name, v] as [string, string]]),
    ),
  );
  const oneOff = fc
    .tuple(
      clean,
      fc.nat(entries.length - 1),
      fc.oneof(
        hostile.map((v) => ({ kind: 'set' as const, v })),
        fc.constant({ kind: 'drop' as const, v: '' }),
        hostile.map((v) => ({ kind: 'add' as const, v })),
        fc.constant({ kind: 'taint' as const, v: '' }),
      ),
      fc.constantFrom(...FRAGMENTS),
      fc.nat(),
    )
    .map(([groups, index, change, fragment, at]) =>
      groups.map((group, i) => {
        if (i !== index) return group;
        const name = entries[i]![0];
        if (change.kind === 'drop') return [];
        if (change.kind === 'set') return [[name, change.v] as [string, string]];
        if (change.kind === 'taint') {
          return group.map(([k, v]): [string, string] => {
            const cut = at % (v.length + 1);
            return [k, v.slice(0, cut) + fragment + v.slice(cut)];
          });
        }
        return [...group, [name, change.v] as [string, string]];
      }),
    );
  const perField = entries.map(([name, plausible]) => {
    const one = fieldValue(plausible);
    const many = repeat.includes(name) ? 4 : 3;
    return fc
      .oneof(
        { arbitrary: one.map((v) => [v]), weight: 8 },
        { arbitrary: fc.constant([] as string[]), weight: 1 },
        {
          arbitrary: fc.array(one, { minLength: 2, maxLength: many }),
          weight: repeat.includes(name) ? 4 : 1,
        },
      )
      .map((values) => values.map((v) => [name, v] as [string, string]));
  });
  const extra = fc.array(
    fc.tuple(fc.oneof(hostile, fc.constantFrom('intent', 'id', '_data', 'redirectTo')), hostile),
    { maxLength: 2 },
  );
  const chaos = fc.tuple(fc.tuple(...perField), extra).map(([groups, more]) => [...groups, more]);
  return fc
    .oneof({ arbitrary: clean, weight: 3 }, { arbitrary: oneOff, weight: 3 }, { arbitrary: chaos, weight: 2 })
    .map((groups) => groups.flat() as [string, string][]);
}

export const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { arbitrary: fc.constant('urlencoded' as const), weight: 20 },
  { arbitrary: fc.constant('multipart' as const), weight: 3 },
  {
    arbitrary: fc.constantFrom('text' as const, 'json' as const, 'none' as const, 'bad-multipart' as const),
    weight: 1,
  },
);

/** A query string from key/value pairs (keys and values percent-encoded as URLSearchParams does). */
export function queryString(pairs: [string, string][]): string {
  const s = new URLSearchParams(pairs).toString();
  return s ? `?${s}` : '';
}

/** Raw query strings URLSearchParams would never produce: broken escapes, bare keys, separators only. */
export const rawQuery = fc.constantFrom(
  '?%',
  '?%zz=1',
  '?q=%E4%B9',
  '?q=%00',
  '?&&&',
  '?=',
  '?page',
  '?page=&page=2',
  '?q=a&q=b&q=c',
  '?field[]=dairy',
  '?__proto__=1',
  '?constructor[prototype]=1',
  `?q=${'%E4%B9%B3'.repeat(300)}`,
);

/** A short, printable description of an input for failure messages. */
export function describeInput(value: unknown): string {
  const s = JSON.stringify(value, (_k, v) =>
    typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v,
  );
  return s.length > 2000 ? `${s.slice(0, 2000)}…` : s;
}
