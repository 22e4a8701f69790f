/**
 * What the fuzzer knows about the seeded database: the demo people of the authorisation matrix, people on
 * matches and interests, and pools of real ids (listings, matches, editions, notices, tokens …) so that plausible
 * inputs reach the code behind the permission checks. Also `heal`: after an input that succeeded (and may have
 * disabled a demo account, changed its password, removed a membership or rejected an organisation), the demo
 * people are put back so later inputs still act as them.
 */
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { storeAttachment } from '../../app/features/attachments/attachments.server.ts';
import { parseListingForm } from '../../app/features/listings/form.ts';
import { createListing, transitionListing } from '../../app/features/listings/manage.server.ts';
import type { AppContext } from '../../app/server/context.ts';
import type { Database } from '../../db/schema.ts';
import { ROLE_EMAIL, type Role } from '../e2e/authorization-matrix.ts';
import { signInAs } from '../support/people.ts';

export interface World {
  /** User id per role of the matrix (anonymous: null). */
  role: Record<Role, number | null>;
  /** People acting on matches (need / offer members, managers) and on interests (listing owners, requesters). */
  matchPeople: number[];
  interestPeople: number[];
  orgA: number;
  orgB: number;
  pendingOrg: number;
  listings: { all: number[]; live: number[]; ofA: number[]; notLive: number[] };
  matches: number[];
  interests: number[];
  editions: { draft: number[]; published: number[]; all: number[] };
  editionPaths: { year: string; number: string }[];
  entries: number[];
  users: number[];
  membersOfA: number[];
  invitations: number[];
  notices: string[];
  attachments: number[];
  /** [listing id, attachment id] of existing attachments. */
  attachmentOf: [number, number][];
  unsubscribeTokens: string[];
  managers: number[];
}

async function ids(db: Kysely<Database>, query: string): Promise<number[]> {
  const r = await sql<{ id: number }>`${sql.raw(query)}`.execute(db);
  return r.rows.map((x) => Number(x.id));
}

/**
 * Listings of organisation A (the matrix's memberA / ownerA), which the demo data leaves without any: a draft,
 * a submitted one and a published one with a PDF attachment, made through the real use cases.
 */
export async function addListingsOfA(ctx: AppContext): Promise<void> {
  const owner = await signInAs(ctx, ROLE_EMAIL.ownerA);
  const reviewer = await signInAs(ctx, ROLE_EMAIL.reviewer);
  const orgId = owner.memberships[0]!.organisationId;
  const form = parseListingForm(
    'demand',
    {
      title: '发酵乳后酸化控制工艺攻关',
      summary: '常温酸奶在货架期内后酸化明显，需要控制工艺。',
      fieldCodes: ['dairy'],
      region: '和林格尔县',
      confidentiality: 'public',
      indicators: '货架期内pH下降不超过0.2，酸度增幅≤10°T',
      demand_type: 'process',
      cooperation_modes: ['joint_development'],
      budget_min_wan: '30',
      budget_max_wan: '80',
    },
    '2026-01-01',
  );
  if (!form.ok) throw new Error(JSON.stringify(form.fieldErrors));
  const common = { ip: '203.0.113.9', ttlDays: 180 };
  for (const target of ['draft', 'submitted', 'published'] as const) {
    const created = await createListing(ctx.db, {
      principal: owner,
      organisationId: orgId,
      listing: form.data,
      ip: common.ip,
    });
    if (!created.ok) throw new Error('createListing failed');
    if (target === 'draft') continue;
    await transitionListing(ctx.db, { ...common, principal: owner, id: created.id, action: 'submit' });
    if (target === 'submitted') continue;
    await transitionListing(ctx.db, { ...common, principal: reviewer, id: created.id, action: 'approve' });
    const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    await storeAttachment(ctx.db, {
      dataDir: ctx.config.DATA_DIR,
      listingId: created.id,
      uploadedBy: owner.userId,
      name: '技术说明.pdf',
      bytes: pdf,
    });
  }
}

export async function buildWorld(db: Kysely<Database>): Promise<World> {
  const emails = Object.values(ROLE_EMAIL);
  const people = await db
    .selectFrom('app_user')
    .select(['id', 'email'])
    .where('email', 'in', emails)
    .execute();
  const byEmail = new Map(people.map((p) => [p.email, p.id]));
  const role = { anonymous: null } as Record<Role, number | null>;
  for (const [r, email] of Object.entries(ROLE_EMAIL)) role[r as Role] = byEmail.get(email) ?? null;
  const orgOf = async (userId: number | null) =>
    (
      await db
        .selectFrom('membership')
        .select('organisation_id')
        .where('user_id', '=', userId ?? -1)
        .where('status', '=', 'active')
        .executeTakeFirst()
    )?.organisation_id ?? 0;
  const orgA = await orgOf(role.ownerA);
  const orgB = await orgOf(role.ownerB);
  const pendingOrg = await orgOf(role.pendingOwner);
  const live = `status = 'published' and expires_at > now()`;
  const editions = await db.selectFrom('edition').select(['id', 'status', 'year', 'number']).execute();
  const notices = await sql<{
    id: string;
  }>`select id::text as id from notice order by id desc limit 40`.execute(db);
  const tokens = await db.selectFrom('subscription').select('unsubscribe_token').limit(20).execute();
  return {
    role,
    matchPeople: await ids(
      db,
      `select distinct id from (
         select manager_user_id as id from match where manager_user_id is not null
         union select m2.user_id from match x join membership m2 on m2.organisation_id in (x.need_org_id, x.offer_org_id)
           where m2.status = 'active') s order by id limit 30`,
    ),
    interestPeople: await ids(
      db,
      `select distinct id from (
         select i.requester_user_id as id from interest i
         union select m.user_id from interest i join listing l on l.id = i.listing_id
           join membership m on m.organisation_id = l.organisation_id where m.status = 'active') s order by id limit 30`,
    ),
    orgA,
    orgB,
    pendingOrg,
    listings: {
      all: await ids(db, 'select id from listing order by id'),
      live: await ids(db, `select id from listing where ${live} order by id`),
      ofA: await ids(db, `select id from listing where organisation_id = ${orgA} order by id`),
      notLive: await ids(db, `select id from listing where not (${live}) order by id`),
    },
    matches: await ids(db, 'select id from match order by id'),
    interests: await ids(db, 'select id from interest order by id'),
    editions: {
      draft: editions.filter((e) => e.status === 'draft').map((e) => e.id),
      published: editions.filter((e) => e.status === 'published').map((e) => e.id),
      all: editions.map((e) => e.id),
    },
    editionPaths: editions
      .filter((e) => e.status === 'published')
      .map((e) => ({ year: String(e.year), number: String(e.number) })),
    entries: await ids(db, 'select id from edition_entry order by id limit 60'),
    users: await ids(db, 'select id from app_user order by id'),
    membersOfA: await ids(db, `select user_id as id from membership where organisation_id = ${orgA}`),
    invitations: await ids(db, 'select id from invitation order by id limit 20'),
    notices: notices.rows.map((n) => n.id),
    attachments: await ids(db, 'select id from attachment order by id limit 20'),
    attachmentOf: (await db.selectFrom('attachment').select(['listing_id', 'id']).limit(20).execute()).map(
      (a): [number, number] => [a.listing_id, a.id],
    ),
    unsubscribeTokens: tokens.map((t) => t.unsubscribe_token),
    managers: await ids(db, `select user_id as id from platform_role where role = 'manager'`),
  };
}

/** Integers at the edges of what a database integer column holds, and numbers that are not quite integers. */
export const EDGE_NUMBERS = [
  '0',
  '-1',
  '2147483647',
  '2147483648',
  '9223372036854775808',
  '1e3',
  '1.0',
  '1.5',
  '0x10',
];

/** A real id from the pool (as a string), a small integer that may or may not name something, or an edge. */
export function idFrom(pool: readonly (number | string)[]): fc.Arbitrary<string> {
  const small = fc.integer({ min: 1, max: 3000 }).map(String);
  const edge = fc.constantFrom(...EDGE_NUMBERS);
  if (pool.length === 0) return fc.oneof({ arbitrary: small, weight: 3 }, { arbitrary: edge, weight: 1 });
  return fc.oneof(
    { arbitrary: fc.constantFrom(...pool).map(String), weight: 8 },
    { arbitrary: small, weight: 2 },
    { arbitrary: edge, weight: 1 },
  );
}

/** Who posts: mostly the given people, sometimes anyone of the matrix or nobody (anonymous). */
export function actorFrom(world: World, preferred: readonly (number | null)[]): fc.Arbitrary<number | null> {
  const everyone = Object.values(world.role);
  const pool = preferred.length > 0 ? preferred : everyone;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...pool), weight: 6 },
    { arbitrary: fc.constantFrom(...everyone), weight: 1 },
  );
}

/* ---------- healing the demo people ---------- */

interface Snapshot {
  users: { id: number; status: string; password_hash: string }[];
  memberships: { user_id: number; organisation_id: number; status: string; role: string }[];
  orgs: { id: number; verification: string }[];
}

/** The state of the matrix's people that inputs may change. */
export async function snapshotPeople(db: Kysely<Database>, world: World): Promise<Snapshot> {
  const userIds = Object.values(world.role).filter((x): x is number => x !== null);
  const users = await db
    .selectFrom('app_user')
    .select(['id', 'status', 'password_hash'])
    .where('id', 'in', userIds)
    .execute();
  const memberships = await db
    .selectFrom('membership')
    .select(['user_id', 'status', 'role', 'organisation_id'])
    .where('user_id', 'in', userIds)
    .execute();
  const orgIds = [...new Set(memberships.map((m) => m.organisation_id))];
  const orgs = await db
    .selectFrom('organisation')
    .select(['id', 'verification'])
    .where('id', 'in', orgIds)
    .execute();
  return {
    users: users.map((u) => ({ id: u.id, status: u.status, password_hash: u.password_hash ?? '' })),
    memberships,
    orgs: orgs.map((o) => ({ id: o.id, verification: o.verification })),
  };
}

/** Puts the demo people back as they were (only rows that differ are written). */
export async function heal(db: Kysely<Database>, snap: Snapshot): Promise<void> {
  for (const u of snap.users) {
    await db
      .updateTable('app_user')
      .set({ status: u.status as never, password_hash: u.password_hash })
      .where('id', '=', u.id)
      .where((eb) =>
        eb.or([eb('status', '!=', u.status as never), eb('password_hash', '!=', u.password_hash)]),
      )
      .execute();
  }
  for (const m of snap.memberships) {
    // A removed membership comes back; a changed one is reset.
    await db
      .insertInto('membership')
      .values({
        user_id: m.user_id,
        organisation_id: m.organisation_id,
        role: m.role as never,
        status: m.status as never,
      })
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'organisation_id'])
          .doUpdateSet({ role: m.role as never, status: m.status as never })
          .where((eb) =>
            eb.or([
              eb('membership.role', '!=', m.role as never),
              eb('membership.status', '!=', m.status as never),
            ]),
          ),
      )
      .execute();
  }
  for (const o of snap.orgs) {
    await db
      .updateTable('organisation')
      .set({ verification: o.verification as never })
      .where('id', '=', o.id)
      .where('verification', '!=', o.verification as never)
      .execute();
  }
}
