/**
 * The fuzzed forms: one entry per route module that exports an `action` (tests/fuzz/actions.test.ts fails when
 * a route with an action has no entry here). Field names and plausible values come from the forms and their zod
 * schemas (app/features/**\/rules.ts, form.ts, interest-rules.ts, match-routes.server.ts …); `harness.formPairs`
 * mixes them with hostile values, drops and repeats them and adds unknown keys.
 */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { COOPERATION_MODES, TRANSFER_MODES } from '../../app/features/listings/form.ts';
import { MATCH_ACTIONS } from '../../app/features/matching/match-state.ts';
import { NOTIFICATION_KINDS } from '../../app/features/notifications/kinds.ts';
import { REGIONS, usccCheckCharacter } from '../../app/features/orgs/rules.ts';
import {
  ACHIEVEMENT_TYPES,
  ACTIVITY_KINDS,
  CHAIN_ACTIONS,
  CONFIDENTIALITIES,
  CONTRACT_TYPES,
  type Database,
  DECLINE_REASONS,
  DEMAND_TYPES,
  LISTING_KINDS,
  MEMBERSHIP_ROLES,
  MKJ_SYNC_ENTITIES,
  ORGANISATION_TYPES,
  SCENARIO_TYPES,
} from '../../db/schema.ts';
import { DEMO_PASSWORD } from '../../db/seed/data/people.ts';
import { type FieldSpec, isoDate, numeric, text } from './harness.ts';
import { EDGE_NUMBERS, idFrom, type World } from './world.ts';

/** A form value replaced at request time by the record's current version (optimistic concurrency). */
export const CURRENT_VERSION = '@version';
/** A form value replaced at request time by a verified organisation of the person posting. */
export const MY_ORG = '@myorg';

export interface ActionSpec {
  /** Who posts (user ids; null = anonymous): the people who can get past the permission check. */
  actors: (w: World) => (number | null)[];
  params?: (w: World) => Record<string, fc.Arbitrary<string>>;
  /** Query-string pairs of the POST's URL (e.g. ?kind= of /my/listings/new). */
  query?: (w: World) => fc.Arbitrary<[string, string][]>;
  fields: (w: World) => FieldSpec;
  /** Complete, consistent forms (fields that must agree: password and its confirmation, e-mail and password). */
  valid?: (w: World) => fc.Arbitrary<[string, string][]>;
  /** Fields that take several values (checkbox groups). */
  repeat?: readonly string[];
  /** The route parses multipart uploads: sometimes add a file part, named like one of these. */
  upload?: readonly string[];
  /** The people who may act on the record the input names (a match's sides, an interest's two organisations). */
  participants?: (
    db: Kysely<Database>,
    params: Record<string, string>,
    values: Map<string, string>,
  ) => Promise<number[]>;
  /** The current version of the record the input names (for CURRENT_VERSION). */
  version?: (
    db: Kysely<Database>,
    params: Record<string, string>,
    values: Map<string, string>,
  ) => Promise<number | null>;
}

const oneOf = <T extends string>(values: readonly T[]) => fc.constantFrom(...values);
const version = fc.oneof(
  { arbitrary: fc.constant(CURRENT_VERSION), weight: 8 },
  { arbitrary: fc.integer({ min: 0, max: 5 }).map(String), weight: 2 },
  { arbitrary: fc.constantFrom(...EDGE_NUMBERS), weight: 1 },
);
const password = fc.oneof(
  { arbitrary: fc.constantFrom(DEMO_PASSWORD, 'Helin-Neu-Passwort-2026'), weight: 4 },
  fc.string({ minLength: 8, maxLength: 20 }),
);
const email = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom('member-chilechuan-dairy@helin-demo.cn', 'admin@helin-demo.cn', 'NEW.Person@Example.CN '),
  fc.stringMatching(/^[a-z]{3,10}$/).map((n) => `${n}@fuzz.example.cn`),
);
const phone = fc.oneof(
  fc.constantFrom('', '13800138000', '0471-6600123', '19912345678'),
  fc.stringMatching(/^1[3-9]\d{9}$/),
);
/** 统一社会信用代码: mostly valid (check character computed), sometimes a near miss or an existing one. */
const uscc = fc.oneof(
  {
    arbitrary: fc
      .stringMatching(/^9115[0-9]{6}[0-9A-HJ-NPQRTUWXY]{7}$/)
      .map((c) => c + usccCheckCharacter(c)),
    weight: 3,
  },
  fc.constantFrom('91150123MA0N0X1234', '911501237014645981'),
  fc.stringMatching(/^[0-9A-HJ-NPQRTUWXY]{18}$/),
);
const myOrg = (others: number[]) => fc.oneof({ arbitrary: fc.constant(MY_ORG), weight: 4 }, idFrom(others));
const demoOrLong = (min: number, max: number) =>
  fc.oneof({ arbitrary: text(min, max), weight: 4 }, text(max, max + 5));
const listingFields = (w: World): FieldSpec => ({
  title: demoOrLong(4, 120),
  summary: demoOrLong(10, 600),
  detail: text(0, 300),
  fieldCodes: fc.constantFrom(
    'dairy',
    'new-energy',
    'ai-computing',
    'low-altitude',
    'zz-no-such-field',
    'materials',
  ),
  keywords: fc.array(text(1, 10), { maxLength: 10 }).map((k) => k.join('、')),
  region: oneOf(REGIONS),
  confidentiality: oneOf(CONFIDENTIALITIES),
  indicators: demoOrLong(10, 200),
  contact_name: text(0, 10),
  contact_phone: phone,
  contact_email: fc.oneof(fc.constant(''), email),
  demand_type: oneOf(DEMAND_TYPES),
  cooperation_modes: oneOf(COOPERATION_MODES),
  budget_min_wan: numeric(0, 500),
  budget_max_wan: numeric(0, 1000),
  deadline: fc.oneof(fc.constant(''), isoDate),
  ip_expectation: text(0, 20),
  achievement_type: oneOf(ACHIEVEMENT_TYPES),
  innovation_points: text(0, 30),
  patent_numbers: fc.constantFrom('', 'ZL202310000001.X', 'ZL1、ZL2'),
  trl: numeric(0, 10),
  transfer_modes: oneOf(TRANSFER_MODES),
  price_wan: fc.oneof(fc.constant(''), numeric(0, 5000)),
  price_negotiable: fc.constantFrom('on', '1', 'true', ''),
  team: text(0, 30),
  advantages: text(0, 30),
  scenario_type: oneOf(SCENARIO_TYPES),
  issuing_unit: text(2, 20),
  location: text(0, 20),
  expected_tech: text(0, 40),
  investment_wan: fc.oneof(fc.constant(''), numeric(0, 10000)),
  first_trial: fc.constantFrom('on', ''),
  period_start: fc.oneof(fc.constant(''), isoDate),
  period_end: fc.oneof(fc.constant(''), isoDate),
  organisationId: myOrg([w.orgA, w.orgB]),
});
const LISTING_REPEAT = ['fieldCodes', 'cooperation_modes', 'transfer_modes', 'innovation_points'] as const;
const signedIn = (w: World) => Object.values(w.role).filter((x) => x !== null);
const staff = (w: World) => [w.role.reviewer, w.role.admin];
const posters = (w: World) => [w.role.memberA, w.role.ownerA, w.role.ownerB, w.role.manager, w.role.admin];

const editionMeta = {
  title: demoOrLong(1, 100),
  year: numeric(1999, 2101),
  number: numeric(0, 1000),
  period_start: fc.oneof(fc.constant(''), isoDate),
  period_end: fc.oneof(fc.constant(''), isoDate),
  introduction: text(0, 100),
};

async function versionOf(
  db: Kysely<Database>,
  table: 'edition' | 'match' | 'interest' | 'listing',
  raw: string | undefined,
): Promise<number | null> {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) return null;
  const row = await db.selectFrom(table).select('version').where('id', '=', id).executeTakeFirst();
  return row?.version ?? null;
}

export const ACTION_SPECS: Record<string, ActionSpec> = {
  'account._index': {
    actors: signedIn,
    fields: () => ({ intent: fc.constantFrom('list-subscribe', 'list-unsubscribe') }),
  },
  'account.notices': {
    actors: signedIn,
    fields: (w) => ({ intent: fc.constantFrom('read', 'read-all'), id: idFrom(w.notices) }),
  },
  'account.notifications': {
    actors: signedIn,
    fields: () => ({ intent: fc.constant('save'), mail: oneOf(NOTIFICATION_KINDS) }),
    repeat: ['mail'],
  },
  'account.password': {
    actors: signedIn,
    valid: () =>
      fc
        .tuple(
          fc.constantFrom(DEMO_PASSWORD, 'not-the-password'),
          fc.constantFrom('Helin-Neu-Passwort-2026', '短'),
        )
        .map(([current, next]): [string, string][] => [
          ['currentPassword', current],
          ['password', next],
          ['passwordConfirm', next],
        ]),
    fields: () => ({ currentPassword: password, password, passwordConfirm: password }),
  },
  'account.sessions': { actors: signedIn, fields: () => ({}) },
  'bureau.editions._index': { actors: staff, fields: () => editionMeta },
  'bureau.editions.$id._index': {
    actors: staff,
    params: (w) => ({ id: idFrom(w.editions.all) }),
    fields: (w) => ({
      intent: fc.constantFrom(
        'meta',
        'add',
        'remove',
        'move',
        'entry',
        'publish',
        'schedule',
        'unschedule',
        'erratum',
      ),
      version,
      ...editionMeta,
      listing: idFrom(w.listings.live),
      entry: idFrom(w.entries),
      direction: fc.constantFrom('up', 'down'),
      note: demoOrLong(0, 300),
      chain_action: oneOf(CHAIN_ACTIONS),
      scheduled_at: fc.constantFrom(
        '2030-01-01T09:00',
        '2026-12-01 09:00',
        '2020-01-01T09:00',
        '2026-12-01T9:00',
      ),
      body: demoOrLong(1, 2000),
    }),
    repeat: ['listing'],
    version: (db, params) => versionOf(db, 'edition', params.id),
  },
  'bureau.mkj._index': {
    actors: staff,
    fields: () => ({
      intent: fc.constant('apply'),
      importId: fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_-]{32}\.(csv|xlsx|json)$/),
        fc.constant('../../etc/passwd'),
      ),
      sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
      fingerprint: fc.stringMatching(/^[0-9a-f]{64}$/),
      name: text(1, 20),
    }),
    upload: ['organisations.csv', 'listings.xlsx', 'export.json', 'a.txt', 'x.csv.exe'],
  },
  'bureau.mkj.sync': {
    actors: staff,
    fields: (w) => ({
      intent: fc.constantFrom('retry', 'retry-all'),
      type: oneOf(MKJ_SYNC_ENTITIES),
      id: idFrom(w.listings.all),
    }),
  },
  'bureau.organisations.$id': {
    actors: staff,
    params: (w) => ({ id: idFrom([w.pendingOrg, w.orgA, w.orgB]) }),
    fields: () => ({ decision: fc.constantFrom('verified', 'rejected'), reason: demoOrLong(0, 500) }),
  },
  'bureau.review.$id': {
    actors: staff,
    params: (w) => ({ id: idFrom([...w.listings.notLive, ...w.listings.live.slice(0, 10)]) }),
    fields: () => ({ intent: fc.constantFrom('approve', 'reject'), reason: demoOrLong(0, 500) }),
  },
  'bureau.users': {
    actors: (w) => [w.role.admin],
    fields: (w) => ({
      userId: idFrom(w.users),
      intent: fc.constantFrom('end-sessions', 'disable', 'enable'),
    }),
  },
  'invitations.$token': {
    actors: signedIn,
    params: () => ({ token: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.string()) }),
    fields: () => ({}),
  },
  'listings.$id': {
    actors: (w) => [...posters(w), ...w.interestPeople.slice(0, 6)],
    params: (w) => ({ id: idFrom([...w.listings.live, ...w.listings.notLive]) }),
    fields: (w) => ({ message: demoOrLong(10, 1000), organisation: myOrg([w.orgA, w.orgB, w.pendingOrg]) }),
  },
  'lists.subscribe._index': { actors: (w) => [null, w.role.memberA], fields: () => ({ email }) },
  'lists.subscribe.confirm.$token': {
    actors: () => [null],
    params: () => ({ token: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.string()) }),
    fields: () => ({}),
  },
  'lists.unsubscribe.$token': {
    actors: () => [null],
    params: (w) => ({
      token: fc.oneof(idFrom(w.unsubscribeTokens), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.string()),
    }),
    fields: () => ({}),
  },
  login: {
    actors: () => [null],
    valid: () =>
      fc
        .tuple(
          fc.constantFrom(
            'member-chilechuan-dairy@helin-demo.cn',
            'manager2@helin-demo.cn',
            'owner-xinmu-feed@helin-demo.cn',
          ),
          fc.constantFrom(DEMO_PASSWORD, 'wrong-password-2026'),
          fc.constantFrom('/account', '/my/listings', '//evil.example'),
        )
        .map(([e, p, r]): [string, string][] => [
          ['email', e],
          ['password', p],
          ['redirectTo', r],
        ]),
    fields: () => ({
      email,
      password,
      redirectTo: fc.constantFrom(
        '/account',
        '/my/listings',
        '//evil.example',
        'https://evil.example',
        '/\\x',
      ),
    }),
  },
  logout: { actors: signedIn, fields: () => ({}) },
  'manager._index': {
    actors: (w) => [w.role.manager, w.role.reviewer, w.role.admin, ...w.managers.slice(0, 3)],
    fields: (w) => ({
      need: idFrom(w.listings.live),
      offer: idFrom(w.listings.live),
      note: demoOrLong(0, 1000),
    }),
  },
  'matches.$id': {
    actors: (w) => [...w.matchPeople, w.role.manager, w.role.admin],
    params: (w) => ({ id: idFrom(w.matches) }),
    fields: (w) => ({
      intent: fc.constantFrom(...MATCH_ACTIONS, 'take', 'assign', 'activity'),
      version,
      note: demoOrLong(0, 1000),
      manager: idFrom(w.managers),
      kind: oneOf(ACTIVITY_KINDS),
      minutes: numeric(-1, 1441),
      occurred_on: isoDate,
      reason_code: oneOf(DECLINE_REASONS),
      reason_text: demoOrLong(0, 500),
      contract_type: oneOf(CONTRACT_TYPES),
      amount_wan: numeric(-1, 1_000_001),
      signed_on: isoDate,
      registration_no: fc.oneof(fc.stringMatching(/^20\d{2}150123\d{6}$/), fc.string({ maxLength: 20 })),
      certified_amount_wan: numeric(-1, 1_000_001),
      registered_on: isoDate,
      office: text(0, 70),
    }),
    participants: async (db, params) => {
      const id = Number(params.id);
      if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) return [];
      const rows = await db
        .selectFrom('match as x')
        .innerJoin('membership as m', (j) =>
          j.on((eb) =>
            eb.or([
              eb('m.organisation_id', '=', eb.ref('x.need_org_id')),
              eb('m.organisation_id', '=', eb.ref('x.offer_org_id')),
            ]),
          ),
        )
        .select('m.user_id')
        .where('x.id', '=', id)
        .where('m.status', '=', 'active')
        .execute();
      const manager = await db
        .selectFrom('match')
        .select('manager_user_id')
        .where('id', '=', id)
        .executeTakeFirst();
      return [...rows.map((r) => r.user_id), ...(manager?.manager_user_id ? [manager.manager_user_id] : [])];
    },
    version: (db, params) => versionOf(db, 'match', params.id),
  },
  'my.interests': {
    actors: (w) => w.interestPeople,
    fields: (w) => ({
      intent: fc.constantFrom('accept', 'decline', 'withdraw'),
      id: idFrom(w.interests),
      version,
      reason_code: oneOf(DECLINE_REASONS),
      reason_text: demoOrLong(0, 500),
    }),
    participants: async (db, _params, values) => {
      const id = Number(values.get('id'));
      if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) return [];
      const row = await db
        .selectFrom('interest as i')
        .innerJoin('listing as l', 'l.id', 'i.listing_id')
        .select(['i.requester_user_id', 'i.requester_org_id', 'l.organisation_id'])
        .where('i.id', '=', id)
        .executeTakeFirst();
      if (!row) return [];
      const members = await db
        .selectFrom('membership')
        .select('user_id')
        .where('organisation_id', 'in', [row.requester_org_id, row.organisation_id])
        .where('status', '=', 'active')
        .execute();
      return [row.requester_user_id, ...members.map((m) => m.user_id)];
    },
    version: (db, _params, values) => versionOf(db, 'interest', values.get('id')),
  },
  'my.listings.$id': {
    actors: (w) => [w.role.memberA, w.role.ownerA, w.role.ownerB],
    params: (w) => ({ id: idFrom(w.listings.ofA) }),
    fields: (w) => ({
      intent: fc.constantFrom('save', 'delete-draft', 'delete-attachment', 'submit', 'renew', 'withdraw'),
      version,
      attachmentId: idFrom(w.attachments),
      ...listingFields(w),
    }),
    repeat: LISTING_REPEAT,
    upload: ['技术说明.pdf', 'photo.png', 'a.exe', '.pdf'],
    version: (db, params) => versionOf(db, 'listing', params.id),
  },
  'my.listings._index': {
    actors: posters,
    fields: (w) => ({ intent: fc.constantFrom('submit', 'renew', 'withdraw'), id: idFrom(w.listings.ofA) }),
  },
  'my.listings.new': {
    actors: posters,
    query: () =>
      fc.oneof(
        { arbitrary: oneOf(LISTING_KINDS).map((k): [string, string][] => [['kind', k]]), weight: 6 },
        fc.constant<[string, string][]>([]),
        fc.string().map((k): [string, string][] => [['kind', k]]),
      ),
    fields: listingFields,
    repeat: LISTING_REPEAT,
  },
  'orgs.$id.settings': {
    actors: (w) => [w.role.ownerA, w.role.ownerA, w.role.ownerA, w.role.memberA, w.role.ownerB],
    params: (w) => ({ id: idFrom([w.orgA, w.orgB]) }),
    fields: (w) => ({
      intent: fc.constantFrom('approve', 'decline', 'remove', 'role', 'invite', 'revoke-invitation'),
      userId: idFrom(w.membersOfA),
      role: oneOf(MEMBERSHIP_ROLES),
      email,
      invitationId: idFrom(w.invitations),
    }),
  },
  register: {
    actors: () => [null],
    valid: () =>
      fc
        .record({
          mode: fc.constantFrom('new', 'join'),
          name: text(2, 30),
          type: oneOf(ORGANISATION_TYPES),
          uscc,
          region: oneOf(REGIONS),
          displayName: text(1, 20),
          email: fc.oneof(
            fc.stringMatching(/^[a-z]{3,12}$/).map((n) => `${n}@fuzz.example.cn`),
            fc.constant('admin@helin-demo.cn'),
          ),
          phone,
        })
        .map((r): [string, string][] => [
          ['mode', r.mode],
          ['organisationName', r.name],
          ['organisationType', r.type],
          ['uscc', r.uscc],
          ['region', r.region],
          ['displayName', r.displayName],
          ['email', r.email],
          ['phone', r.phone],
          ['password', 'Helin-Neu-Passwort-2026'],
          ['passwordConfirm', 'Helin-Neu-Passwort-2026'],
        ]),
    fields: () => ({
      mode: fc.constantFrom('new', 'join'),
      organisationName: demoOrLong(2, 100),
      organisationType: oneOf(ORGANISATION_TYPES),
      uscc,
      region: fc.oneof(oneOf(REGIONS), text(0, 45)),
      displayName: demoOrLong(1, 60),
      email,
      phone,
      password,
      passwordConfirm: password,
    }),
  },
};
