import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addEntries,
  createEdition,
  moveEntry,
  removeEntry,
  updateEditionMeta,
} from '../../app/features/editions/editions.server.ts';
import { parseListingForm } from '../../app/features/listings/form.ts';
import {
  createListing,
  transitionListing,
  updateListing,
} from '../../app/features/listings/manage.server.ts';
import { expressInterest, respondToInterest } from '../../app/features/matching/interests.server.ts';
import {
  actOnMatch,
  assignManager,
  type MatchActionInput,
} from '../../app/features/matching/matches.server.ts';
import { getPrincipal, type SignedIn } from '../../app/server/auth.server.ts';
import type { AppContext } from '../../app/server/context.ts';
import { createSession } from '../../app/server/session.server.ts';
import type { DbHandle } from '../../db/client.ts';
import type { ListingKind } from '../../db/schema.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';

/*
 * Concurrency (issue 9, item 4): many simultaneous expressions of interest, answers, match transitions, list
 * (edition) edits and listing edits on the same records. Each case starts N = 20 calls at once and checks that
 * exactly the right number won (optimistic versions, row locks, unique indexes), that nothing was lost or written
 * twice, and — at the end — the invariants in SQL over the whole database. Meaningful on PostgreSQL (DATABASE_URL:
 * a pool of 24 connections, truly parallel transactions); on PGlite the same calls are serialised by its single
 * connection, and the outcomes must be the same.
 */

const N = 20;
const IP = '203.0.113.44';
const MESSAGE = '我们希望就该成果开展中试合作，可提供生产线与检测条件，请联系。';

let handle: DbHandle;
let ctx: AppContext;
let t0: Date;

beforeAll(async () => {
  handle = await createTestDb({ seeded: true, poolMax: N + 4 });
  ctx = testContext(handle, { clientIp: IP });
  const now = await sql<{ now: Date }>`select now() as now`.execute(handle.db);
  t0 = now.rows[0]!.now;
});
afterAll(() => handle?.close());

/* ---------- people ---------- */

async function principalOf(userId: number): Promise<SignedIn> {
  const session = await createSession(ctx.db, ctx.config, { userId, ip: IP, userAgent: null });
  const cookie = session.cookie.split(';')[0]!;
  const principal = await getPrincipal(
    new Request('http://localhost/', { headers: { Cookie: cookie } }),
    ctx,
  );
  if (!principal) throw new Error(`no principal for user ${userId}`);
  return principal;
}

let extra = 0;
/** `n` new active members of an organisation (signed in), so that many different people act at once. */
async function newMembers(organisationId: number, n: number): Promise<SignedIn[]> {
  const out: SignedIn[] = [];
  for (let i = 0; i < n; i++) {
    extra += 1;
    const user = await handle.db
      .insertInto('app_user')
      .values({ email: `concurrency-${extra}@example.cn`, display_name: `并发测试${extra}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    await handle.db
      .insertInto('membership')
      .values({ user_id: user.id, organisation_id: organisationId, role: 'member', status: 'active' })
      .execute();
    out.push(await principalOf(user.id));
  }
  return out;
}

async function ownerOf(organisationId: number): Promise<SignedIn> {
  const row = await handle.db
    .selectFrom('membership')
    .select('user_id')
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'owner')
    .where('status', '=', 'active')
    .orderBy('user_id')
    .executeTakeFirstOrThrow();
  return principalOf(row.user_id);
}

async function userIdOf(email: string): Promise<number> {
  const row = await handle.db
    .selectFrom('app_user')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.id;
}

/* ---------- records ---------- */

/** Two verified organisations without any interest between them, and a live listing of the first. */
async function freshPair(kind: ListingKind, skip: Set<number>) {
  const rows = await sql<{ id: number; organisation_id: number }>`
    select l.id, l.organisation_id from listing l
    join organisation o on o.id = l.organisation_id and o.verification = 'verified'
    where l.kind = ${kind} and l.status = 'published' and l.expires_at > now()
      and not exists (select 1 from interest i where i.listing_id = l.id)
    order by l.id`.execute(handle.db);
  const listing = rows.rows.find((r) => !skip.has(r.organisation_id));
  if (!listing) throw new Error(`no free live ${kind}`);
  const requester = await sql<{ id: number }>`
    select o.id from organisation o
    where o.verification = 'verified' and o.type = 'enterprise' and o.id <> ${listing.organisation_id}
      and not (o.id = any(${[...skip]}::int[]))
      and exists (select 1 from membership m where m.organisation_id = o.id and m.role = 'owner' and m.status = 'active')
    order by o.id limit 1`.execute(handle.db);
  skip.add(listing.organisation_id);
  skip.add(requester.rows[0]!.id);
  return { listingId: listing.id, listingOrg: listing.organisation_id, requesterOrg: requester.rows[0]!.id };
}

type Result = { ok: true } | { ok: false; status: number };
function tally(results: Result[]) {
  const refused = results.filter((r): r is { ok: false; status: number } => !r.ok);
  return { ok: results.length - refused.length, statuses: [...new Set(refused.map((r) => r.status))].sort() };
}

async function count(query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  const r = await query.execute(handle.db);
  return Number(r.rows[0]?.n ?? 0);
}

const used = new Set<number>();

describe('expressions of interest and their answers', () => {
  let pair: Awaited<ReturnType<typeof freshPair>>;
  let interestId: number;
  let matchId: number;
  let listingSide: SignedIn[];
  let requesterSide: SignedIn[];

  it(`${N} members of one organisation express interest in one listing at once → exactly one interest`, async () => {
    pair = await freshPair('achievement', used);
    requesterSide = [await ownerOf(pair.requesterOrg), ...(await newMembers(pair.requesterOrg, N - 1))];
    const results = await Promise.all(
      requesterSide.map((principal) =>
        expressInterest(handle.db, {
          principal,
          listingId: pair.listingId,
          organisationId: pair.requesterOrg,
          message: MESSAGE,
          ip: IP,
          responseDays: 7,
        }),
      ),
    );
    expect(tally(results)).toEqual({ ok: 1, statuses: [409] });
    if (handle.kind === 'postgres') {
      // The calls really ran side by side: the pool opened a connection for each one at the same time.
      const connections = await count(sql`select count(*)::int as n from pg_stat_activity
        where datname = current_database()`);
      expect(connections).toBeGreaterThan(N / 2);
    }
    const rows = await handle.db
      .selectFrom('interest')
      .select(['id', 'status', 'version'])
      .where('listing_id', '=', pair.listingId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', version: 1 });
    interestId = rows[0]!.id;
    // One interest → one audit row and one batch of notices (one per active member of the listing's organisation).
    expect(
      await count(sql`select count(*)::int as n from audit_log
        where action = 'interest.create' and entity_id = ${String(interestId)}`),
    ).toBe(1);
    expect(
      await count(sql`select count(*)::int as n from audit_log where action = 'interest.create'
        and at >= ${t0} and (details->>'listingId')::int = ${pair.listingId}`),
    ).toBe(1);
    const members = await count(sql`select count(*)::int as n from membership
      where organisation_id = ${pair.listingOrg} and status = 'active'`);
    expect(
      await count(sql`select count(*)::int as n from notice n join membership m on m.user_id = n.user_id
        where m.organisation_id = ${pair.listingOrg} and n.kind = 'interest.received' and n.created_at >= ${t0}`),
    ).toBe(members);
  });

  it(`${N} members of the listing's organisation accept it at once (same version) → one answer, one match`, async () => {
    listingSide = [await ownerOf(pair.listingOrg), ...(await newMembers(pair.listingOrg, N - 1))];
    const results = await Promise.all(
      listingSide.map((principal) =>
        respondToInterest(handle.db, {
          principal,
          interestId,
          version: 1,
          decision: { accept: true },
          ip: IP,
        }),
      ),
    );
    expect(tally(results)).toEqual({ ok: 1, statuses: [409] });
    const interest = await handle.db
      .selectFrom('interest')
      .select(['status', 'version'])
      .where('id', '=', interestId)
      .executeTakeFirstOrThrow();
    expect(interest).toEqual({ status: 'accepted', version: 2 });
    const matches = await handle.db
      .selectFrom('match')
      .select(['id', 'state', 'version'])
      .where('interest_id', '=', interestId)
      .execute();
    expect(matches).toEqual([{ id: expect.any(Number), state: 'accepted', version: 1 }]);
    matchId = matches[0]!.id;
    expect(await count(sql`select count(*)::int as n from match_event where match_id = ${matchId}`)).toBe(1);
  });

  it(`${N} accepts and declines of another interest at once → exactly one decision wins`, async () => {
    const other = await freshPair('demand', used);
    const requester = await ownerOf(other.requesterOrg);
    const sent = await expressInterest(handle.db, {
      principal: requester,
      listingId: other.listingId,
      organisationId: other.requesterOrg,
      message: MESSAGE,
      ip: IP,
      responseDays: 7,
    });
    if (!sent.ok) throw new Error('expressInterest failed');
    const answerers = [await ownerOf(other.listingOrg), ...(await newMembers(other.listingOrg, N - 1))];
    const results = await Promise.all(
      answerers.map((principal, i) =>
        respondToInterest(handle.db, {
          principal,
          interestId: sent.id,
          version: 1,
          decision:
            i % 2 === 0 ? { accept: true } : { accept: false, reason_code: 'not_fit', reason_text: null },
          ip: IP,
        }),
      ),
    );
    expect(tally(results)).toEqual({ ok: 1, statuses: [409] });
    const winner = results.findIndex((r) => r.ok);
    const interest = await handle.db
      .selectFrom('interest')
      .select(['status', 'version', 'decline_code'])
      .where('id', '=', sent.id)
      .executeTakeFirstOrThrow();
    expect(interest.version).toBe(2);
    expect(interest.status).toBe(winner % 2 === 0 ? 'accepted' : 'declined');
    expect(await count(sql`select count(*)::int as n from match where interest_id = ${sent.id}`)).toBe(
      winner % 2 === 0 ? 1 : 0,
    );
  });

  it(`${N} transitions of one match with the same version at once → one success, one event more`, async () => {
    const before = await handle.db
      .selectFrom('match')
      .select(['state', 'version'])
      .where('id', '=', matchId)
      .executeTakeFirstOrThrow();
    const events = await count(sql`select count(*)::int as n from match_event where match_id = ${matchId}`);
    const people = [...listingSide.slice(0, N / 2), ...requesterSide.slice(0, N / 2)];
    const acts: MatchActionInput[] = [
      { action: 'start_negotiation' },
      { action: 'decline', decline: { reason_code: 'price', reason_text: null } },
      { action: 'withdraw' },
      { action: 'start_negotiation', note: '双方约定下周面谈' },
    ];
    const results = await Promise.all(
      people.map((principal, i) =>
        actOnMatch(handle.db, {
          principal,
          matchId,
          version: before.version,
          act: acts[i % acts.length]!,
          ip: IP,
        }),
      ),
    );
    expect(tally(results)).toEqual({ ok: 1, statuses: [409] });
    const after = await handle.db
      .selectFrom('match')
      .select(['state', 'version'])
      .where('id', '=', matchId)
      .executeTakeFirstOrThrow();
    expect(after.version).toBe(before.version + 1);
    expect(await count(sql`select count(*)::int as n from match_event where match_id = ${matchId}`)).toBe(
      events + 1,
    );
    const last = await handle.db
      .selectFrom('match_event')
      .select('to_state')
      .where('match_id', '=', matchId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.to_state).toBe(after.state);
  });

  it(`${N} managers and staff assigning one open match at once → one assignment`, async () => {
    const open = await sql<{ id: number; version: number }>`
      select id, version from match where state in ('accepted', 'negotiating', 'proposed') and manager_user_id is null
      order by id limit 1`.execute(handle.db);
    const target = open.rows[0];
    if (!target) return; // the demo data may have no unassigned open match
    const staff = await principalOf(await userIdOf('admin@helin-demo.cn'));
    const managers = await handle.db
      .selectFrom('platform_role')
      .select('user_id')
      .where('role', '=', 'manager')
      .execute();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        assignManager(handle.db, {
          principal: staff,
          matchId: target.id,
          version: target.version,
          managerUserId: managers[i % managers.length]!.user_id,
          ip: IP,
        }),
      ),
    );
    expect(tally(results)).toEqual({ ok: 1, statuses: [409] });
    const after = await handle.db
      .selectFrom('match')
      .select('version')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(after.version).toBe(target.version + 1);
  });
});

describe('the supply–demand list (edition) under concurrent curation', () => {
  let editionId: number;
  let staff: SignedIn[];
  let live: number[];

  const version = async () =>
    (
      await handle.db
        .selectFrom('edition')
        .select('version')
        .where('id', '=', editionId)
        .executeTakeFirstOrThrow()
    ).version;
  const entries = () =>
    handle.db
      .selectFrom('edition_entry')
      .select(['id', 'listing_id', 'section', 'position'])
      .where('edition_id', '=', editionId)
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    staff = [
      await principalOf(await userIdOf('admin@helin-demo.cn')),
      await principalOf(await userIdOf('reviewer@helin-demo.cn')),
    ];
    const created = await createEdition(handle.db, {
      actor: { userId: staff[0]!.userId, ip: IP },
      meta: { title: '并发测试清单', year: 2099, number: 1, introduction: '' },
    });
    if (!created.ok) throw new Error('createEdition failed');
    editionId = created.id;
    const rows = await sql<{ id: number }>`
      select l.id from listing l where l.status = 'published' and l.expires_at > now()
      order by l.kind, l.id limit ${3 * N}`.execute(handle.db);
    live = rows.rows.map((r) => r.id);
  });

  it(`${N} edits of the details with the same version → one success, the version up by one`, async () => {
    const v = await version();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        updateEditionMeta(handle.db, {
          actor: { userId: staff[i % 2]!.userId, ip: IP },
          id: editionId,
          version: v,
          meta: { title: `并发测试清单（第${i}稿）`, year: 2099, number: 1, introduction: `第${i}稿的说明` },
        }),
      ),
    );
    expect(tally(results)).toEqual({ ok: 1, statuses: [409] });
    const winner = results.findIndex((r) => r.ok);
    const row = await handle.db
      .selectFrom('edition')
      .select(['title', 'introduction', 'version'])
      .where('id', '=', editionId)
      .executeTakeFirstOrThrow();
    // No mix of two drafts: title and introduction come from the same winner.
    expect(row).toEqual({
      title: `并发测试清单（第${winner}稿）`,
      introduction: `第${winner}稿的说明`,
      version: v + 1,
    });
  });

  it(`${N} additions with the same version → one success, exactly its entries (no half additions)`, async () => {
    const v = await version();
    const batches = Array.from({ length: N }, (_, i) => [live[2 * i]!, live[2 * i + 1]!]);
    const results = await Promise.all(
      batches.map((listingIds, i) =>
        addEntries(handle.db, {
          actor: { userId: staff[i % 2]!.userId, ip: IP },
          id: editionId,
          version: v,
          listingIds,
        }),
      ),
    );
    expect(tally(results)).toEqual({ ok: 1, statuses: [409] });
    const winner = results.findIndex((r) => r.ok);
    expect((await entries()).map((x) => x.listing_id).sort()).toEqual([...batches[winner]!].sort());
    expect(await version()).toBe(v + 1);
  });

  it(`${N} additions that retry on a stale version → all land, no lost update, positions without gaps`, async () => {
    const v = await version();
    const already = new Set((await entries()).map((x) => x.listing_id));
    const wanted = live.filter((id) => !already.has(id)).slice(0, N);
    await Promise.all(
      wanted.map(async (listingId, i) => {
        for (let attempt = 0; attempt < 200; attempt++) {
          const r = await addEntries(handle.db, {
            actor: { userId: staff[i % 2]!.userId, ip: IP },
            id: editionId,
            version: await version(),
            listingIds: [listingId],
          });
          if (r.ok) return;
          expect(r.status).toBe(409);
        }
        throw new Error(`listing ${listingId} never added`);
      }),
    );
    const rows = await entries();
    expect(
      rows
        .map((x) => x.listing_id)
        .filter((id) => wanted.includes(id))
        .sort(),
    ).toEqual([...wanted].sort());
    expect(await version()).toBe(v + N);
    for (const section of ['demand', 'supply'] as const) {
      const positions = rows
        .filter((x) => x.section === section)
        .map((x) => x.position)
        .sort((a, b) => a - b);
      expect(positions).toEqual(positions.map((_, i) => i + 1));
    }
  });

  it(`${N} moves and removals with the same version → one success`, async () => {
    const v = await version();
    const rows = await entries();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => {
        const actor = { userId: staff[i % 2]!.userId, ip: IP };
        const entryId = rows[i % rows.length]!.id;
        return i % 2 === 0
          ? moveEntry(handle.db, { actor, id: editionId, version: v, entryId, direction: 'up' })
          : removeEntry(handle.db, { actor, id: editionId, version: v, entryId });
      }),
    );
    expect(tally(results)).toEqual({ ok: 1, statuses: [409] });
    expect(await version()).toBe(v + 1);
    // Every success wrote exactly one audit row: the version counts the changes since creation.
    expect(
      await count(sql`select count(*)::int as n from audit_log where entity_type = 'edition'
        and entity_id = ${String(editionId)} and action <> 'edition.create'`),
    ).toBe((await version()) - 1);
  });
});

describe('listing edits', () => {
  let owner: SignedIn;
  let listingId: number;

  const form = (title: string) => {
    const r = parseListingForm(
      'demand',
      {
        title,
        summary: '常温酸奶在货架期内后酸化明显，需要控制工艺。',
        fieldCodes: ['dairy'],
        region: '和林格尔县',
        confidentiality: 'public',
        indicators: '货架期内pH下降不超过0.2，酸度增幅≤10°T',
        demand_type: 'process',
        cooperation_modes: ['joint_development'],
      },
      '2026-01-01',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.fieldErrors));
    return r.data;
  };

  beforeAll(async () => {
    owner = await principalOf(await userIdOf('owner-chilechuan-dairy@helin-demo.cn'));
    const created = await createListing(handle.db, {
      principal: owner,
      organisationId: owner.memberships[0]!.organisationId,
      listing: form('并发编辑的技术需求'),
      ip: IP,
    });
    if (!created.ok) throw new Error('createListing failed');
    listingId = created.id;
  });

  it(`${N} edits with the same version → one success, the version up by one, one event`, async () => {
    const members = [owner, ...(await newMembers(owner.memberships[0]!.organisationId, N - 1))];
    const before = await handle.db
      .selectFrom('listing')
      .select('version')
      .where('id', '=', listingId)
      .executeTakeFirstOrThrow();
    const results = await Promise.all(
      members.map((principal, i) =>
        updateListing(handle.db, {
          principal,
          id: listingId,
          version: before.version,
          listing: form(`并发编辑的技术需求第${i}稿`),
          ip: IP,
        }),
      ),
    );
    expect(tally(results)).toEqual({ ok: 1, statuses: [409] });
    const winner = results.findIndex((r) => r.ok);
    const after = await handle.db
      .selectFrom('listing')
      .select(['title', 'version'])
      .where('id', '=', listingId)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ title: `并发编辑的技术需求第${winner}稿`, version: before.version + 1 });
    expect(
      await count(
        sql`select count(*)::int as n from listing_event where listing_id = ${listingId} and type = 'edited'`,
      ),
    ).toBe(1);
  });

  it(`${N} submissions of the same draft at once → one submission`, async () => {
    const results = await Promise.all(
      Array.from({ length: N }, () =>
        transitionListing(handle.db, {
          principal: owner,
          id: listingId,
          action: 'submit',
          ip: IP,
          ttlDays: 180,
        }),
      ),
    );
    expect(tally(results)).toEqual({ ok: 1, statuses: [409] });
    expect(
      await count(
        sql`select count(*)::int as n from listing_event where listing_id = ${listingId} and type = 'submitted'`,
      ),
    ).toBe(1);
    const row = await handle.db
      .selectFrom('listing')
      .select(['status', 'version'])
      .where('id', '=', listingId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('submitted');
    // created (1) → edited (2) → submitted (3): one version per change.
    expect(row.version).toBe(3);
  });
});

describe('invariants over the whole database afterwards (SQL)', () => {
  it('no two live interests of one organisation in one listing', async () => {
    const r = await sql`select listing_id, requester_org_id from interest where status <> 'withdrawn'
      group by 1, 2 having count(*) > 1`.execute(handle.db);
    expect(r.rows).toEqual([]);
  });

  it("every match's state is the to_state of its last event, and its version counts its events", async () => {
    const r = await sql<{ id: number; state: string; last: string | null; version: number; events: number }>`
      select m.id, m.state, m.version,
        (select e.to_state from match_event e where e.match_id = m.id order by e.id desc limit 1) as last,
        (select count(*)::int from match_event e where e.match_id = m.id) as events
      from match m`.execute(handle.db);
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.rows.filter((m) => m.last !== m.state)).toEqual([]);
    expect(r.rows.filter((m) => m.version !== m.events)).toEqual([]);
  });

  it('an answered interest has one answer (version 2), a pending one none, and an accepted one its match', async () => {
    const r = await sql`select i.id, i.status, i.version from interest i
      where (i.status = 'pending' and i.version <> 1) or (i.status <> 'pending' and i.version <> 2)
        or (i.status = 'accepted' and (select count(*) from match x where x.interest_id = i.id) <> 1)
        or (i.status <> 'accepted' and exists (select 1 from match x where x.interest_id = i.id))`.execute(
      handle.db,
    );
    expect(r.rows).toEqual([]);
  });

  it('edition entries: positions unique per edition and section, a listing once per edition', async () => {
    const positions = await sql`select edition_id, section, position from edition_entry
      group by 1, 2, 3 having count(*) > 1`.execute(handle.db);
    expect(positions.rows).toEqual([]);
    const listings = await sql`select edition_id, listing_id from edition_entry
      group by 1, 2 having count(*) > 1`.execute(handle.db);
    expect(listings.rows).toEqual([]);
  });

  it('every listing changed here has one event per version step', async () => {
    const r = await sql<{ id: number; version: number; events: number }>`
      select l.id, l.version, (select count(*)::int from listing_event e where e.listing_id = l.id) as events
      from listing l where l.created_at >= ${t0}`.execute(handle.db);
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.rows.filter((l) => l.version !== l.events)).toEqual([]);
  });
});
