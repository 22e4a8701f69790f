import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../support/db.ts';
import { ACTION_SPECS, type ActionSpec, CURRENT_VERSION, MY_ORG } from './action-specs.ts';
import {
  assertOptions,
  changedTables,
  createHarness,
  describeInput,
  digest,
  encoding,
  formPairs,
  type Harness,
  hostile,
  loadRoutes,
  type PostInput,
  postRequest,
  queryString,
  type RouteFile,
  refused,
  routePath,
  runsPerRoute,
  settle,
  wellFormed,
} from './harness.ts';
import { actorFrom, addListingsOfA, buildWorld, heal, idFrom, snapshotPeople, type World } from './world.ts';

/*
 * Every form's action, fuzzed (issue 9, item 2): random and hostile forms posted as real requests by real
 * sessions; the answer must be 2xx, 3xx or 4xx — never a thrown error or a 5xx — and a refused form (4xx, or the
 * redirect of a signed-out person to the login page) must
 * leave every table as it was (harness.digest). FUZZ_RUNS=200 for the long run (docs/reliability.md).
 */

const RUNS = runsPerRoute(20);
const routes: RouteFile[] = await loadRoutes();
const actionRoutes = routes.filter((r) => typeof r.module.action === 'function');

let h: Harness;
let world: World;
let people: Awaited<ReturnType<typeof snapshotPeople>>;
const cookies = new Map<number, string>();
const tally = new Map<string, Map<string, number>>();

beforeAll(async () => {
  h = await createHarness(await createTestDb({ seeded: true }));
  await addListingsOfA(h.ctx);
  world = await buildWorld(h.handle.db);
  people = await snapshotPeople(h.handle.db, world);
});

afterAll(async () => {
  if (process.env.FUZZ_REPORT) {
    const lines = [...tally].map(
      ([id, counts]) => `${id}\t${[...counts].map(([k, n]) => `${k}:${n}`).join(' ')}`,
    );
    process.stdout.write(`\nfuzz actions (${RUNS} runs per route)\n${lines.join('\n')}\n`);
  }
  await h?.close();
});

/** A route without an entry is still fuzzed, with a generic form (and the coverage test above fails). */
const GENERIC: ActionSpec = {
  actors: (w) => Object.values(w.role),
  fields: () => ({ intent: fc.string(), id: idFrom([]) }),
};

function count(id: string, key: string) {
  const counts = tally.get(id) ?? new Map<string, number>();
  counts.set(key, (counts.get(key) ?? 0) + 1);
  tally.set(id, counts);
}

async function cookieOf(userId: number): Promise<string> {
  let cookie = cookies.get(userId);
  if (!cookie) {
    cookie = await h.cookieFor(userId);
    cookies.set(userId, cookie);
  }
  return cookie;
}

const fileFor = (names: readonly string[]) =>
  fc.record({
    name: fc.oneof(
      { arbitrary: fc.constantFrom(...names), weight: 4 },
      fc.constant('x'.repeat(300)),
      fc.string(),
    ),
    type: fc.constantFrom('application/pdf', 'image/png', 'text/csv', 'application/json', 'text/html', ''),
    bytes: fc.oneof(
      fc.constant(new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')),
      fc.constant(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
      fc.constant(new TextEncoder().encode('名称,统一社会信用代码\n"<script>",\u0000\n')),
      fc.constant(new TextEncoder().encode('{"organisations":[{"name":1}]}')),
      fc.constant(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0])),
      fc.uint8Array({ maxLength: 64 }),
      fc.string().map((t) => new TextEncoder().encode(t)),
    ),
  });

function inputFor(route: RouteFile, spec: ActionSpec) {
  const specParams = spec.params?.(world) ?? {};
  const params = Object.fromEntries(
    route.params.map((name) => {
      const plausible = specParams[name];
      const arb = plausible
        ? fc.oneof({ arbitrary: plausible, weight: 5 }, { arbitrary: hostile, weight: 1 })
        : fc.oneof(idFrom([]), hostile);
      return [name, arb];
    }),
  ) as Record<string, fc.Arbitrary<string>>;
  const fixed = actorFrom(world, spec.actors(world)).map((id) => ({ id, participant: null }));
  // With `participants`: mostly someone who may act on the record the input names, chosen at request time.
  const participant = fc.nat().map((n) => ({ id: null, participant: n }));
  return fc.record({
    actor: spec.participants
      ? fc.oneof({ arbitrary: participant, weight: 3 }, { arbitrary: fixed, weight: 1 })
      : fixed,
    // Remix hands over path parameters decoded from the URL: always well-formed strings.
    params: fc
      .record(params)
      .map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, wellFormed(v)]))),
    query: spec.query?.(world) ?? fc.constant<[string, string][]>([]),
    pairs: spec.valid
      ? fc.oneof(
          { arbitrary: spec.valid(world), weight: 1 },
          { arbitrary: formPairs(spec.fields(world), spec.repeat ?? []), weight: 2 },
        )
      : formPairs(spec.fields(world), spec.repeat ?? []),
    encoding,
    file: spec.upload ? fc.option(fileFor(spec.upload), { nil: undefined, freq: 3 }) : fc.constant(undefined),
    ip: fc.oneof(fc.constant('203.0.113.10'), fc.ipV4()),
  });
}

describe('fuzzing every action', () => {
  it('has a fuzz entry for every route module with an action (a new one fails here)', () => {
    expect(actionRoutes.map((r) => r.id).sort()).toEqual(Object.keys(ACTION_SPECS).sort());
  });

  for (const route of actionRoutes) {
    it(`${route.id}: ${RUNS} forms → 2xx/3xx/4xx, and a refusal changes nothing`, async () => {
      const spec = ACTION_SPECS[route.id] ?? GENERIC;
      const db = h.handle.db;
      await fc.assert(
        fc.asyncProperty(inputFor(route, spec), async (input) => {
          const values = new Map(input.pairs);
          let actor = input.actor.id;
          if (input.actor.participant !== null && spec.participants) {
            const people = await spec.participants(db, input.params, values);
            actor = people.length > 0 ? people[input.actor.participant % people.length]! : null;
          }
          const cookie = actor === null ? null : await cookieOf(actor);
          let pairs = input.pairs;
          if (spec.version && pairs.some(([, v]) => v === CURRENT_VERSION)) {
            const current = await spec.version(db, input.params, values);
            pairs = pairs.map(([k, v]) => [k, v === CURRENT_VERSION ? String(current ?? 1) : v]);
          }
          if (pairs.some(([, v]) => v === MY_ORG)) {
            const org = await db
              .selectFrom('membership as m')
              .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
              .select('o.id')
              .where('m.user_id', '=', actor ?? -1)
              .where('m.status', '=', 'active')
              .where('o.verification', '=', 'verified')
              .executeTakeFirst();
            pairs = pairs.map(([k, v]) => [k, v === MY_ORG ? String(org?.id ?? 1) : v]);
          }
          const post: PostInput = { pairs, encoding: input.encoding, file: input.file };
          const url = routePath(route.id, input.params) + queryString(input.query);
          const request = postRequest(url, post, cookie);
          const before = await digest(db);
          const settled = await settle(() =>
            route.module.action!({ request, params: input.params, context: h.contextFor(input.ip) }),
          );
          const shown = () => describeInput({ ...input, actor, pairs, file: input.file?.name });
          if (!settled.ok) {
            count(route.id, 'error');
            const error = settled.error as Error;
            throw new Error(`${route.id} threw ${error?.stack ?? String(error)}\ninput: ${shown()}`);
          }
          count(route.id, String(settled.status));
          if (settled.status >= 500)
            throw new Error(`${route.id} answered ${settled.status}\ninput: ${shown()}`);
          if (refused(settled)) {
            const changed = changedTables(before, await digest(db));
            if (changed.length > 0) {
              throw new Error(
                `${route.id} refused (${settled.status}) but changed ${changed.join(', ')}\ninput: ${shown()}`,
              );
            }
          } else {
            // It worked: it may have ended sessions, disabled a demo account or removed a membership.
            await heal(db, people);
            cookies.clear();
          }
        }),
        assertOptions(RUNS),
      );
    });
  }
});
