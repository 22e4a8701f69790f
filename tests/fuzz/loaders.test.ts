import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { auditFilterSchema } from '../../app/features/bureau/rules.ts';
import { apiListQuerySchema, indexQuerySchema } from '../../app/features/listings/rules.ts';
import { REGIONS } from '../../app/features/orgs/rules.ts';
import { searchParamsSchema } from '../../app/features/search/rules.ts';
import { LISTING_KINDS, MODES } from '../../db/schema.ts';
import { createTestDb } from '../support/db.ts';
import { ACTION_SPECS } from './action-specs.ts';
import {
  assertOptions,
  changedTables,
  createHarness,
  describeInput,
  digest,
  getRequest,
  type Harness,
  hostile,
  isoDate,
  loadRoutes,
  numeric,
  queryString,
  type RouteFile,
  rawQuery,
  routePath,
  runsPerRoute,
  settle,
  tainted,
  text,
  wellFormed,
} from './harness.ts';
import { actorFrom, addListingsOfA, buildWorld, idFrom, type World } from './world.ts';

/*
 * Every loader, fuzzed (issue 9, item 2: "every API query parameter"): every route module's loader — pages, the
 * JSON API, the exports and feeds — with random and hostile path parameters and query strings, anonymous or as
 * one of the matrix's people. The answer must be 2xx, 3xx or 4xx, and no GET may change a table (docs/security.md:
 * the one write a GET may cause is the session's last-seen time, which the digest leaves out).
 */

const RUNS = runsPerRoute(10);
const routes: RouteFile[] = await loadRoutes();
const loaderRoutes = routes.filter((r) => typeof r.module.loader === 'function');

let h: Harness;
let world: World;
const cookies = new Map<number, string>();
const tally = new Map<string, Map<string, number>>();

beforeAll(async () => {
  h = await createHarness(await createTestDb({ seeded: true }));
  await addListingsOfA(h.ctx);
  // The search engine's documents: the seeded template has none until the indexer runs.
  const { reindexAll } = await import('../../search/indexer.ts');
  await reindexAll(h.handle.db, h.ctx.search);
  world = await buildWorld(h.handle.db);
});

afterAll(async () => {
  if (process.env.FUZZ_REPORT) {
    const lines = [...tally].map(
      ([id, counts]) => `${id}\t${[...counts].map(([k, n]) => `${k}:${n}`).join(' ')}`,
    );
    process.stdout.write(`\nfuzz loaders (${RUNS} runs per route)\n${lines.join('\n')}\n`);
  }
  await h?.close();
});

/** The query keys the app reads (from its zod schemas and the loaders), with plausible values. */
function queryValues(w: World): Record<string, fc.Arbitrary<string>> {
  const keys = new Set([
    ...Object.keys(searchParamsSchema.shape),
    ...Object.keys(apiListQuerySchema.shape),
    ...Object.keys(indexQuerySchema.shape),
    ...Object.keys(auditFilterSchema.shape),
  ]);
  const month = fc
    .tuple(fc.integer({ min: 2019, max: 2031 }), fc.integer({ min: 0, max: 13 }))
    .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);
  const known: Record<string, fc.Arbitrary<string>> = {
    q: fc.oneof(
      text(0, 12),
      fc.constantFrom('乳', '益生菌 发酵', 'milk', 'AND OR NOT', '"乳清', '-', '*', '!'),
    ),
    kind: fc.constantFrom(...LISTING_KINDS),
    field: fc.constantFrom('dairy', 'probiotics', 'new-energy', 'zz-none'),
    region: fc.constantFrom(...REGIONS),
    mode: fc.constantFrom(...MODES),
    trl_min: numeric(0, 10),
    trl_max: numeric(0, 10),
    budget_min: numeric(0, 1000),
    budget_max: numeric(0, 1000),
    published_after: isoDate,
    sort: fc.constantFrom('relevance', 'newest', 'budget'),
    page: numeric(0, 600),
    per_page: numeric(0, 120),
    prefix: fc.constant('1'),
    action: fc.constantFrom('auth.login', 'listing.', 'authz.denied'),
    outcome: fc.constantFrom('success', 'failure', 'denied'),
    actor: fc.constantFrom('admin@helin-demo.cn', 'admin'),
    from: fc.oneof(isoDate, month),
    to: fc.oneof(isoDate, month),
    quarter: fc
      .tuple(fc.integer({ min: 2019, max: 2031 }), fc.integer({ min: 0, max: 5 }))
      .map(([y, q]) => `${y}-Q${q}`),
    state: fc.constantFrom('pending', 'verified', 'rejected'),
    need: idFrom(w.listings.live),
    offer: idFrom(w.listings.live),
    done: fc.constantFrom('sent', 'created', 'add', 'accepted', 'proposed'),
    n: numeric(0, 50),
    format: fc.constantFrom('csv', 'xlsx', 'json', 'xml'),
    saved: fc.constant('1'),
    redirectTo: fc.constantFrom('/account', '//evil.example'),
    applied: fc.constant('1'),
    created: numeric(-1, 10),
  };
  for (const key of keys) known[key] ??= hostile;
  return known;
}

/** Plausible values of each path parameter name used in app/routes (generic: any id of any table). */
function paramValues(w: World): Record<string, fc.Arbitrary<string>> {
  return {
    id: idFrom([
      ...w.listings.live.slice(0, 20),
      ...w.listings.ofA,
      ...w.matches,
      ...w.editions.all,
      w.orgA,
      w.pendingOrg,
    ]),
    token: fc.oneof(idFrom(w.unsubscribeTokens), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)),
    year: fc.oneof(fc.constantFrom('2026', '02026', '1e3'), numeric(1999, 2101)),
    number: fc.oneof(fc.constantFrom('01', '+1'), numeric(0, 1000)),
    attachmentId: idFrom(w.attachments),
    what: fc.constantFrom('organisations', 'listings', 'contracts', 'users'),
    '*': fc.constantFrom('v1/nothing', 'v2/listings', '../etc', '', 'a/b/c'),
  };
}

/** Routes whose parameters must agree or name a particular table: real combinations, most of the time. */
function realParams(route: RouteFile, w: World): fc.Arbitrary<Record<string, string>> | null {
  const ids = (pool: number[]) => idFrom(pool).map((id) => ({ id }));
  if (route.params.includes('year') && w.editionPaths.length > 0) return fc.constantFrom(...w.editionPaths);
  if (route.id === 'listings.$id.attachments.$attachmentId' && w.attachmentOf.length > 0) {
    return fc
      .constantFrom(...w.attachmentOf)
      .map(([id, attachmentId]) => ({ id: String(id), attachmentId: String(attachmentId) }));
  }
  if (route.id.startsWith('matches.$id')) return ids(w.matches);
  if (route.id.startsWith('bureau.editions.$id')) return ids(w.editions.all);
  if (route.id.startsWith('orgs.$id') || route.id.startsWith('bureau.organisations.$id'))
    return ids([w.orgA, w.orgB, w.pendingOrg]);
  if (route.id.startsWith('my.listings.$id')) return ids(w.listings.ofA);
  if (route.id.startsWith('bureau.review.$id')) return ids([...w.listings.notLive, ...w.listings.ofA]);
  if (route.id.startsWith('listings.$id') || route.id.startsWith('api.v1.listings.$id'))
    return ids([...w.listings.live.slice(0, 30), ...w.listings.notLive]);
  return null;
}

/** Who asks: anyone, but mostly the people a page is for. */
function actorsFor(route: RouteFile, w: World): (number | null)[] {
  const r = w.role;
  if (route.id.startsWith('bureau.')) return [r.reviewer, r.admin];
  if (route.id.startsWith('manager.')) return [r.manager, ...w.managers];
  if (route.id.startsWith('matches.')) return [...w.matchPeople, r.manager];
  if (route.id.startsWith('my.listings') || route.id.startsWith('orgs.$id.settings'))
    return [r.memberA, r.ownerA];
  if (route.id.startsWith('my.interests')) return w.interestPeople;
  return Object.values(r);
}

function inputFor(route: RouteFile) {
  const plausibleParams = paramValues(world);
  const generic = fc
    .record(
      Object.fromEntries(
        route.params.map((name) => [
          name,
          fc.oneof(
            { arbitrary: plausibleParams[name] ?? idFrom([]), weight: 4 },
            { arbitrary: hostile, weight: 1 },
          ),
        ]),
      ) as Record<string, fc.Arbitrary<string>>,
    )
    .map((p) => p as Record<string, string>);
  const real = realParams(route, world);
  const params = real ? fc.oneof({ arbitrary: real, weight: 3 }, { arbitrary: generic, weight: 2 }) : generic;
  const values = queryValues(world);
  const keys = Object.keys(values);
  const pair = fc.oneof(
    {
      arbitrary: fc
        .constantFrom(...keys)
        .chain((k) =>
          fc
            .oneof({ arbitrary: values[k]!, weight: 4 }, hostile, tainted(values[k]!))
            .map((v): [string, string] => [k, v]),
        ),
      weight: 6,
    },
    { arbitrary: fc.tuple(hostile, hostile), weight: 1 },
  );
  const participants = ACTION_SPECS[route.id]?.participants;
  const fixed = actorFrom(world, actorsFor(route, world)).map((id) => ({ id, participant: null }));
  return fc.record({
    // On a match page: mostly someone on that match (chosen at request time), as for its action.
    actor: participants
      ? fc.oneof(
          fixed,
          fc.nat().map((n) => ({ id: null, participant: n })),
        )
      : fixed,
    params: params.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, wellFormed(v)]))),
    query: fc.oneof(
      {
        arbitrary: fc
          .tuple(fc.option(fc.constantFrom(...LISTING_KINDS)), fc.array(pair, { maxLength: 5 }))
          .map(([kind, pairs]) => queryString(kind ? [['kind', kind], ...pairs] : pairs)),
        weight: 8,
      },
      { arbitrary: rawQuery, weight: 1 },
    ),
  });
}

function count(id: string, key: string) {
  const counts = tally.get(id) ?? new Map<string, number>();
  counts.set(key, (counts.get(key) ?? 0) + 1);
  tally.set(id, counts);
}

describe('fuzzing every loader', () => {
  for (const route of loaderRoutes) {
    it(`${route.id}: ${RUNS} requests → 2xx/3xx/4xx, and no table changes`, async () => {
      const db = h.handle.db;
      const participants = ACTION_SPECS[route.id]?.participants;
      await fc.assert(
        fc.asyncProperty(inputFor(route), async (input) => {
          let actor = input.actor.id;
          if (input.actor.participant !== null && participants) {
            const people = await participants(db, input.params, new Map());
            actor = people.length > 0 ? people[input.actor.participant % people.length]! : null;
          }
          let cookie: string | null = null;
          if (actor !== null) {
            cookie = cookies.get(actor) ?? (await h.cookieFor(actor));
            cookies.set(actor, cookie);
          }
          const request = getRequest(routePath(route.id, input.params) + input.query, cookie);
          const before = await digest(db);
          const settled = await settle(() =>
            route.module.loader!({ request, params: input.params, context: h.ctx }),
          );
          const shown = () => describeInput({ ...input, actor });
          if (!settled.ok) {
            count(route.id, 'error');
            const error = settled.error as Error;
            throw new Error(`${route.id} threw ${error?.stack ?? String(error)}\ninput: ${shown()}`);
          }
          count(route.id, String(settled.status));
          if (settled.status >= 500)
            throw new Error(`${route.id} answered ${settled.status}\ninput: ${shown()}`);
          const changed = changedTables(before, await digest(db));
          if (changed.length > 0) {
            throw new Error(
              `GET ${route.id} (${settled.status}) changed ${changed.join(', ')}\ninput: ${shown()}`,
            );
          }
        }),
        assertOptions(RUNS),
      );
    });
  }
});
