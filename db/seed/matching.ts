import type { Insertable, Transaction } from 'kysely';
import { type RandomGenerator, uniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import type {
  ActivityKind,
  ContractType,
  Database,
  DeclineReason,
  InterestStatus,
  ListingKind,
  MatchActor,
  MatchState,
  MatchTable,
} from '../schema.ts';

/*
 * Demo brokering (issue 7's tables), so that the statistics, the dashboard and the managers' boards have
 * something to show: about 60 expressions of interest over the months the demo listings have been live (pending —
 * some overdue —, accepted, declined with reason codes, withdrawn) and about 40 matches in every state, from
 * accepted interests and from proposals of the three demo technology managers, with contracts, registrations,
 * one match_event per step and the managers' activity log.
 *
 * Deterministic (a fixed-seed xoroshiro128+, every date an offset from `now`) and inserted directly inside the
 * seed's transaction, like editions.ts. Rules kept:
 * - an interest is expressed by a verified enterprise, university or institute in a listing of ANOTHER
 *   organisation that was live then (after its first publication), and every match step follows the state
 *   machine of app/features/matching/match-state.ts with the actor kinds it allows;
 * - every CHECK constraint of migration 2026-11-26T1400-matching;
 * - pending interests carry the reminder / overdue flags the worker would have set by `now`, so the interest
 *   worker finds nothing to do at any earlier moment (the integration tests run it at simulated past times);
 * - the organisations that the integration and browser tests act for (RESERVED) take no part, so those tests
 *   still find their listings free of interests and matches.
 * The demo listings were first published at most about 170 days ago (build.ts), so the brokering spans those
 * months (about two to three quarters), not more.
 */

const SEED = 20261127;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** China Standard Time, UTC+8 all year (no daylight saving). */
const CST = 8 * HOUR;
const RESPONSE_DAYS = 7;
const REGION_CODE = '150123'; // 和林格尔县
const OFFICES = ['和林格尔县科学技术局技术合同登记点', '呼和浩特市技术市场管理办公室'];

/** Organisation keys (owner-<key>@helin-demo.cn) used by tests/integration and tests/e2e: left alone. */
const RESERVED = new Set([
  'bureau',
  'chilechuan-dairy',
  'muge-dairy',
  'xinmu-feed',
  'jingrui-silicon',
  'yunzhong-probiotics',
  'saibei-cheese',
  'beijiang-univ',
  'saishang-univ',
  'guanzhong-univ',
  'dairy-institute',
]);

const MANAGER_EMAILS = ['manager1', 'manager2', 'manager3'].map((m) => `${m}@helin-demo.cn`);
const ADMIN_EMAIL = 'admin@helin-demo.cn';

/* ---------- texts ---------- */

/** An enterprise asks to be introduced to an achievement (the need side writes to the offer side). */
const NEED_MESSAGES = [
  '我公司正在推进生产线技术改造，对该成果的工艺路线很感兴趣，希望了解中试数据和转化条件，可安排技术人员实地考察。',
  '该成果与我公司产品升级方向一致，希望与成果团队进一步交流技术细节，探讨技术许可或合作开发的可能。',
  '我公司具备中试场地和配套设备，希望引进该成果开展小批量试生产，请告知许可方式和参考费用。',
  '我们在实际生产中遇到类似技术难题，希望了解该成果的适用条件和已有应用案例，方便时请安排一次线上交流。',
  '我公司计划明年扩建相关产线，希望就该成果的转让价格、技术指导和售后服务进行洽谈。',
];
/** A university, institute or technology enterprise offers to solve a demand or join a scenario. */
const OFFER_MESSAGES = [
  '我校团队在该方向有多年研究基础，已完成实验室验证，可针对贵单位需求提出技术方案并开展联合攻关。',
  '我单位有成熟的技术和应用案例，可为该需求提供整体解决方案，希望安排一次现场交流，进一步了解技术指标。',
  '团队承担过相关省部级科研项目，具备中试条件，愿以合作开发方式参与，成果归属可协商。',
  '我们可提供检测验证和技术咨询服务，熟悉该领域的标准规范，希望了解项目进度安排和预算情况。',
  '我单位愿意参与该场景的首试首用，可提供样机和技术人员驻场支持，请告知场景开放的具体条件。',
];
const DECLINE_TEXTS: Partial<Record<DeclineReason, string>> = {
  not_fit: '成果的适用规模与我方产线差别较大',
  immature: '目前仍处于实验室阶段，我方需要可直接中试的技术',
  price: '报价超出本年度技改预算',
  has_partner: '该需求已与其他高校团队签订合作协议',
  insufficient_info: '请补充技术参数和已有应用案例后再联系',
  other: '单位内部项目调整，该方向暂缓推进',
};
const DECLINE_ORDER: DeclineReason[] = [
  'not_fit',
  'price',
  'has_partner',
  'immature',
  'insufficient_info',
  'other',
  'not_fit',
  'has_partner',
  'price',
  'other',
  'insufficient_info',
  'not_fit',
  'immature',
  'has_partner',
  'price',
];
const PROPOSAL_NOTES = [
  '双方同属一个产业领域，成果就绪度满足企业中试需求',
  '成果的转化方式与需求方的合作意向一致，建议尽快安排对接',
  '需求方预算与成果报价相当，双方均在本地，便于现场考察',
  '成果已有同类企业应用案例，可直接解决需求方提出的技术难题',
];
const ACTIVITY_NOTES: Record<ActivityKind, string[]> = {
  call: ['电话联系双方技术负责人，确认需求细节和对接时间', '电话跟进合同条款修改意见'],
  visit: ['陪同成果团队赴企业现场考察生产线和中试条件', '走访需求方车间，核实技术指标和配套条件'],
  meeting: ['组织双方召开技术对接会，明确合作范围和分工', '主持合同谈判会，就价格和付款方式达成一致'],
  document: ['起草技术合同初稿并发双方审阅', '协助准备技术合同登记材料并提交登记机构'],
  other: ['整理对接纪要并同步给双方联系人', '协助企业梳理后补助申报材料'],
};
const CLOSE_NOTES = ['合同约定的技术指标已全部通过验收', '项目按期结项，双方签署验收报告'];

/* ---------- a small deterministic random source (as build.ts) ---------- */

class Random {
  private generator: RandomGenerator;
  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed);
  }
  int(min: number, max: number): number {
    const [value, next] = uniformIntDistribution(min, max, this.generator);
    this.generator = next;
    return value;
  }
  /** A float in [min, max) at a resolution of 1/1000. */
  real(min: number, max: number): number {
    return min + ((max - min) * this.int(0, 999)) / 1000;
  }
  chance(probability: number): boolean {
    return this.int(0, 9999) < probability * 10_000;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error('demo brokering: pick from an empty list');
    return item;
  }
}

/* ---------- plans ---------- */

type Direction = 'enterprise-achievement' | 'academic-demand' | 'academic-scenario' | 'enterprise-scenario';
const DIRECTIONS: Direction[] = [
  'enterprise-achievement',
  'academic-demand',
  'enterprise-achievement',
  'academic-scenario',
  'enterprise-achievement',
  'academic-demand',
  'enterprise-scenario',
];

/** How a technology manager comes to a match: proposes it, takes it from the board, or is assigned by staff. */
type ManagerMode = 'take' | 'staff' | null;

interface MatchPlan {
  state: MatchState;
  manager: ManagerMode;
  /** Open matches: no event for 15–40 days (the dashboard's "no progress for 14 days"). */
  stale?: boolean;
  /** Declined / withdrawn: after negotiations had started. */
  late?: boolean;
}

/** The matches that accepted interests become (26). */
const FROM_INTEREST: MatchPlan[] = [
  { state: 'accepted', manager: null, stale: true },
  { state: 'accepted', manager: null },
  { state: 'accepted', manager: 'take' },
  { state: 'accepted', manager: 'staff' },
  { state: 'negotiating', manager: 'take' },
  { state: 'negotiating', manager: 'take', stale: true },
  { state: 'negotiating', manager: 'staff' },
  { state: 'negotiating', manager: null },
  { state: 'contract_signed', manager: 'take' },
  { state: 'contract_signed', manager: 'staff', stale: true },
  { state: 'contract_signed', manager: 'take' },
  { state: 'registered', manager: 'take' },
  { state: 'registered', manager: 'staff' },
  { state: 'registered', manager: null },
  { state: 'in_execution', manager: 'take' },
  { state: 'in_execution', manager: 'take' },
  { state: 'in_execution', manager: 'staff' },
  { state: 'closed', manager: 'take' },
  { state: 'closed', manager: 'staff' },
  { state: 'closed', manager: 'take' },
  { state: 'closed', manager: null },
  { state: 'declined', manager: 'take', late: true },
  { state: 'declined', manager: null },
  { state: 'declined', manager: 'staff', late: true },
  { state: 'withdrawn', manager: 'take' },
  { state: 'withdrawn', manager: null, late: true },
];

/** Matches proposed by a technology manager between a live need and a live achievement (14). */
const PROPOSALS: MatchPlan[] = [
  { state: 'proposed', manager: 'take' },
  { state: 'proposed', manager: 'take', stale: true },
  { state: 'proposed', manager: 'take' },
  { state: 'accepted', manager: 'take' },
  { state: 'negotiating', manager: 'take' },
  { state: 'negotiating', manager: 'take' },
  { state: 'contract_signed', manager: 'take' },
  { state: 'registered', manager: 'take' },
  { state: 'registered', manager: 'take' },
  { state: 'in_execution', manager: 'take' },
  { state: 'closed', manager: 'take' },
  { state: 'closed', manager: 'take' },
  { state: 'declined', manager: 'take' },
  { state: 'withdrawn', manager: 'take' },
];

/** Interests that do not become matches: [status, how many]. Pending ones: the first PENDING_OVERDUE are overdue. */
const DECLINED = 15;
const WITHDRAWN = 7;
const PENDING = 13;
const PENDING_OVERDUE = 5;
/** Days ago of the pending interests that are not overdue yet (kept clear of the reminder window's start). */
const PENDING_RECENT_DAYS = [0.15, 0.6, 1.1, 1.8, 2.4, 3.3, 4.2, 5.6];

/** Nominal gaps between steps, in days: [min, max]. */
const GAP: Record<string, [number, number]> = {
  respond: [0.08, 6],
  assign: [0.05, 3],
  accept: [0.2, 5],
  start_negotiation: [2, 10],
  sign_contract: [10, 40],
  register: [5, 25],
  start_execution: [1, 7],
  close: [20, 50],
  decline: [2, 20],
  withdraw: [3, 20],
};

/* ---------- rows ---------- */

interface Org {
  id: number;
  key: string;
  type: string;
  ownerId: number;
  fields: Set<number>;
}
interface Live {
  id: number;
  kind: ListingKind;
  orgId: number;
  publishedAt: number;
  fields: number[];
}
interface EventRow {
  type: string;
  from_state: MatchState | null;
  to_state: MatchState | null;
  actor_user_id: number | null;
  actor_role: MatchActor;
  note: string | null;
  created_at: Date;
}
interface ActivityRow {
  user_id: number;
  kind: ActivityKind;
  minutes: number;
  occurred_on: string;
  note: string;
  created_at: Date;
}
type MatchRow = Omit<Insertable<MatchTable>, 'interest_id'>;
interface PlannedMatch {
  /** Index into `interests` for a match born from an interest; null for a proposal. */
  interest: number | null;
  row: MatchRow;
  events: EventRow[];
  activities: ActivityRow[];
}
interface InterestRow {
  listing_id: number;
  requester_user_id: number;
  requester_org_id: number;
  message: string;
  status: InterestStatus;
  respond_by: Date;
  reminded_at: Date | null;
  overdue_flagged_at: Date | null;
  responded_at: Date | null;
  responded_by: number | null;
  decline_code: DeclineReason | null;
  decline_text: string | null;
  created_at: Date;
  version: number;
}

function cstDate(t: number): string {
  return new Date(t + CST).toISOString().slice(0, 10);
}

export interface MatchingSeedResult {
  interests: number;
  matches: number;
  events: number;
  activities: number;
}

export async function seedMatching(trx: Transaction<Database>, now: Date): Promise<MatchingSeedResult> {
  const random = new Random(SEED);
  const nowMs = now.getTime();
  /** The latest moment a seeded step may have: a little before `now`. */
  const latest = nowMs - 20 * MINUTE;

  /** Moves a moment into office hours (09:00–17:59 Beijing time), forward only, never past `latest`. */
  const office = (t: number): number => {
    const local = t + CST;
    const dayStart = local - (local % DAY);
    const hour = Math.floor((local - dayStart) / HOUR);
    let moved = t;
    if (hour < 9) moved = dayStart - CST + 9 * HOUR + random.int(0, 90) * MINUTE;
    else if (hour >= 18) moved = dayStart - CST + DAY + 9 * HOUR + random.int(0, 90) * MINUTE;
    return moved <= latest ? moved : t;
  };

  // —— who and what ——
  const owners = await trx
    .selectFrom('organisation as o')
    .innerJoin('membership as m', 'm.organisation_id', 'o.id')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['o.id', 'o.type', 'u.id as owner_id', 'u.email'])
    .where('o.verification', '=', 'verified')
    .where('m.role', '=', 'owner')
    .where('m.status', '=', 'active')
    .where('u.email', 'like', 'owner-%@helin-demo.cn')
    .orderBy('o.id')
    .execute();
  const orgFields = await trx
    .selectFrom('organisation_field')
    .select(['organisation_id', 'field_id'])
    .execute();
  const orgs: Org[] = owners
    .map((o) => ({
      id: o.id,
      key: o.email.slice('owner-'.length, o.email.indexOf('@')),
      type: o.type,
      ownerId: o.owner_id,
      fields: new Set(orgFields.filter((f) => f.organisation_id === o.id).map((f) => f.field_id)),
    }))
    .filter((o) => !RESERVED.has(o.key));
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const enterprises = orgs.filter((o) => o.type === 'enterprise');
  const academics = orgs.filter((o) => o.type === 'university' || o.type === 'institute');

  const liveRows = await trx
    .selectFrom('listing')
    .select(['id', 'kind', 'organisation_id', 'published_at'])
    .where('status', '=', 'published')
    .where('expires_at', '>', now)
    .orderBy('id')
    .execute();
  const listingFields = await trx.selectFrom('listing_field').select(['listing_id', 'field_id']).execute();
  const fieldsOf = new Map<number, number[]>();
  for (const f of listingFields)
    fieldsOf.set(f.listing_id, [...(fieldsOf.get(f.listing_id) ?? []), f.field_id]);
  const live: Live[] = liveRows
    .filter((l) => orgById.has(l.organisation_id) && l.published_at !== null)
    .map((l) => ({
      id: l.id,
      kind: l.kind,
      orgId: l.organisation_id,
      publishedAt: new Date(l.published_at as Date).getTime(),
      fields: fieldsOf.get(l.id) ?? [],
    }));

  const people = await trx
    .selectFrom('app_user')
    .select(['id', 'email'])
    .where('email', 'in', [...MANAGER_EMAILS, ADMIN_EMAIL])
    .execute();
  const idOf = (email: string) => {
    const found = people.find((p) => p.email === email);
    if (!found) throw new Error(`demo brokering: no user ${email}`);
    return found.id;
  };
  const adminId = idOf(ADMIN_EMAIL);
  const profiles = await trx
    .selectFrom('manager_profile')
    .select(['user_id', 'field_ids'])
    .where(
      'user_id',
      'in',
      MANAGER_EMAILS.map((e) => idOf(e)),
    )
    .execute();
  const managers = MANAGER_EMAILS.map((email) => {
    const id = idOf(email);
    return { id, fields: new Set(profiles.find((p) => p.user_id === id)?.field_ids ?? []) };
  });
  const managerLoad = new Map(managers.map((m) => [m.id, 0]));
  /** The manager whose fields fit the listings best; ties go to the one with fewer matches so far. */
  const managerFor = (fields: number[]): number => {
    const ranked = managers
      .map((m) => ({
        id: m.id,
        fit: fields.filter((f) => m.fields.has(f)).length,
        load: managerLoad.get(m.id) ?? 0,
      }))
      .sort((a, b) => b.fit - a.fit || a.load - b.load || a.id - b.id);
    const chosen = ranked[0]!.id;
    managerLoad.set(chosen, (managerLoad.get(chosen) ?? 0) + 1);
    return chosen;
  };

  // —— picking listings ——
  const usedPairs = new Set<string>();
  const listingUse = new Map<number, number>();
  const orgUse = new Map<number, number>();
  const overlap = (a: Iterable<number>, b: Set<number>) => [...a].filter((x) => b.has(x)).length;

  /** A listing and a requesting organisation for an interest created no later than `before` (ms). */
  const pickInterest = (direction: Direction, before: number): { listing: Live; requester: Org } => {
    const kinds: ListingKind[] =
      direction === 'enterprise-achievement'
        ? ['achievement']
        : direction === 'academic-demand'
          ? ['demand']
          : ['scenario'];
    const requesters = direction.startsWith('enterprise') ? enterprises : academics;
    let best: { listing: Live; requester: Org }[] = [];
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const listing of live) {
      if (!kinds.includes(listing.kind) || listing.publishedAt > before - DAY) continue;
      for (const requester of requesters) {
        if (requester.id === listing.orgId || usedPairs.has(`${listing.id}:${requester.id}`)) continue;
        const score =
          Math.min(overlap(listing.fields, requester.fields), 1) * 6 -
          (listingUse.get(listing.id) ?? 0) * 4 -
          (orgUse.get(requester.id) ?? 0) * 2;
        if (score > bestScore) {
          bestScore = score;
          best = [];
        }
        if (score === bestScore) best.push({ listing, requester });
      }
    }
    if (best.length === 0) throw new Error(`demo brokering: no listing for ${direction} before ${before}`);
    const chosen = random.pick(best);
    usedPairs.add(`${chosen.listing.id}:${chosen.requester.id}`);
    listingUse.set(chosen.listing.id, (listingUse.get(chosen.listing.id) ?? 0) + 1);
    orgUse.set(chosen.requester.id, (orgUse.get(chosen.requester.id) ?? 0) + 1);
    return chosen;
  };

  /** A need (demand or scenario) and an achievement of two organisations, both live before `before`. */
  const pickProposal = (before: number): { need: Live; offer: Live } => {
    let best: { need: Live; offer: Live }[] = [];
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const need of live) {
      if (need.kind === 'achievement' || need.publishedAt > before - DAY) continue;
      for (const offer of live) {
        if (offer.kind !== 'achievement' || offer.publishedAt > before - DAY) continue;
        if (offer.orgId === need.orgId || usedPairs.has(`${need.id}~${offer.id}`)) continue;
        const score =
          Math.min(overlap(need.fields, new Set(offer.fields)), 1) * 6 -
          ((listingUse.get(need.id) ?? 0) + (listingUse.get(offer.id) ?? 0)) * 3;
        if (score > bestScore) {
          bestScore = score;
          best = [];
        }
        if (score === bestScore) best.push({ need, offer });
      }
    }
    if (best.length === 0) throw new Error(`demo brokering: no pair to propose before ${before}`);
    const chosen = random.pick(best);
    usedPairs.add(`${chosen.need.id}~${chosen.offer.id}`);
    for (const l of [chosen.need, chosen.offer]) listingUse.set(l.id, (listingUse.get(l.id) ?? 0) + 1);
    return chosen;
  };

  // —— interests ——
  const interests: InterestRow[] = [];
  let directionTurn = 0;
  const nextDirection = () => DIRECTIONS[directionTurn++ % DIRECTIONS.length]!;
  const messageFor = (direction: Direction) =>
    random.pick(direction === 'enterprise-achievement' ? NEED_MESSAGES : OFFER_MESSAGES);

  /** Reminder and overdue flags as the worker would have set them by `now` (or by the answer). */
  const flags = (created: number, answered: number | null) => {
    const respondBy = created + RESPONSE_DAYS * DAY;
    const until = answered ?? nowMs;
    const remindAt = respondBy - 48 * HOUR + random.int(1, 5) * MINUTE;
    const flagAt = respondBy + random.int(1, 5) * MINUTE;
    return {
      respond_by: new Date(respondBy),
      reminded_at: remindAt < until ? new Date(remindAt) : null,
      overdue_flagged_at: flagAt < until ? new Date(flagAt) : null,
    };
  };

  const addInterest = (
    direction: Direction,
    listing: Live,
    requester: Org,
    created: number,
    answer:
      | { status: 'accepted' | 'declined'; at: number; code?: DeclineReason }
      | { status: 'pending' | 'withdrawn' },
  ): number => {
    const answered = answer.status === 'accepted' || answer.status === 'declined' ? answer.at : null;
    const code = answer.status === 'declined' ? (answer.code ?? 'not_fit') : null;
    interests.push({
      listing_id: listing.id,
      requester_user_id: requester.ownerId,
      requester_org_id: requester.id,
      message: messageFor(direction),
      status: answer.status,
      ...flags(created, answered ?? (answer.status === 'withdrawn' ? created + 2 * DAY : null)),
      responded_at: answered === null ? null : new Date(answered),
      responded_by: answered === null ? null : orgById.get(listing.orgId)!.ownerId,
      decline_code: code,
      decline_text:
        code === null ? null : code === 'other' || random.chance(0.6) ? (DECLINE_TEXTS[code] ?? null) : null,
      created_at: new Date(created),
      version: answer.status === 'pending' ? 1 : 2,
    });
    return interests.length - 1;
  };

  // Pending: some overdue (8–30 days old), the others recent.
  for (let i = 0; i < PENDING; i++) {
    const daysAgo =
      i < PENDING_OVERDUE
        ? random.real(8, 30)
        : PENDING_RECENT_DAYS[(i - PENDING_OVERDUE) % PENDING_RECENT_DAYS.length]!;
    const created = Math.min(office(nowMs - daysAgo * DAY), latest);
    const direction = nextDirection();
    const { listing, requester } = pickInterest(direction, created);
    addInterest(direction, listing, requester, created, { status: 'pending' });
  }
  // Declined (with every reason code) and withdrawn, spread over the months.
  for (let i = 0; i < DECLINED + WITHDRAWN; i++) {
    const created = office(nowMs - random.real(9, 160) * DAY);
    const direction = nextDirection();
    const { listing, requester } = pickInterest(direction, created);
    if (i < DECLINED) {
      // Mostly within the deadline, a few after it (answered late).
      const hours = random.chance(0.2) ? random.real(170, 230) : random.real(2, 140);
      addInterest(direction, listing, requester, created, {
        status: 'declined',
        at: Math.min(created + hours * HOUR, latest),
        code: DECLINE_ORDER[i % DECLINE_ORDER.length]!,
      });
    } else {
      addInterest(direction, listing, requester, created, { status: 'withdrawn' });
    }
  }

  // —— matches ——
  const planned: PlannedMatch[] = [];
  let registrationSerial = 100 + random.int(0, 20);

  /** The steps after creation that lead to the plan's state, in order. */
  const stepsFor = (plan: MatchPlan, source: 'interest' | 'manager'): string[] => {
    const steps: string[] = [];
    if (source === 'manager') {
      if (plan.state === 'proposed') return random.chance(0.5) ? ['accept'] : [];
      if (plan.state === 'declined') return random.chance(0.5) ? ['accept', 'decline'] : ['decline'];
      if (plan.state === 'withdrawn') return ['withdraw'];
      steps.push('accept', 'accept');
    } else if (plan.manager !== null) {
      steps.push('assign');
    }
    const forward = ['start_negotiation', 'sign_contract', 'register', 'start_execution', 'close'];
    const target: Record<string, number> = {
      accepted: 0,
      negotiating: 1,
      contract_signed: 2,
      registered: 3,
      in_execution: 4,
      closed: 5,
    };
    if (plan.state === 'declined' || plan.state === 'withdrawn') {
      if (plan.late) steps.push('start_negotiation');
      steps.push(plan.state === 'declined' ? 'decline' : 'withdraw');
      return steps;
    }
    steps.push(...forward.slice(0, target[plan.state] ?? 0));
    return steps;
  };

  /** Times of creation and each step: ending `idle` days before now, fitted after `earliest`. */
  const timeline = (steps: string[], earliest: number, idleDays: number, firstGap: string): number[] => {
    const gaps = [firstGap, ...steps].map((s) => random.real(...(GAP[s] ?? [1, 5])) * DAY);
    const end = nowMs - idleDays * DAY;
    const total = gaps.reduce((a, b) => a + b, 0);
    // The origin (a listing's publication or an interest) comes first; squeeze the gaps when time is short.
    const span = end - earliest;
    const scale = total > span ? Math.max(span, HOUR) / total : 1;
    let t = total > span ? earliest : end - total;
    const times = [t];
    for (const gap of gaps) {
      t = office(t + gap * scale);
      times.push(Math.max(t, times.at(-1)! + 5 * MINUTE));
    }
    return times.map((x) => Math.min(x, latest));
  };

  const idleFor = (plan: MatchPlan): number =>
    plan.stale
      ? random.real(16, 40)
      : plan.state === 'closed'
        ? random.real(10, 80)
        : plan.state === 'declined' || plan.state === 'withdrawn'
          ? random.real(2, 60)
          : random.real(1, 11);

  /** Minimum age (days) a listing must have for the plan to fit without squeezing too much. */
  const minAge = (steps: string[], idle: number) =>
    idle + 2 + steps.reduce((sum, s) => sum + (GAP[s]?.[0] ?? 1) * 1.5, 0);

  const contractFor = (kinds: ListingKind[]): ContractType => {
    if (kinds.includes('achievement')) return random.pick(['license', 'transfer', 'license', 'development']);
    if (kinds.includes('scenario')) return random.pick(['development', 'service']);
    return random.pick(['development', 'development', 'consulting', 'service']);
  };
  const AMOUNT: Record<ContractType, [number, number]> = {
    development: [30, 320],
    transfer: [40, 480],
    license: [15, 220],
    consulting: [3, 30],
    service: [6, 90],
  };

  const build = (plan: MatchPlan, source: 'interest' | 'manager', index: number) => {
    const steps = stepsFor(plan, source);
    const idle = idleFor(plan);
    const before = nowMs - minAge(steps, idle) * DAY;
    let need: Live | null = null;
    let offer: Live | null = null;
    let needOrg: Org;
    let offerOrg: Org;
    let origin: number;
    let interestIndex: number | null = null;
    let times: number[];
    let direction: Direction = 'enterprise-achievement';
    if (source === 'interest') {
      direction = nextDirection();
      const { listing, requester } = pickInterest(direction, before);
      const listingSide = listing.kind === 'achievement' ? 'offer' : 'need';
      if (listingSide === 'offer') {
        offer = listing;
        offerOrg = orgById.get(listing.orgId)!;
        needOrg = requester;
      } else {
        need = listing;
        needOrg = orgById.get(listing.orgId)!;
        offerOrg = requester;
      }
      // times[0] = the interest, times[1] = its acceptance (the match's creation), then the steps.
      times = timeline(steps, listing.publishedAt + random.real(0.5, 3) * DAY, idle, 'respond');
      origin = times[0]!;
      const acceptedAt = times[1]!;
      interestIndex = addInterest(direction, listing, requester, origin, {
        status: 'accepted',
        at: acceptedAt,
      });
      times = times.slice(1);
    } else {
      const pair = pickProposal(before);
      need = pair.need;
      offer = pair.offer;
      needOrg = orgById.get(need.orgId)!;
      offerOrg = orgById.get(offer.orgId)!;
      origin = Math.max(need.publishedAt, offer.publishedAt) + random.real(0.5, 3) * DAY;
      times = timeline(steps, origin, idle, 'assign').slice(1);
    }
    const fields = [...(need?.fields ?? []), ...(offer?.fields ?? [])];
    const managerId = plan.manager === null ? null : managerFor(fields);
    const created = times[0]!;
    const events: EventRow[] = [];
    const activities: ActivityRow[] = [];
    const row: MatchRow = {
      state: source === 'interest' ? 'accepted' : 'proposed',
      source,
      need_listing_id: need?.id ?? null,
      offer_listing_id: offer?.id ?? null,
      need_org_id: needOrg.id,
      offer_org_id: offerOrg.id,
      need_accepted_at: source === 'interest' ? new Date(created) : null,
      offer_accepted_at: source === 'interest' ? new Date(created) : null,
      proposed_by: source === 'manager' ? managerId : null,
      manager_user_id: source === 'manager' ? managerId : null,
      created_at: new Date(created),
    };
    let state: MatchState = row.state as MatchState;
    const push = (
      type: string,
      at: number,
      to: MatchState,
      actor: { id: number | null; role: MatchActor },
      note: string | null = null,
    ) => {
      events.push({
        type,
        from_state: type === 'created_from_interest' || type === 'proposed' ? null : state,
        to_state: to,
        actor_user_id: actor.id,
        actor_role: actor.role,
        note,
        created_at: new Date(at),
      });
      state = to;
    };
    const party = (side: 'need' | 'offer') => ({
      id: (side === 'need' ? needOrg : offerOrg).ownerId,
      role: 'party' as const,
    });
    const byManager = () =>
      row.manager_user_id ? { id: row.manager_user_id as number, role: 'manager' as const } : party('need');
    if (source === 'interest') {
      const listingSide = need ? 'need' : 'offer';
      push('created_from_interest', created, 'accepted', party(listingSide));
    } else {
      push(
        'proposed',
        created,
        'proposed',
        { id: managerId, role: 'manager' },
        PROPOSAL_NOTES[index % PROPOSAL_NOTES.length]!,
      );
    }
    /** When the manager's involvement began (for a first activity a few hours to days later). */
    let managerSince: number | null = source === 'manager' ? created : null;
    const acceptOrder: ('need' | 'offer')[] = random.chance(0.5) ? ['need', 'offer'] : ['offer', 'need'];
    let accepts = 0;
    const kinds = [need?.kind, offer?.kind].filter((k): k is ListingKind => k !== undefined);
    steps.forEach((step, i) => {
      const at = times[i + 1]!;
      switch (step) {
        case 'assign': {
          row.manager_user_id = managerId;
          if (plan.manager === 'take') push('manager_took', at, state, { id: managerId, role: 'manager' });
          else push('manager_assigned', at, state, { id: adminId, role: 'staff' });
          managerSince = at;
          break;
        }
        case 'accept': {
          const side = acceptOrder[accepts++]!;
          row[side === 'need' ? 'need_accepted_at' : 'offer_accepted_at'] = new Date(at);
          push('accept', at, accepts === 2 ? 'accepted' : 'proposed', party(side));
          break;
        }
        case 'start_negotiation':
          push('start_negotiation', at, 'negotiating', random.chance(0.6) ? byManager() : party('need'));
          break;
        case 'sign_contract': {
          const type = contractFor(kinds);
          const [low, high] = AMOUNT[type];
          row.contract_type = type;
          row.contract_amount_wan = Math.round(random.real(low, high) * 2) / 2;
          row.contract_signed_on = cstDate(at);
          push('sign_contract', at, 'contract_signed', random.chance(0.7) ? byManager() : party('need'));
          break;
        }
        case 'register': {
          registrationSerial += random.int(3, 17);
          const amount = Number(row.contract_amount_wan);
          row.registered_on = cstDate(at);
          row.registration_no = `${row.registered_on.slice(0, 4)}${REGION_CODE}${String(registrationSerial).padStart(6, '0')}`;
          row.certified_amount_wan = Math.max(1, Math.round(amount * random.real(0.85, 1) * 100) / 100);
          row.registration_office = random.pick(OFFICES);
          push(
            'register',
            at,
            'registered',
            random.chance(0.3) ? { id: adminId, role: 'staff' } : byManager(),
          );
          break;
        }
        case 'start_execution':
          push('start_execution', at, 'in_execution', random.chance(0.5) ? byManager() : party('need'));
          break;
        case 'close':
          push(
            'close',
            at,
            'closed',
            random.chance(0.7) ? byManager() : { id: adminId, role: 'staff' },
            random.pick(CLOSE_NOTES),
          );
          break;
        case 'decline': {
          const side =
            source === 'manager' && accepts === 1
              ? (acceptOrder[1] ?? 'offer')
              : random.pick(['need', 'offer'] as const);
          const code = random.pick(['not_fit', 'price', 'has_partner', 'immature'] as const);
          row.end_reason_code = code;
          row.end_reason_text = DECLINE_TEXTS[code] ?? null;
          push('decline', at, 'declined', party(side), row.end_reason_text);
          break;
        }
        case 'withdraw':
          push(
            'withdraw',
            at,
            'withdrawn',
            random.chance(0.5) && row.manager_user_id ? byManager() : party('need'),
            '需求方调整技术路线，暂不推进合作',
          );
          break;
      }
    });
    row.state = state;
    row.updated_at = events.at(-1)!.created_at;
    row.version = events.length;

    // The manager's activity log: a first contact a few hours to days after they came in, then a few more.
    if (row.manager_user_id && managerSince !== null) {
      const managerUser = row.manager_user_id as number;
      const last = events.at(-1)!.created_at.getTime();
      const first = office(managerSince + random.real(0.1, 2.5) * DAY);
      const count = Math.min(1 + steps.filter((s) => s !== 'accept').length, 5);
      let t = first;
      for (let k = 0; k < count; k++) {
        if (t > Math.min(last + (['closed', 'declined', 'withdrawn'].includes(state) ? 0 : DAY), latest))
          break;
        const kind: ActivityKind =
          k === 0
            ? random.pick(['call', 'call', 'visit'])
            : random.pick(['call', 'visit', 'meeting', 'document', 'other']);
        activities.push({
          user_id: managerUser,
          kind,
          minutes:
            kind === 'call'
              ? random.int(1, 6) * 10
              : kind === 'visit'
                ? random.int(2, 8) * 30
                : random.int(2, 6) * 15,
          occurred_on: cstDate(t),
          note: random.pick(ACTIVITY_NOTES[kind]),
          created_at: new Date(Math.min(t + random.int(5, 120) * MINUTE, latest)),
        });
        t = office(t + random.real(2, 20) * DAY);
      }
    }
    planned.push({ interest: interestIndex, row, events, activities });
  };

  for (const [i, plan] of FROM_INTEREST.entries()) build(plan, 'interest', i);
  for (const [i, plan] of PROPOSALS.entries()) build(plan, 'manager', i);

  // —— insert ——
  const interestRows = await trx
    .insertInto('interest')
    .values(interests)
    .returning(['id', 'listing_id', 'requester_org_id'])
    .execute();
  const interestId = new Map(interestRows.map((r) => [`${r.listing_id}:${r.requester_org_id}`, r.id]));
  const keyOf = (p: PlannedMatch) =>
    p.interest === null
      ? `p:${p.row.need_listing_id}~${p.row.offer_listing_id}`
      : `i:${interestId.get(`${interests[p.interest]!.listing_id}:${interests[p.interest]!.requester_org_id}`)}`;
  const matchRows = await trx
    .insertInto('match')
    .values(
      planned.map((p) => ({
        ...p.row,
        interest_id:
          p.interest === null
            ? null
            : (interestId.get(
                `${interests[p.interest]!.listing_id}:${interests[p.interest]!.requester_org_id}`,
              ) ?? null),
      })),
    )
    .returning(['id', 'interest_id', 'need_listing_id', 'offer_listing_id'])
    .execute();
  const matchId = new Map(
    matchRows.map((r) => [
      r.interest_id === null ? `p:${r.need_listing_id}~${r.offer_listing_id}` : `i:${r.interest_id}`,
      r.id,
    ]),
  );
  const idFor = (p: PlannedMatch) => {
    const id = matchId.get(keyOf(p));
    if (id === undefined) throw new Error('demo brokering: a match was not inserted');
    return id;
  };
  const events = planned.flatMap((p) => p.events.map((e) => ({ match_id: idFor(p), ...e })));
  const activities = planned.flatMap((p) => p.activities.map((a) => ({ match_id: idFor(p), ...a })));
  await trx.insertInto('match_event').values(events).execute();
  if (activities.length > 0) await trx.insertInto('match_activity').values(activities).execute();
  return {
    interests: interests.length,
    matches: planned.length,
    events: events.length,
    activities: activities.length,
  };
}
