import { type RandomGenerator, uniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import type {
  AchievementType,
  Confidentiality,
  DemandType,
  GrowthTier,
  ListingKind,
  ListingStatus,
  ManagerGrade,
  MembershipRole,
  Mode,
  OrganisationType,
  PlatformRole,
  ScenarioType,
  Verification,
} from '../schema.ts';
import { emptyKindColumns } from '../schema.ts';
import {
  energyStorage,
  hydrogen,
  newEnergy,
  transportEnergy,
  virtualPowerPlant,
} from './data/fields-energy.ts';
import { lowAltitude, quantum, syntheticBiology } from './data/fields-layout.ts';
import {
  ai,
  composites,
  computingHardware,
  industrialSoftware,
  newMaterials,
} from './data/fields-materials-digital.ts';
import { agriFood, dairy, futureFood, modernAgriculture, probiotics } from './data/fields-strengthen.ts';
import { organisations as organisationSeeds } from './data/organisations.ts';
import {
  BUREAU_ADMIN_EMAIL,
  BUREAU_REVIEWER_EMAIL,
  DEMO_DOMAIN,
  managers as managerSeeds,
  members as memberSeeds,
  staff as staffSeeds,
} from './data/people.ts';
import { FIELD_CODES, type FieldCode, type FieldMaterial } from './data/types.ts';

/*
 * The demo data set (organisations, people, listings), built in memory. Pure and deterministic: the same
 * `now` gives deep-equal output (a fixed-seed xoroshiro128+ drives every choice; all dates are offsets
 * from `now`). db/seed/index.ts resolves the string keys (organisation key, user e-mail, field code) to ids.
 */

export { BUREAU_ADMIN_EMAIL, BUREAU_REVIEWER_EMAIL, FIELD_CODES, type FieldCode };

export interface DemoOrganisation {
  key: string;
  type: OrganisationType;
  name: string;
  short_name: string;
  uscc: string;
  region: string;
  address: string;
  website: string | null;
  description: string;
  growth_tiers: GrowthTier[];
  agency_rating: 'level1' | 'level2' | null;
  verification: Verification;
  verification_note: string | null;
  verified_at: Date | null;
  mkj_id: string | null;
  mkj_url: string | null;
  created_at: Date;
  updated_at: Date;
  /** organisation_field rows. */
  fields: FieldCode[];
}

export interface DemoMembership {
  /** Organisation key. */
  organisation: string;
  role: MembershipRole;
  status: 'active' | 'requested';
  created_at: Date;
}

export interface DemoUser {
  email: string;
  display_name: string;
  phone: string;
  created_at: Date;
  platform_role: { role: PlatformRole; granted_by: string | null } | null;
  memberships: DemoMembership[];
  manager: {
    grade: ManagerGrade;
    certificate_no: string;
    /** Organisation key of the service agency. */
    agency: string;
    fields: FieldCode[];
    bio: string;
  } | null;
}

export interface DemoListingEvent {
  type: 'submitted' | 'published' | 'rejected' | 'expired' | 'withdrawn';
  from_status: ListingStatus;
  to_status: ListingStatus;
  /** E-mail of the acting user; null for the system (expiry job). */
  actor: string | null;
  note: string | null;
  created_at: Date;
}

/** The listing columns (everything but id, organisation_id, created_by, version). */
export interface DemoListingRow {
  kind: ListingKind;
  status: ListingStatus;
  title: string;
  summary: string;
  detail: string;
  keywords: string[];
  region: string;
  confidentiality: Confidentiality;
  demand_type: DemandType | null;
  indicators: string | null;
  budget_min_wan: number | null;
  budget_max_wan: number | null;
  deadline: string | null;
  cooperation_modes: Mode[];
  ip_expectation: string | null;
  achievement_type: AchievementType | null;
  innovation_points: string[];
  patent_numbers: string[];
  trl: number | null;
  transfer_modes: Mode[];
  price_wan: number | null;
  price_negotiable: boolean;
  team: string | null;
  advantages: string | null;
  scenario_type: ScenarioType | null;
  issuing_unit: string | null;
  location: string | null;
  expected_tech: string | null;
  investment_wan: number | null;
  first_trial: boolean;
  period_start: string | null;
  period_end: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  submitted_at: Date | null;
  published_at: Date | null;
  expires_at: Date | null;
  rejection_reason: string | null;
  mkj_id: string | null;
  mkj_url: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DemoListing {
  /** Organisation key. */
  organisation: string;
  /** E-mail of the author. */
  created_by: string;
  /** listing_field rows: the primary field first. */
  fields: FieldCode[];
  events: DemoListingEvent[];
  row: DemoListingRow;
}

export interface DemoData {
  organisations: DemoOrganisation[];
  users: DemoUser[];
  listings: DemoListing[];
}

export const FIELD_MATERIALS: readonly FieldMaterial[] = [
  dairy,
  probiotics,
  agriFood,
  modernAgriculture,
  futureFood,
  newEnergy,
  energyStorage,
  hydrogen,
  virtualPowerPlant,
  transportEnergy,
  newMaterials,
  composites,
  computingHardware,
  ai,
  industrialSoftware,
  lowAltitude,
  syntheticBiology,
  quantum,
];

/** Listings published for 180 days (the renewal period). */
export const LISTING_LIFETIME_DAYS = 180;
const SEED = 20261126;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MKJ_HOST = 'https://www.mengkeju.example';

/** Listings that are not published, by title (anything else is published). */
const OTHER_STATES: Record<string, { status: Exclude<ListingStatus, 'published'>; note?: string }> = {
  轻中度盐碱地改良与饲草种植技术需求: { status: 'draft' },
  马铃薯全粉低能耗干燥技术需求: { status: 'draft' },
  数据中心高压直流供电系统改造需求: { status: 'draft' },
  无人机自动换电机巢: { status: 'submitted' },
  益生菌发酵过程活菌数在线检测技术需求: { status: 'submitted' },
  风光离网制氢功率协调控制方法: { status: 'submitted' },
  高速服务区光储充一体化系统设计咨询: {
    status: 'rejected',
    note:
      '需求与本单位2个月前发布的同类需求重复，且未说明服务区所在线路和现有配电容量，' +
      '请合并补充后重新提交。',
  },
  一种基于区块链的分布式能源点对点交易方法: {
    status: 'rejected',
    note: '未上传专利证书或授权公告文本，无法核实成果权属，请补充权属证明材料后重新提交。',
  },
  未来食品新品消费者体验测试场景: {
    status: 'rejected',
    note: '场景描述缺少开放期限、场地条件和可考核的预期指标，联系人信息不完整，请补充后重新提交。',
  },
  '风电场35 kV集电线路故障精确定位需求': { status: 'expired' },
  '传统炒米热风-微波联合低油膨化工艺': { status: 'expired' },
  农贸市场农畜产品质量安全快检场景: { status: 'expired' },
  肉制品企业CNAS检测实验室建设咨询: {
    status: 'withdrawn',
    note: '已与服务机构签订咨询合同，需求撤回。',
  },
  高功率密度全钒液流电池电堆: { status: 'withdrawn', note: '成果已与企业签订独占许可合同，暂停对外发布。' },
  园区楼宇中央空调柔性负荷调控场景: { status: 'withdrawn', note: '场景纳入园区节能改造项目统一实施，撤回。' },
};

const MODE_LABEL: Record<Mode, string> = {
  transfer: '技术转让',
  license: '技术许可',
  equity: '作价投资',
  joint_development: '合作开发',
  commissioned: '委托开发',
  service: '技术服务',
  consulting: '技术咨询',
  self: '自行实施',
};

const DEMAND_MODES: Record<DemandType, Mode[]> = {
  research: ['joint_development', 'commissioned', 'transfer'],
  process: ['commissioned', 'joint_development', 'service'],
  product: ['joint_development', 'transfer', 'license', 'commissioned'],
  testing: ['service'],
  transfer: ['transfer', 'license', 'service'],
  consulting: ['consulting', 'service'],
};

/** Budget range (万元) from which budget_max_wan is drawn. */
const DEMAND_BUDGET: Record<DemandType, [number, number]> = {
  research: [50, 500],
  process: [30, 300],
  product: [50, 800],
  testing: [5, 60],
  transfer: [50, 400],
  consulting: [5, 50],
};

const DEMAND_LEAD: Record<DemandType, string> = {
  research: '现面向高校院所征集技术攻关方案，要求',
  process: '拟联合高校院所或专业团队开展工艺攻关，目标',
  product: '现征集成熟产品或联合研制方案，要求',
  testing: '拟委托具备资质的机构开展，要求',
  transfer: '拟引进成熟技术并在企业落地实施，要求',
  consulting: '拟委托专业机构提供咨询服务，要求',
};

const DEMAND_GOAL: Record<DemandType, string> = {
  research: '技术升级',
  process: '降本增效',
  product: '提质增效',
  testing: '质量管控',
  transfer: '产能提升',
  consulting: '规范发展',
};

const IP_EXPECTATIONS: Record<DemandType, string[]> = {
  research: ['双方共有，需求方享有优先使用权', '协商确定', '背景知识产权归各自所有，新产生成果归需求方所有'],
  process: ['成果归需求方所有', '协商确定', '双方共有，需求方享有优先使用权'],
  product: ['成果归需求方所有', '双方共有，需求方享有优先使用权', '协商确定'],
  testing: ['检测数据和报告归需求方所有'],
  transfer: ['成果转让后归需求方所有', '独占许可，许可期限协商确定'],
  consulting: ['咨询报告归需求方所有'],
};

const PARTNER_REQUIREMENTS = [
  '具有相关领域研究基础或成功应用案例，能够派技术人员驻厂配合调试',
  '优先考虑自治区内高校院所，项目负责人具有高级职称',
  '具备中试放大能力，能够在合同期内按季度提交阶段性成果报告',
  '愿意联合申报各级科技计划项目，并协助培养企业技术骨干',
];
const SERVICE_REQUIREMENTS = [
  '具备CMA或CNAS资质，能够出具具有法律效力的报告',
  '具有同类项目服务经验，能够提供3个以上服务案例',
];

const ACHIEVEMENT_PRICE: Record<AchievementType, [number, number]> = {
  invention_patent: [30, 600],
  utility_model: [10, 80],
  software: [20, 200],
  plant_variety: [20, 150],
  know_how: [20, 300],
  process: [30, 400],
  material: [30, 500],
  equipment: [50, 600],
  other: [10, 100],
};

const SCENARIO_INVESTMENT: Record<ScenarioType, [number, number]> = {
  production: [200, 5000],
  government: [100, 3000],
  urban: [100, 2000],
  livelihood: [50, 800],
};

const SCENARIO_PARTICIPATION = [
  '有意向的单位可通过平台提交合作意向，由技术经理人组织现场踏勘和对接',
  '欢迎高校院所、科技企业组成联合体参与，县科技局将组织专家评审遴选试点单位',
  '入选方案将纳入县级场景供需清单，并优先推荐申报各级科技计划项目',
];

/** A tiny stateful wrapper around pure-rand's immutable generator. */
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

  chance(probability: number): boolean {
    return this.int(0, 9999) < probability * 10_000;
  }

  pick<T>(items: readonly T[]): T {
    return at(items, this.int(0, items.length - 1));
  }

  /** min..max distinct items, in their original order. */
  subset<T>(items: readonly T[], min: number, max: number): T[] {
    const count = Math.min(items.length, this.int(min, max));
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(this.int(0, items.length - 1));
    return items.filter((_, index) => chosen.has(index));
  }

  /** A multiple of `step` in [min, max]. */
  amount(min: number, max: number, step: number): number {
    const low = Math.ceil(min / step);
    const high = Math.floor(max / step);
    return (high < low ? low : this.int(low, high)) * step;
  }
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`demo data: index ${index} out of range`);
  return item;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`demo data: ${message}`);
}

/** A moment `daysAgo` days before `now`, during office hours in China (hour 1–9 UTC = 09–17 CST). */
function officeTime(now: Date, daysAgo: number, random: Random): Date {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight - daysAgo * DAY + random.int(1, 8) * HOUR + random.int(0, 59) * MINUTE);
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function chineseDate(isoDay: string): string {
  const [year, month, day] = isoDay.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

function numbered(items: readonly string[]): string {
  return `${items.map((item, index) => `${index + 1}. ${item}`).join('；')}。`;
}

function split(list: string, separator: '；' | '、'): string[] {
  return list
    .split(separator)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function modesText(modes: readonly Mode[]): string {
  return modes.map((mode) => MODE_LABEL[mode]).join('、');
}

/** Chinese patent number ZL + year + type + 7 digits + '.' + check digit (GB/T check over 12 digits). */
function patentNumber(year: number, type: 1 | 2, serial: number): string {
  const digits = `${year}${type}${String(serial).padStart(7, '0')}`;
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * at(weights, i);
  const checkDigit = sum % 11;
  return `ZL${digits}.${checkDigit === 10 ? 'X' : checkDigit}`;
}

function blankRow(kind: ListingKind, created: Date): DemoListingRow {
  return {
    kind,
    status: 'draft',
    title: '',
    summary: '',
    detail: '',
    keywords: [],
    region: '',
    confidentiality: 'public',
    indicators: null,
    ...emptyKindColumns(),
    contact_name: null,
    contact_phone: null,
    contact_email: null,
    submitted_at: null,
    published_at: null,
    expires_at: null,
    rejection_reason: null,
    mkj_id: null,
    mkj_url: null,
    created_at: created,
    updated_at: created,
  };
}

export function buildDemoData(now: Date): DemoData {
  check(!Number.isNaN(now.getTime()), 'now is not a valid date');
  const random = new Random(SEED);
  const daysAgo = (days: number) => officeTime(now, days, random);

  // —— Organisations ——
  const organisations: DemoOrganisation[] = organisationSeeds.map((seed) => {
    const created =
      seed.key === 'bureau' || seed.key === 'park-centre'
        ? daysAgo(450)
        : seed.type === 'agency'
          ? daysAgo(random.int(425, 440))
          : seed.verification === 'pending'
            ? daysAgo(random.int(12, 20))
            : seed.verification === 'rejected'
              ? daysAgo(random.int(25, 35))
              : daysAgo(random.int(230, 400));
    const verification: Verification = seed.verification ?? 'verified';
    const verifiedAt =
      verification === 'verified' ? new Date(created.getTime() + random.int(1, 5) * DAY) : null;
    return {
      key: seed.key,
      type: seed.type,
      name: seed.name,
      short_name: seed.shortName,
      uscc: seed.uscc,
      region: seed.region,
      address: seed.address,
      website: seed.website ?? null,
      description: seed.description,
      growth_tiers: seed.growthTiers ?? [],
      agency_rating: seed.agencyRating ?? null,
      verification,
      verification_note: seed.verificationNote ?? null,
      verified_at: verifiedAt,
      mkj_id: seed.mkj ? `MKJ-ORG-${seed.mkj}` : null,
      mkj_url: seed.mkj ? `${MKJ_HOST}/org/${seed.mkj}` : null,
      created_at: created,
      updated_at: verifiedAt ?? new Date(created.getTime() + (verification === 'rejected' ? 2 * DAY : 0)),
      fields: [...seed.fields],
    };
  });
  const orgByKey = new Map(organisations.map((org) => [org.key, org]));
  const seedByKey = new Map(organisationSeeds.map((seed) => [seed.key, seed]));
  const org = (key: string): DemoOrganisation => {
    const found = orgByKey.get(key);
    check(found !== undefined, `unknown organisation ${key}`);
    return found;
  };

  // —— Users ——
  const users: DemoUser[] = [];
  let phoneCounter = 0;
  const addUser = (email: string, name: string, created: Date): DemoUser => {
    phoneCounter += 1;
    const user: DemoUser = {
      email,
      display_name: name,
      phone: `138${String(phoneCounter).padStart(8, '0')}`,
      created_at: created,
      platform_role: null,
      memberships: [],
      manager: null,
    };
    users.push(user);
    return user;
  };
  const bureau = org('bureau');
  for (const seed of staffSeeds) {
    const user = addUser(seed.email, seed.name, new Date(bureau.created_at.getTime() + HOUR));
    user.platform_role = {
      role: seed.role,
      granted_by: seed.email === BUREAU_ADMIN_EMAIL ? null : BUREAU_ADMIN_EMAIL,
    };
    user.memberships.push({
      organisation: 'bureau',
      role: seed.email === BUREAU_ADMIN_EMAIL ? 'owner' : 'member',
      status: 'active',
      created_at: user.created_at,
    });
  }
  /** Who may write listings for an organisation: the owner, then active members. */
  const authors = new Map<string, DemoUser[]>();
  for (const organisation of organisations) {
    if (organisation.key === 'bureau') {
      authors.set('bureau', users.slice(0, 1));
      continue;
    }
    const seed = seedByKey.get(organisation.key);
    check(seed !== undefined, `no seed for ${organisation.key}`);
    const owner = addUser(
      `owner-${organisation.key}@${DEMO_DOMAIN}`,
      seed.owner,
      new Date(organisation.created_at.getTime() + 10 * MINUTE),
    );
    owner.memberships.push({
      organisation: organisation.key,
      role: 'owner',
      status: 'active',
      created_at: owner.created_at,
    });
    authors.set(organisation.key, [owner]);
  }
  for (const seed of managerSeeds) {
    const agency = org(seed.agency);
    check(agency.type === 'agency', `${seed.agency} is not an agency`);
    const user = addUser(
      seed.email,
      seed.name,
      new Date(agency.created_at.getTime() + random.int(1, 9) * DAY),
    );
    user.platform_role = { role: 'manager', granted_by: BUREAU_ADMIN_EMAIL };
    user.manager = {
      grade: seed.grade,
      certificate_no: seed.certificateNo,
      agency: seed.agency,
      fields: [...seed.fields],
      bio: seed.bio,
    };
    user.memberships.push({
      organisation: seed.agency,
      role: 'member',
      status: 'active',
      created_at: user.created_at,
    });
  }
  for (const seed of memberSeeds) {
    const organisation = org(seed.organisation);
    const created =
      seed.status === 'requested'
        ? daysAgo(2)
        : new Date(organisation.created_at.getTime() + random.int(1, 5) * DAY);
    const user = addUser(seed.email, seed.name, created);
    user.memberships.push({
      organisation: seed.organisation,
      role: 'member',
      status: seed.status,
      created_at: created,
    });
    if (seed.status === 'active') authors.get(seed.organisation)?.push(user);
  }

  // —— Listings ——
  const verified = organisations.filter((o) => o.verification === 'verified');
  const enterprises = verified.filter((o) => o.type === 'enterprise');
  const academics = verified.filter((o) => o.type === 'university' || o.type === 'institute');
  const publicBodies = verified.filter((o) => o.type === 'public_body');
  const rotation = new Map<string, number>();
  /** Round-robin over the candidates working in `field` (then `also`): listings spread over organisations. */
  const choose = (pool: DemoOrganisation[], fields: FieldCode[], slot: string): DemoOrganisation | null => {
    for (const field of fields) {
      const candidates = pool.filter((o) => o.fields.includes(field));
      if (candidates.length === 0) continue;
      const key = `${slot}:${field}`;
      const turn = rotation.get(key) ?? 0;
      rotation.set(key, turn + 1);
      return at(candidates, turn % candidates.length);
    }
    return null;
  };

  const titles = new Set<string>();
  const listings: DemoListing[] = [];
  const usedOtherStates = new Set<string>();

  const finish = (
    material: FieldMaterial,
    kind: ListingKind,
    title: string,
    also: FieldCode | undefined,
    owner: DemoOrganisation,
    fill: (row: DemoListingRow, author: DemoUser, status: ListingStatus) => void,
  ) => {
    check(!titles.has(title), `duplicate title ${title}`);
    check(owner.verification !== 'rejected', `${title}: posted by a rejected organisation`);
    titles.add(title);
    const state = OTHER_STATES[title];
    if (state) usedOtherStates.add(title);
    const status: ListingStatus = state?.status ?? 'published';
    check(
      owner.verification === 'verified' || status === 'draft' || status === 'submitted',
      `${title}: an unverified organisation can only have drafts and submissions`,
    );
    const team = authors.get(owner.key) ?? [];
    const author =
      team.length > 1 && random.chance(0.35) ? at(team, random.int(1, team.length - 1)) : at(team, 0);
    const reviewer = BUREAU_REVIEWER_EMAIL;

    // Life cycle dates.
    let published: Date | null = null;
    let submitted: Date | null = null;
    let created: Date;
    const events: DemoListingEvent[] = [];
    /** A time on the day `days` ago, moved before `limit` if it is not earlier already. */
    const before = (days: number, limit: Date) => {
      const time = daysAgo(days);
      return time < limit ? time : new Date(limit.getTime() - random.int(20, 180) * MINUTE);
    };
    if (status === 'draft') {
      created = daysAgo(random.int(1, 8));
    } else if (status === 'submitted') {
      submitted = before(random.int(0, 2), new Date(now.getTime() - 2 * HOUR));
      created = before(random.int(3, 6), submitted);
    } else if (status === 'rejected') {
      const day = random.int(4, 15);
      submitted = daysAgo(day);
      created = before(day + random.int(0, 3), submitted);
    } else {
      const day =
        status === 'expired'
          ? random.int(LISTING_LIFETIME_DAYS + 5, LISTING_LIFETIME_DAYS + 20)
          : status === 'withdrawn'
            ? random.int(30, 120)
            : random.int(1, 170);
      published = daysAgo(day);
      submitted = before(day + random.int(0, 3), published);
      created = before(day + random.int(3, 8), submitted);
    }
    const authorJoined = author.created_at.getTime();
    check(created.getTime() > authorJoined, `${title} created before its author joined`);

    if (submitted) {
      events.push({
        type: 'submitted',
        from_status: 'draft',
        to_status: 'submitted',
        actor: author.email,
        note: null,
        created_at: submitted,
      });
    }
    if (published) {
      events.push({
        type: 'published',
        from_status: 'submitted',
        to_status: 'published',
        actor: reviewer,
        note: null,
        created_at: published,
      });
    }
    const expires = published ? new Date(published.getTime() + LISTING_LIFETIME_DAYS * DAY) : null;
    if (status === 'expired' && expires) {
      events.push({
        type: 'expired',
        from_status: 'published',
        to_status: 'expired',
        actor: null,
        note: '有效期届满，系统自动下架',
        created_at: expires,
      });
    }
    if (status === 'withdrawn' && published) {
      events.push({
        type: 'withdrawn',
        from_status: 'published',
        to_status: 'withdrawn',
        actor: author.email,
        note: state?.note ?? null,
        created_at: new Date(published.getTime() + random.int(10, 25) * DAY),
      });
    }
    if (status === 'rejected' && submitted) {
      events.push({
        type: 'rejected',
        from_status: 'submitted',
        to_status: 'rejected',
        actor: reviewer,
        note: state?.note ?? null,
        created_at: new Date(submitted.getTime() + random.int(4 * 60, 30 * 60) * MINUTE),
      });
    }

    const row = blankRow(kind, created);
    row.status = status;
    row.title = title;
    row.region = owner.region;
    // About 5% for staff and brokers only, 15% for verified members, the rest public.
    const tier = listings.length % 20;
    row.confidentiality =
      tier === 7 ? 'staff' : tier === 2 || tier === 11 || tier === 16 ? 'members' : 'public';
    row.contact_name = author.display_name;
    row.contact_phone = author.phone;
    row.contact_email = author.email;
    row.submitted_at = submitted;
    row.published_at = published;
    row.expires_at = expires;
    row.rejection_reason = status === 'rejected' ? (state?.note ?? null) : null;
    row.updated_at = events.at(-1)?.created_at ?? created;
    fill(row, author, status);

    check(
      row.summary.length >= 80 && row.summary.length <= 300,
      `summary length ${row.summary.length}: ${title}`,
    );
    check(
      row.detail.length >= 200 && row.detail.length <= 600,
      `detail length ${row.detail.length}: ${title}`,
    );
    check(row.keywords.length >= 3 && row.keywords.length <= 6, `keywords of ${title}`);
    const fields = also && also !== material.code ? [material.code, also] : [material.code];
    listings.push({ organisation: owner.key, created_by: author.email, fields, events, row });
  };

  for (const material of FIELD_MATERIALS) {
    // Technical demands (技术需求): enterprises (a few public bodies).
    for (const seed of material.demands) {
      const fields = [material.code, ...(seed.also ? [seed.also] : [])];
      const owner = seed.by ? org(seed.by) : (choose(enterprises, fields, 'demand') ?? at(enterprises, 0));
      finish(material, 'demand', seed.title, seed.also, owner, (row) => {
        const targets = split(seed.targets, '；');
        check(targets.length >= 2, `targets of ${seed.title}`);
        let summary = `${seed.problem}。${DEMAND_LEAD[seed.type]}${targets.join('；')}。`;
        if (summary.length < 80) summary += `${material.support}。`;
        const [low, high] = DEMAND_BUDGET[seed.type];
        const max = random.amount(low, high, high > 100 ? 10 : 5);
        const min = random.chance(0.2) ? null : Math.min(max, random.amount(max * 0.4, max * 0.8, 5));
        check(min === null || (min >= 0 && min <= max), `budget of ${seed.title}`);
        const deadline = isoDate(new Date(now.getTime() + random.int(30, 365) * DAY));
        const modes = random.subset(DEMAND_MODES[seed.type], 1, 2);
        const ip = random.pick(IP_EXPECTATIONS[seed.type]);
        const budget = min === null ? `不超过${max}万元` : `${min}–${max}万元`;
        const service = seed.type === 'testing' || seed.type === 'consulting';
        row.demand_type = seed.type;
        row.summary = summary;
        row.indicators = numbered(targets);
        row.budget_min_wan = min;
        row.budget_max_wan = max;
        row.deadline = deadline;
        row.cooperation_modes = modes;
        row.ip_expectation = ip;
        row.keywords = split(seed.keywords, '、');
        row.detail = [
          `一、需求背景：${material.context}。${seed.problem}，` +
            `已成为制约${owner.short_name}${DEMAND_GOAL[seed.type]}的主要瓶颈。`,
          `二、考核指标：${row.indicators}`,
          `三、合作方式：拟采用${modesText(modes)}方式，预算${budget}，` +
            `期望于${chineseDate(deadline)}前完成；` +
            `成果归属：${ip}。`,
          `四、配套条件：${material.support}。`,
          `五、合作方要求：${random.pick(service ? SERVICE_REQUIREMENTS : PARTNER_REQUIREMENTS)}。`,
        ].join('\n');
      });
    }

    // Achievements (科技成果): universities and institutes, unless the seed names an enterprise.
    for (const seed of material.achievements) {
      const fields = [material.code, ...(seed.also ? [seed.also] : [])];
      const owner = seed.by ? org(seed.by) : (choose(academics, fields, 'achievement') ?? at(academics, 0));
      finish(material, 'achievement', seed.title, seed.also, owner, (row) => {
        const points = split(seed.points, '；');
        check(points.length >= 1 && points.length <= 3, `innovation points of ${seed.title}`);
        const trl = seed.trl ?? random.int(4, 7);
        check(trl >= 1 && trl <= 9, `trl of ${seed.title}`);
        const academic = owner.type === 'university' || owner.type === 'institute';
        const ownerSeed = seedByKey.get(owner.key);
        const teams = ownerSeed?.teams ?? [];
        const teamIndex = fields.map((f) => owner.fields.indexOf(f)).find((i) => i >= 0) ?? -1;
        const teamName =
          teams.length === 0
            ? `${owner.short_name}研发中心`
            : (teams[teamIndex] ?? at(teams, random.int(0, teams.length - 1)));
        const team = academic
          ? `${teamName}（教授${random.int(1, 3)}人、副教授${random.int(1, 4)}人、博士${random.int(3, 8)}人）`
          : `${teamName}（高级工程师${random.int(2, 5)}人、工程师${random.int(4, 12)}人）`;
        const stage =
          trl <= 3
            ? '目前处于原理验证阶段'
            : trl === 4
              ? '已完成实验室小试验证'
              : trl === 5
                ? '已完成关键环节中试验证'
                : trl === 6
                  ? '已完成中试验证，具备小批量生产条件'
                  : trl === 7
                    ? '已在企业生产线开展示范应用'
                    : '已实现规模化应用';
        const adopted =
          trl >= 7
            ? `已在${random.int(2, 9)}家企业推广应用，运行稳定。`
            : trl >= 5
              ? '中试产品经第三方检测，各项指标达到设计要求。'
              : '已完成实验室验证，寻求企业合作开展中试放大。';
        const patents: string[] = [];
        const year = () => random.int(2019, 2025);
        const serial = () => random.int(100000, 1999999);
        if (seed.type === 'invention_patent') {
          for (let i = random.int(1, 2); i > 0; i--) patents.push(patentNumber(year(), 1, serial()));
        } else if (seed.type === 'utility_model') {
          patents.push(patentNumber(year(), 2, serial()));
        } else if (['process', 'material', 'equipment'].includes(seed.type) && random.chance(0.4)) {
          patents.push(patentNumber(year(), 1, serial()));
        }
        const protection =
          patents.length > 0
            ? `已获授权专利：${patents.join('、')}。`
            : seed.type === 'software'
              ? '已取得计算机软件著作权登记。'
              : seed.type === 'plant_variety'
                ? '已获植物新品种权，并通过自治区品种审定。'
                : seed.type === 'know_how'
                  ? '以技术秘密形式保护，签约后提供全套工艺文件和现场指导。'
                  : '核心工艺参数已固化，可提供工艺包、操作规程和人员培训。';
        const modes = academic
          ? random.subset(['transfer', 'license', 'equity', 'joint_development'] as Mode[], 1, 3)
          : random.subset(['transfer', 'license', 'joint_development', 'service'] as Mode[], 1, 2);
        const negotiable = random.chance(0.3);
        const [low, high] = ACHIEVEMENT_PRICE[seed.type];
        const price = negotiable ? null : random.amount(low, high, 5);
        row.achievement_type = seed.type;
        row.innovation_points = points;
        row.patent_numbers = patents;
        row.trl = trl;
        row.transfer_modes = modes;
        row.price_wan = price;
        row.price_negotiable = negotiable;
        row.team = team;
        row.advantages = `与国内同类技术相比，${at(points, 0)}。${adopted}`;
        row.keywords = split(seed.keywords, '、');
        let summary = `${seed.intro}。${points.join('；')}。${material.applies}。`;
        if (summary.length < 80) summary += `技术就绪度${trl}级，${stage}。`;
        row.summary = summary;
        row.detail = [
          `一、成果简介：${seed.intro}。该成果由${team}完成，${stage}。`,
          `二、创新点：${numbered(points)}`,
          `三、技术优势：${row.advantages}`,
          `四、应用前景：${material.applies}。${material.context}，成果具备较好的本地转化条件。`,
          `五、转化方式：${modesText(modes)}；` +
            `${price === null ? '价格面议' : `参考价格${price}万元`}。${protection}`,
        ].join('\n');
      });
    }

    // Scenarios (应用场景): enterprises for production scenarios, public bodies for the others.
    for (const seed of material.scenarios) {
      const fields = [material.code, ...(seed.also ? [seed.also] : [])];
      const issuerOrg = seed.issuer ? organisations.find((o) => o.name === seed.issuer) : undefined;
      const owner = seed.by
        ? org(seed.by)
        : seed.issuer
          ? (issuerOrg ?? bureau)
          : seed.type === 'production'
            ? (choose(enterprises, fields, 'scenario') ?? at(enterprises, 0))
            : (choose(publicBodies, fields, 'scenario-public') ??
              choose(enterprises, fields, 'scenario') ??
              bureau);
      finish(material, 'scenario', seed.title, seed.also, owner, (row) => {
        const targets = split(seed.targets, '；');
        check(targets.length >= 1, `targets of ${seed.title}`);
        const firstTrial = seed.title.includes('首试') || random.chance(0.4);
        const [low, high] = SCENARIO_INVESTMENT[seed.type];
        const investment = random.amount(low, high, 10);
        const start = new Date(now.getTime() + random.int(-20, 90) * DAY);
        const end = new Date(start.getTime() + random.int(180, 540) * DAY);
        const location =
          seed.location ??
          (seed.issuer && !issuerOrg
            ? '和林格尔县'
            : owner.region === '和林格尔县'
              ? owner.address
              : '和林格尔县盛乐经济园区');
        const issuingUnit = seed.issuer ?? owner.name;
        row.scenario_type = seed.type;
        row.issuing_unit = issuingUnit;
        row.location = location;
        row.expected_tech = seed.tech;
        row.investment_wan = investment;
        row.first_trial = firstTrial;
        row.period_start = isoDate(start);
        row.period_end = isoDate(end);
        row.region = '和林格尔县';
        row.keywords = split(seed.keywords, '、');
        const trial = firstTrial ? '支持首台（套）装备和新技术在本场景首试首用。' : '';
        let summary = `${seed.need}。拟引入${seed.tech}等技术，预期${targets.join('；')}。${trial}`;
        if (summary.length < 80) summary += `场景位于${location}。`;
        row.summary = summary;
        row.detail = [
          `一、场景概况：${material.context}。${seed.need}，场景位于${location}。`,
          `二、技术需求：${seed.tech}。`,
          `三、预期目标：${numbered(targets)}`,
          `四、开放条件：由${issuingUnit}负责场景协调，计划投入约${investment}万元，开放期` +
            `${chineseDate(row.period_start)}至${chineseDate(row.period_end)}。${trial}`,
          `五、参与方式：${random.pick(SCENARIO_PARTICIPATION)}。`,
        ].join('\n');
      });
    }
  }

  for (const title of Object.keys(OTHER_STATES)) {
    check(usedOtherStates.has(title), `OTHER_STATES names an unknown title: ${title}`);
  }

  // Oldest first, so that ids grow with time.
  listings.sort(
    (a, b) =>
      a.row.created_at.getTime() - b.row.created_at.getTime() || a.row.title.localeCompare(b.row.title),
  );

  // About ten published listings already synchronised with 蒙科聚 (from organisations registered there).
  const segment: Record<ListingKind, [string, string]> = {
    demand: ['XQ', 'demand'],
    achievement: ['CG', 'achievement'],
    scenario: ['CJ', 'scenario'],
  };
  let synced = 0;
  for (const listing of listings) {
    if (synced >= 10) break;
    if (listing.row.status !== 'published' || org(listing.organisation).mkj_id === null) continue;
    if (random.chance(0.5)) continue;
    const number = String(640 + synced * 37).padStart(6, '0');
    const [prefix, path] = segment[listing.row.kind];
    listing.row.mkj_id = `MKJ-${prefix}-${number}`;
    listing.row.mkj_url = `${MKJ_HOST}/${path}/${number}`;
    synced += 1;
  }

  return { organisations, users, listings };
}
