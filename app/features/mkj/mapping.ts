import { z } from 'zod';
import {
  ACHIEVEMENT_TYPES,
  DEMAND_TYPES,
  GROWTH_TIERS,
  type GrowthTier,
  LISTING_KINDS,
  type ListingKind,
  MODES,
  type Mode,
  ORGANISATION_TYPES,
  type OrganisationType,
  SCENARIO_TYPES,
} from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import {
  COOPERATION_MODES,
  type FormValues,
  type ListingInput,
  parseListingForm,
  TRANSFER_MODES,
} from '../listings/form.ts';
import { isValidUscc, normaliseUscc, REGIONS } from '../orgs/rules.ts';

/*
 * The 蒙科聚 file format (pure; docs/mengkeju.md): header normalisation and aliases, one table's rows → typed
 * records (zod), Chinese labels → code values, field names → codes, and the reverse (records → cells) for the
 * export, so that an export reads back unchanged. Every problem is an ImportIssue: sheet, line (1-based, the
 * header is line 1), column as the file names it, reason in Chinese.
 *
 * Listing rows are finally checked by the listing form's own rules (parseListingForm): an imported listing meets
 * exactly what a listing typed into the form must meet.
 */

const mz = zhCN.mkj;
const e = mz.import.errors;
const columnsZh = mz.common.columns;

/* ---------- what the file readers give (files.server.ts) ---------- */

export interface RawRow {
  /** 1-based; the header row is line 1 (CSV: the record's first line in the file; JSON: array index + 2). */
  line: number;
  /** Aligned with the table's headers; '' for an empty cell. */
  cells: string[];
}

export interface RawTable {
  /** The sheet name (.xlsx, or a JSON object's key); null for a CSV file or a JSON array. */
  sheet: string | null;
  headers: string[];
  rows: RawRow[];
}

export interface ImportIssue {
  sheet: string | null;
  /** null: the problem concerns the whole file or table. */
  line: number | null;
  column: string | null;
  reason: string;
}

export type ImportFormat = 'csv' | 'xlsx' | 'json';

/** A read file: its tables, and the problems found while reading (any problem: nothing is imported). */
export interface ImportRows {
  format: ImportFormat;
  tables: RawTable[];
  issues: ImportIssue[];
  warnings: string[];
}

export type OrganisationKey = keyof typeof columnsZh.organisation;
export type ListingKey = keyof typeof columnsZh.listing;
export type Cell = string | number | null;

/* ---------- headers ---------- */

/**
 * A header as compared: NFKC (full-width brackets and letters become ASCII), lower case, without spaces,
 * underscores, hyphens, brackets, slashes, asterisks (required markers) and colons. 价格（万元）= 价格(万元) = 价格万元.
 */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-()[\]【】/*:：.·]/g, '');
}

/** Accepted besides the Chinese header of the dictionary (English names first). */
const ORGANISATION_ALIASES: Record<OrganisationKey, readonly string[]> = {
  mkj_id: ['mkj_id', 'mengkeju_id', '蒙科聚id', '蒙科聚单位编号', '单位编号'],
  name: ['name', 'organisation', 'organization', 'organisation_name', '机构名称', '企业名称'],
  short_name: ['short_name', '单位简称'],
  uscc: ['uscc', 'credit_code', '信用代码', '社会信用代码', '统一信用代码'],
  type: ['type', 'organisation_type', '类型', '机构类型'],
  region: ['region', '地区', '所属地区', '所在地'],
  address: ['address', '通讯地址', '单位地址', '详细地址'],
  website: ['website', '单位网址', '网站', '官网'],
  description: ['description', '单位简介', '介绍'],
  fields: ['fields', 'field', 'field_codes', '领域', '所属领域', '行业领域'],
  growth_tiers: ['growth_tiers', '资质', '企业资质认定'],
  mkj_url: ['mkj_url', 'url', 'link', '蒙科聚链接'],
  site_url: ['site_url', '本平台网址'],
};

const LISTING_ALIASES: Record<ListingKey, readonly string[]> = {
  mkj_id: ['mkj_id', 'mengkeju_id', '蒙科聚id', '信息编号'],
  kind: ['kind', '信息类型', '类别'],
  title: ['title', '成果名称', '需求名称', '场景名称', '标题', '项目名称'],
  org_mkj_id: ['organisation_mkj_id', 'org_mkj_id'],
  org_uscc: ['organisation_uscc', 'org_uscc', 'uscc', '信用代码', '社会信用代码', '单位统一社会信用代码'],
  org_name: ['organisation', 'organisation_name', 'org_name', '发布单位', '单位'],
  region: ['region', '地区', '所属地区'],
  fields: ['fields', 'field', 'field_codes', '领域', '所属领域', '行业领域'],
  keywords: ['keywords', '关键字'],
  summary: ['summary', '摘要', '简要介绍', '成果简介', '需求简介', '场景简介'],
  detail: ['detail', '详细说明', '详情', '详细内容'],
  indicators: ['indicators', '考核指标', '主要技术指标'],
  demand_type: ['demand_type'],
  cooperation_modes: ['cooperation_modes', '合作模式'],
  budget: ['budget', 'budget_wan', '预算', '资金预算'],
  deadline: ['deadline', '截止日期', '完成时限'],
  ip_expectation: ['ip_expectation', '知识产权要求'],
  achievement_type: ['achievement_type'],
  trl: ['trl', '技术成熟度', '成熟度'],
  transfer_modes: ['transfer_modes', '转让方式', '交易方式'],
  price: ['price', 'price_wan', '价格', '参考价格', '参考价格（万元）', '转让价格（万元）'],
  innovation_points: ['innovation_points', '主要创新点'],
  patent_numbers: ['patent_numbers', '专利/登记号', '专利号/登记号', '知识产权编号'],
  team: ['team', '团队介绍', '研发团队'],
  advantages: ['advantages', '与现有技术相比的优势', '优势'],
  scenario_type: ['scenario_type'],
  issuing_unit: ['issuing_unit'],
  location: ['location', '地点'],
  expected_tech: ['expected_tech'],
  investment: ['investment', 'investment_wan', '投资规模', '投资额（万元）'],
  first_trial: ['first_trial', '首试首用机会'],
  period_start: ['period_start', '开始日期'],
  period_end: ['period_end', '结束日期'],
  contact_name: ['contact_name'],
  contact_phone: ['contact_phone', '电话'],
  contact_email: ['contact_email', '邮箱'],
  mkj_url: ['mkj_url', 'url', 'link', '蒙科聚链接'],
  published_at: ['published_at'],
  expires_at: ['expires_at'],
  site_url: ['site_url', '本平台网址'],
};

/** Recognised but not imported: written by the export for people (dates, this platform's link). */
const IGNORED_LISTING_KEYS: readonly ListingKey[] = ['published_at', 'expires_at', 'site_url'];
const IGNORED_ORGANISATION_KEYS: readonly OrganisationKey[] = ['site_url'];

function headerLookup<K extends string>(
  canonical: Record<K, string>,
  aliases: Record<K, readonly string[]>,
  extra: Record<string, K> = {},
): Map<string, K> {
  const map = new Map<string, K>();
  for (const key of Object.keys(canonical) as K[]) {
    map.set(normaliseHeader(canonical[key]), key);
    for (const alias of aliases[key]) map.set(normaliseHeader(alias), key);
  }
  for (const [header, key] of Object.entries(extra)) map.set(normaliseHeader(header), key);
  return map;
}

const ORGANISATION_HEADERS = headerLookup(columnsZh.organisation, ORGANISATION_ALIASES);
const LISTING_HEADERS = headerLookup(columnsZh.listing, LISTING_ALIASES, {
  [columnsZh.titleByKind.achievement]: 'title',
  [columnsZh.titleByKind.demand]: 'title',
  [columnsZh.titleByKind.scenario]: 'title',
});

/** The kind a title header implies (成果名称 → achievement), if any. */
const KIND_BY_TITLE_HEADER = new Map<string, ListingKind>(
  LISTING_KINDS.map((kind) => [normaliseHeader(columnsZh.titleByKind[kind]), kind]),
);

export function organisationColumnOf(header: string): OrganisationKey | undefined {
  return ORGANISATION_HEADERS.get(normaliseHeader(header));
}

export function listingColumnOf(header: string): ListingKey | undefined {
  return LISTING_HEADERS.get(normaliseHeader(header));
}

/* ---------- tables ---------- */

export type TableType = { type: 'organisations' } | { type: 'listings'; kind: ListingKind | null };

const SHEET_TYPES = new Map<string, TableType>([
  ...[mz.common.sheets.organisations, '单位信息', 'organisations', 'organizations'].map(
    (name) => [normaliseHeader(name), { type: 'organisations' }] as [string, TableType],
  ),
  ...LISTING_KINDS.flatMap((kind) =>
    [mz.common.sheets[kind], zhCN.kind[kind], `${kind}s`, kind].map(
      (name) => [normaliseHeader(name), { type: 'listings', kind }] as [string, TableType],
    ),
  ),
]);

/** What a sheet name says the table holds (单位, 成果/科技成果, 需求/技术需求, 场景/应用场景), if anything. */
export function sheetType(sheet: string | null): TableType | undefined {
  return sheet === null ? undefined : SHEET_TYPES.get(normaliseHeader(sheet));
}

/** A table is of listings when it has a title column (名称, 成果名称…), else of organisations when it names them. */
export function classifyTable(table: Pick<RawTable, 'sheet' | 'headers'>): TableType | undefined {
  const bySheet = sheetType(table.sheet);
  if (bySheet) return bySheet;
  const titleHeader = table.headers.find((h) => listingColumnOf(h) === 'title');
  if (titleHeader !== undefined)
    return { type: 'listings', kind: KIND_BY_TITLE_HEADER.get(normaliseHeader(titleHeader)) ?? null };
  if (table.headers.some((h) => organisationColumnOf(h) === 'name')) return { type: 'organisations' };
  return undefined;
}

/* ---------- cell values ---------- */

/**
 * A cell as text: trimmed; the apostrophe the export puts before a leading = + - @ (spreadsheet formula guard)
 * is taken off again.
 */
export function cleanCell(value: string): string {
  const trimmed = value.replace(/^\uFEFF/, '').trim();
  return /^'[=+\-@\t\r]/.test(trimmed) ? trimmed.slice(1) : trimmed;
}

function lookupKey(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s/g, '');
}

/** Code values by their Chinese label, the code itself and a few synonyms. */
function codeLookup<T extends string>(
  codes: readonly T[],
  labels: Record<T, string>,
  synonyms: Record<string, T> = {},
) {
  const map = new Map<string, T>();
  for (const code of codes) {
    map.set(lookupKey(code), code);
    map.set(lookupKey(labels[code]), code);
  }
  for (const [word, code] of Object.entries(synonyms)) map.set(lookupKey(word), code);
  return {
    get: (value: string) => map.get(lookupKey(value)),
    allowed: codes.map((c) => labels[c]).join(zhCN.listSeparator),
  };
}

const KINDS = codeLookup(LISTING_KINDS, zhCN.kind, { 成果: 'achievement', 需求: 'demand', 场景: 'scenario' });
const ORGANISATION_TYPE_CODES = codeLookup(ORGANISATION_TYPES, zhCN.organisationType, {
  大学: 'university',
  高等院校: 'university',
  高等学校: 'university',
  科研机构: 'institute',
  研究院: 'institute',
  研究所: 'institute',
  服务机构: 'agency',
  技术转移机构: 'agency',
  政府机关: 'public_body',
  政府: 'public_body',
});
const DEMAND_TYPE_CODES = codeLookup(DEMAND_TYPES, zhCN.demandType);
const ACHIEVEMENT_TYPE_CODES = codeLookup(ACHIEVEMENT_TYPES, zhCN.achievementType, {
  实用新型专利: 'utility_model',
  软件著作权登记: 'software',
});
const SCENARIO_TYPE_CODES = codeLookup(SCENARIO_TYPES, zhCN.scenarioType);
const MODE_CODES = codeLookup(MODES, zhCN.mode, { 转让: 'transfer', 许可: 'license', 许可使用: 'license' });
const GROWTH_TIER_CODES = codeLookup(GROWTH_TIERS, zhCN.growthTier, {
  高企: 'high_tech',
  小巨人: 'little_giant',
  专精特新小巨人: 'little_giant',
});

/** Splits a list cell: 、 , ， ; ； | and line breaks. */
export function splitList(value: string): string[] {
  return value
    .split(/[,，、;；|\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The county first; a place inside a known city or province; anything else with a province: 其他省份. */
export function normaliseRegion(raw: string): (typeof REGIONS)[number] | null {
  const v = raw.normalize('NFKC').replace(/\s/g, '');
  if (v === '') return null;
  const exact = REGIONS.find((r) => r === v);
  if (exact) return exact;
  if (v.includes('和林格尔')) return '和林格尔县';
  if (v.includes('呼和浩特')) return '呼和浩特市';
  if (v.includes('包头')) return '包头市';
  if (v.includes('鄂尔多斯')) return '鄂尔多斯市';
  if (v.includes('内蒙古') || /(盟|旗)$/.test(v)) return '内蒙古其他盟市';
  for (const region of REGIONS) {
    const stem = region.replace(/[省市]$/, '');
    if (stem.length >= 2 && v.startsWith(stem) && !region.startsWith('其他')) return region;
  }
  if (/(省|自治区|特别行政区)/.test(v)) return '其他省份';
  return null;
}

/** 2026/6/30, 2026.6.30, 2026年6月30日 → 2026-06-30; anything else is left for the form's check. */
export function normaliseDate(value: string): string {
  const m = value.match(/^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T\s].*)?$/);
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : value;
}

/** 6, 6级, TRL6, TRL 6 级, "6 级：相关环境中系统样机演示" → "6" (the form checks 1–9). */
export function normaliseTrl(value: string): string {
  const v = value.normalize('NFKC').replace(/^\s*trl\s*/i, '');
  const m = v.match(/^(\d+)/);
  return m ? m[1]! : v.trim();
}

/** Amounts in 万元: the unit and currency signs are dropped; the form reads the number. */
function stripMoney(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/万元|万|元|¥|￥|rmb/gi, '')
    .replace(/\s/g, '');
}

const YES = new Set(['是', '有', '提供', 'y', 'yes', 'true', '1', '√', '✓']);
const NO = new Set(['否', '无', '不提供', 'n', 'no', 'false', '0', '×']);

/* ---------- zod cell schemas ---------- */

type Ctx = z.RefinementCtx;

function issue(ctx: Ctx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

const cell = z.string().transform(cleanCell);

const plainText = (max: number) =>
  cell.transform((v, ctx) => (v.length > max ? issue(ctx, e.tooLong(max)) : v));

const optionalText = (max: number) =>
  cell.transform((v, ctx) => (v === '' ? null : v.length > max ? issue(ctx, e.tooLong(max)) : v));

const mkjIdCell = cell.transform((v, ctx) => {
  if (v === '') return null;
  return /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(v) ? v : issue(ctx, e.mkjIdInvalid(v));
});

const urlCell = cell.transform((v, ctx) => {
  if (v === '') return null;
  return /^https?:\/\/\S+$/i.test(v) && v.length <= 500 ? v : issue(ctx, e.urlInvalid);
});

const usccCell = cell.transform((v, ctx) => {
  if (v === '') return null;
  const code = normaliseUscc(v);
  return isValidUscc(code) ? code : issue(ctx, e.usccInvalid(v));
});

function codedCell<T extends string>(lookup: ReturnType<typeof codeLookup<T>>) {
  return cell.transform((v, ctx): T | null => {
    if (v === '') return null;
    return lookup.get(v) ?? issue(ctx, e.unknownValue(v, lookup.allowed));
  });
}

function codedListCell<T extends string>(lookup: ReturnType<typeof codeLookup<T>>) {
  return cell.transform((v, ctx): T[] => {
    const out: T[] = [];
    for (const item of splitList(v)) {
      const code = lookup.get(item);
      if (!code) return issue(ctx, e.unknownValue(item, lookup.allowed));
      if (!out.includes(code)) out.push(code);
    }
    return out;
  });
}

const regionCell = cell.transform((v, ctx) => {
  if (v === '') return null;
  return normaliseRegion(v) ?? issue(ctx, e.unknownRegion(v));
});

/** A field (产业领域) as the taxonomy has it: code, Chinese name, still offered or not. */
export interface FieldRef {
  code: string;
  name: string;
  active: boolean;
}

function fieldsCell(fields: readonly FieldRef[]) {
  const byKey = new Map<string, FieldRef>();
  for (const f of fields) {
    byKey.set(lookupKey(f.code), f);
    byKey.set(lookupKey(f.name), f);
  }
  return cell.transform((v, ctx) => {
    const codes: string[] = [];
    for (const item of splitList(v)) {
      const field = byKey.get(lookupKey(item));
      if (!field) return issue(ctx, e.unknownField(item));
      if (!field.active) return issue(ctx, e.inactiveField(item));
      if (!codes.includes(field.code)) codes.push(field.code);
    }
    return codes;
  });
}

const booleanCell = cell.transform((v, ctx) => {
  if (v === '') return null;
  const key = lookupKey(v);
  if (YES.has(key)) return true;
  if (NO.has(key)) return false;
  return issue(ctx, e.notABoolean(v));
});

/** 价格（万元）: a number, or 面议. */
const priceCell = cell.transform((v) => {
  if (lookupKey(v) === lookupKey(mz.common.negotiable)) return { price: '', negotiable: true };
  return { price: stripMoney(v), negotiable: false };
});

/** 预算（万元）: "50-120", "50–120", "50至120" (range), "120" (ceiling), "50-" (floor only). */
const budgetCell = cell.transform((v, ctx) => {
  const s = stripMoney(v);
  if (s === '' || lookupKey(s) === lookupKey(mz.common.negotiable)) return { min: '', max: '' };
  const range = s.match(/^([\d.,，]*)(?:-|–|—|~|～|至|到)([\d.,，]*)$/);
  if (range) return { min: range[1]!, max: range[2]! };
  if (/^[\d.,，]+$/.test(s)) return { min: '', max: s };
  return issue(ctx, e.budgetInvalid);
});

const innovationPointsCell = cell.transform((v, ctx) => {
  const points = v
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  return points.length > 3 ? issue(ctx, zhCN.listingForm.errors.pointsTooMany) : points;
});

/* ---------- organisations ---------- */

export interface OrganisationValues {
  mkj_id?: string | null;
  name?: string;
  short_name?: string | null;
  uscc?: string | null;
  type?: OrganisationType | null;
  region?: string | null;
  address?: string | null;
  website?: string | null;
  description?: string;
  fields?: string[];
  growth_tiers?: GrowthTier[];
  mkj_url?: string | null;
}

export interface OrganisationRecord {
  sheet: string | null;
  line: number;
  /** The file's header of each present column (error messages name it). */
  headers: Partial<Record<OrganisationKey, string>>;
  /** Present columns only: a column the file does not have keeps the stored value. */
  values: OrganisationValues;
}

function organisationSchema(fields: readonly FieldRef[]) {
  return z
    .object({
      mkj_id: mkjIdCell,
      name: cell.transform((v, ctx) =>
        v === ''
          ? v
          : v.length < 2
            ? issue(ctx, e.tooShort(2))
            : v.length > 100
              ? issue(ctx, e.tooLong(100))
              : v,
      ),
      short_name: optionalText(40),
      uscc: usccCell,
      type: codedCell(ORGANISATION_TYPE_CODES),
      region: cell.transform((v, ctx) => {
        if (v === '') return null;
        const region = normaliseRegion(v) ?? v;
        return region.length > 40 ? issue(ctx, e.tooLong(40)) : region;
      }),
      address: optionalText(200),
      website: urlCell,
      description: plainText(2000),
      fields: fieldsCell(fields),
      growth_tiers: codedListCell(GROWTH_TIER_CODES),
      mkj_url: urlCell,
    })
    .partial();
}

/* ---------- listings ---------- */

/** The columns that only one kind has (the others' rows must leave them empty). */
export const KIND_KEYS: Record<ListingKind, readonly ListingKey[]> = {
  demand: ['demand_type', 'cooperation_modes', 'budget', 'deadline', 'ip_expectation'],
  achievement: [
    'achievement_type',
    'trl',
    'transfer_modes',
    'price',
    'innovation_points',
    'patent_numbers',
    'team',
    'advantages',
  ],
  scenario: [
    'scenario_type',
    'issuing_unit',
    'location',
    'expected_tech',
    'investment',
    'first_trial',
    'period_start',
    'period_end',
  ],
};
const KIND_OF_KEY = new Map<ListingKey, ListingKind>(
  LISTING_KINDS.flatMap((kind) => KIND_KEYS[kind].map((key) => [key, kind] as [ListingKey, ListingKind])),
);

function listingSchema(fields: readonly FieldRef[]) {
  return z
    .object({
      mkj_id: mkjIdCell,
      kind: codedCell(KINDS),
      title: cell,
      org_mkj_id: mkjIdCell,
      org_uscc: usccCell,
      org_name: optionalText(100),
      region: regionCell,
      fields: fieldsCell(fields),
      keywords: cell,
      summary: cell,
      detail: cell,
      indicators: cell,
      demand_type: codedCell(DEMAND_TYPE_CODES),
      cooperation_modes: codedListCell(MODE_CODES),
      budget: budgetCell,
      deadline: cell.transform(normaliseDate),
      ip_expectation: cell,
      achievement_type: codedCell(ACHIEVEMENT_TYPE_CODES),
      trl: cell.transform(normaliseTrl),
      transfer_modes: codedListCell(MODE_CODES),
      price: priceCell,
      innovation_points: innovationPointsCell,
      patent_numbers: cell,
      team: cell,
      advantages: cell,
      scenario_type: codedCell(SCENARIO_TYPE_CODES),
      issuing_unit: cell,
      location: cell,
      expected_tech: cell,
      investment: cell.transform(stripMoney),
      first_trial: booleanCell,
      period_start: cell.transform(normaliseDate),
      period_end: cell.transform(normaliseDate),
      contact_name: cell,
      contact_phone: cell,
      contact_email: cell,
      mkj_url: urlCell,
    })
    .partial();
}

type ListingValues = z.infer<ReturnType<typeof listingSchema>>;

export interface ListingRecord {
  sheet: string | null;
  line: number;
  kind: ListingKind;
  headers: Partial<Record<ListingKey, string>>;
  /** undefined: the file has no such column (a stored id is kept); null: empty. */
  mkj_id: string | null | undefined;
  mkj_url: string | null | undefined;
  title: string;
  org_mkj_id: string | null;
  org_uscc: string | null;
  org_name: string | null;
  /** Form values of the present columns only (merged over the stored listing's when it exists). */
  form: FormValues;
}

/** Which column a form field (or the listing column of the same name) belongs to. */
export const COLUMN_OF_FORM_KEY: Record<string, ListingKey> = {
  title: 'title',
  summary: 'summary',
  detail: 'detail',
  fieldCodes: 'fields',
  keywords: 'keywords',
  region: 'region',
  indicators: 'indicators',
  contact_name: 'contact_name',
  contact_phone: 'contact_phone',
  contact_email: 'contact_email',
  demand_type: 'demand_type',
  cooperation_modes: 'cooperation_modes',
  budget_min_wan: 'budget',
  budget_max_wan: 'budget',
  deadline: 'deadline',
  ip_expectation: 'ip_expectation',
  achievement_type: 'achievement_type',
  innovation_points: 'innovation_points',
  patent_numbers: 'patent_numbers',
  trl: 'trl',
  transfer_modes: 'transfer_modes',
  price_wan: 'price',
  price_negotiable: 'price',
  team: 'team',
  advantages: 'advantages',
  scenario_type: 'scenario_type',
  issuing_unit: 'issuing_unit',
  location: 'location',
  expected_tech: 'expected_tech',
  investment_wan: 'investment',
  first_trial: 'first_trial',
  period_start: 'period_start',
  period_end: 'period_end',
};

/** The present columns as the listing form's values (names of parseListingForm). */
function formValuesOf(kind: ListingKind, v: ListingValues): FormValues {
  const out: FormValues = {};
  const set = (key: string, value: string | string[] | null | undefined) => {
    if (value !== undefined) out[key] = value ?? '';
  };
  set('title', v.title);
  set('summary', v.summary);
  set('detail', v.detail);
  set('keywords', v.keywords === undefined ? undefined : splitList(v.keywords).join(zhCN.listSeparator));
  set('fieldCodes', v.fields);
  if (v.region !== undefined && v.region !== null) set('region', v.region);
  set('indicators', v.indicators);
  set('contact_name', v.contact_name);
  set('contact_phone', v.contact_phone);
  set('contact_email', v.contact_email);
  if (kind === 'demand') {
    set('demand_type', v.demand_type);
    set('cooperation_modes', v.cooperation_modes);
    if (v.budget) {
      set('budget_min_wan', v.budget.min);
      set('budget_max_wan', v.budget.max);
    }
    set('deadline', v.deadline);
    set('ip_expectation', v.ip_expectation);
  } else if (kind === 'achievement') {
    set('achievement_type', v.achievement_type);
    set('trl', v.trl);
    set('transfer_modes', v.transfer_modes);
    if (v.price) {
      set('price_wan', v.price.price);
      set('price_negotiable', v.price.negotiable ? 'on' : '');
    }
    if (v.innovation_points)
      for (const i of [0, 1, 2]) set(`innovation_point_${i + 1}`, v.innovation_points[i]);
    set('patent_numbers', v.patent_numbers);
    set('team', v.team);
    set('advantages', v.advantages);
  } else {
    set('scenario_type', v.scenario_type);
    set('issuing_unit', v.issuing_unit);
    set('location', v.location);
    set('expected_tech', v.expected_tech);
    set('investment_wan', v.investment);
    if (v.first_trial !== undefined) set('first_trial', v.first_trial ? 'on' : '');
    set('period_start', v.period_start);
    set('period_end', v.period_end);
  }
  return out;
}

/** Is a parsed cell empty (so that another kind's column may hold it)? */
function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value).every((x) => x === '' || x === false);
  return false;
}

/* ---------- rows → records ---------- */

export interface MappedRows {
  organisations: OrganisationRecord[];
  listings: ListingRecord[];
  issues: ImportIssue[];
  warnings: string[];
}

function isBlank(row: RawRow): boolean {
  return row.cells.every((c) => cleanCell(c) === '');
}

/** The file's header per key; duplicate columns (two headers for one key) are a table problem. */
function columnIndex<K extends string>(
  table: RawTable,
  keyOf: (header: string) => K | undefined,
  ignored: readonly K[],
  issues: ImportIssue[],
  warnings: string[],
) {
  const index = new Map<K, number>();
  const headers: Partial<Record<K, string>> = {};
  const unknown: string[] = [];
  let ok = true;
  table.headers.forEach((header, i) => {
    if (cleanCell(header) === '') return;
    const key = keyOf(header);
    if (!key) {
      unknown.push(cleanCell(header));
      return;
    }
    if (index.has(key) || headers[key] !== undefined) {
      issues.push({
        sheet: table.sheet,
        line: 1,
        column: header,
        reason: mz.import.file.duplicateHeader(header),
      });
      ok = false;
      return;
    }
    headers[key] = header;
    if (!ignored.includes(key)) index.set(key, i);
  });
  if (unknown.length)
    warnings.push(mz.import.warnings.ignoredColumns(table.sheet ?? '', unknown.join(zhCN.listSeparator)));
  return { index, headers, ok };
}

function zodIssues<K extends string>(
  error: z.ZodError,
  where: { sheet: string | null; line: number },
  headers: Partial<Record<K, string>>,
): ImportIssue[] {
  return error.issues.map((i) => {
    const key = String(i.path[0] ?? '') as K;
    return { ...where, column: headers[key] ?? null, reason: i.message };
  });
}

/**
 * Every table of a read file → typed records, or issues. A listing row's own kind comes from its 类型 cell, else
 * the sheet (成果/需求/场景), else the title header (成果名称…).
 */
export function mapRows(rows: ImportRows, fields: readonly FieldRef[]): MappedRows {
  const out: MappedRows = {
    organisations: [],
    listings: [],
    issues: [...rows.issues],
    warnings: [...rows.warnings],
  };
  const orgSchema = organisationSchema(fields);
  const lstSchema = listingSchema(fields);
  for (const table of rows.tables) {
    const type = classifyTable(table);
    if (!type) {
      out.issues.push({ sheet: table.sheet, line: 1, column: null, reason: mz.import.file.unknownTable });
      continue;
    }
    if (type.type === 'organisations') {
      const { index, headers, ok } = columnIndex(
        table,
        organisationColumnOf,
        IGNORED_ORGANISATION_KEYS,
        out.issues,
        out.warnings,
      );
      if (!ok) continue;
      for (const row of table.rows) {
        if (isBlank(row)) continue;
        const where = { sheet: table.sheet, line: row.line };
        const input = Object.fromEntries([...index].map(([key, i]) => [key, row.cells[i] ?? '']));
        const parsed = orgSchema.safeParse(input);
        if (!parsed.success) {
          out.issues.push(...zodIssues(parsed.error, where, headers));
          continue;
        }
        const values = parsed.data as OrganisationValues;
        if (!values.mkj_id && !values.uscc) {
          out.issues.push({ ...where, column: headers.uscc ?? columnsZh.organisation.uscc, reason: e.noKey });
          continue;
        }
        out.organisations.push({ ...where, headers, values });
      }
      continue;
    }
    const { index, headers, ok } = columnIndex(
      table,
      listingColumnOf,
      IGNORED_LISTING_KEYS,
      out.issues,
      out.warnings,
    );
    if (!ok) continue;
    const column = (key: ListingKey) => headers[key] ?? columnsZh.listing[key];
    for (const row of table.rows) {
      if (isBlank(row)) continue;
      const where = { sheet: table.sheet, line: row.line };
      const input = Object.fromEntries([...index].map(([key, i]) => [key, row.cells[i] ?? '']));
      const parsed = lstSchema.safeParse(input);
      if (!parsed.success) {
        out.issues.push(...zodIssues(parsed.error, where, headers));
        continue;
      }
      const v = parsed.data;
      const problems: ImportIssue[] = [];
      const kind = v.kind ?? type.kind;
      if (!kind) problems.push({ ...where, column: column('kind'), reason: e.noKind });
      else if (v.kind && type.kind && v.kind !== type.kind)
        problems.push({ ...where, column: column('kind'), reason: e.kindMismatch(zhCN.kind[type.kind]) });
      if (!v.title) problems.push({ ...where, column: column('title'), reason: e.required });
      if (!v.org_mkj_id && !v.org_uscc)
        problems.push({ ...where, column: column('org_uscc'), reason: e.noOrganisationRef });
      if (kind) {
        for (const [key, value] of Object.entries(v) as [ListingKey, unknown][]) {
          const owner = KIND_OF_KEY.get(key);
          if (owner && owner !== kind && !isEmptyValue(value))
            problems.push({ ...where, column: column(key), reason: e.notForKind(zhCN.kind[owner]) });
        }
        const allowed: readonly Mode[] | null =
          kind === 'demand' ? COOPERATION_MODES : kind === 'achievement' ? TRANSFER_MODES : null;
        const modesKey = kind === 'demand' ? 'cooperation_modes' : 'transfer_modes';
        for (const mode of (allowed && v[modesKey]) || [])
          if (!allowed!.includes(mode))
            problems.push({
              ...where,
              column: column(modesKey),
              reason: e.modeNotAllowed(zhCN.mode[mode], zhCN.kind[kind]),
            });
      }
      if (problems.length || !kind) {
        out.issues.push(...problems);
        continue;
      }
      out.listings.push({
        ...where,
        kind,
        headers,
        mkj_id: v.mkj_id,
        mkj_url: v.mkj_url,
        title: v.title!,
        org_mkj_id: v.org_mkj_id ?? null,
        org_uscc: v.org_uscc ?? null,
        org_name: v.org_name ?? null,
        form: formValuesOf(kind, v),
      });
    }
  }
  return out;
}

/* ---------- checks that need the stored record ---------- */

/**
 * A listing row checked by the listing form's rules, over the stored listing's values when it exists (`base`:
 * toFormValues of app/features/listings/form.ts). A new listing is public; its region defaults to the
 * organisation's. Deadlines in the past are allowed (蒙科聚 keeps them; the form refuses them only for new input).
 */
export function validateListing(
  record: ListingRecord,
  base: FormValues | null,
  defaultRegion: string | null,
): { ok: true; input: ListingInput } | { ok: false; issues: ImportIssue[] } {
  const merged: FormValues = { ...(base ?? {}), ...record.form };
  if (!base) merged.confidentiality = 'public';
  if (!merged.region) {
    const region = defaultRegion ? normaliseRegion(defaultRegion) : null;
    if (region) merged.region = region;
  }
  const parsed = parseListingForm(record.kind, merged, '0000-01-01');
  if (parsed.ok) return { ok: true, input: parsed.data };
  const issues: ImportIssue[] = [];
  for (const [formKey, messages] of Object.entries(parsed.fieldErrors)) {
    const key = COLUMN_OF_FORM_KEY[formKey];
    const column = key ? (record.headers[key] ?? columnsZh.listing[key]) : null;
    for (const reason of new Set(messages))
      issues.push({ sheet: record.sheet, line: record.line, column, reason });
  }
  return { ok: false, issues };
}

/** What a new organisation needs besides its key: name, type, region. */
export function missingForNewOrganisation(record: OrganisationRecord): ImportIssue[] {
  const where = { sheet: record.sheet, line: record.line };
  const issues: ImportIssue[] = [];
  for (const key of ['name', 'type', 'region'] as const) {
    if (record.values[key]) continue;
    issues.push({
      ...where,
      column: record.headers[key] ?? columnsZh.organisation[key],
      reason: record.headers[key] === undefined ? e.missingColumn : e.required,
    });
  }
  return issues;
}

/* ---------- records → cells (export) ---------- */

export const EXPORT_WHATS = ['organisations', 'listings', 'contracts'] as const;
export type ExportWhat = (typeof EXPORT_WHATS)[number];
export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The organisation columns in file order. */
export const ORGANISATION_EXPORT_KEYS: readonly OrganisationKey[] = [
  'mkj_id',
  'name',
  'short_name',
  'uscc',
  'type',
  'region',
  'address',
  'website',
  'description',
  'fields',
  'growth_tiers',
  'mkj_url',
  'site_url',
];

const LISTING_COMMON_HEAD: readonly ListingKey[] = [
  'mkj_id',
  'kind',
  'title',
  'org_mkj_id',
  'org_uscc',
  'org_name',
  'region',
  'fields',
  'keywords',
  'summary',
  'detail',
  'indicators',
];
const LISTING_COMMON_TAIL: readonly ListingKey[] = ['mkj_url', 'published_at', 'expires_at', 'site_url'];

/** The listing columns of a one-table file (.csv, .json): every kind's columns. */
export const LISTING_EXPORT_KEYS: readonly ListingKey[] = [
  ...LISTING_COMMON_HEAD,
  ...KIND_KEYS.demand,
  ...KIND_KEYS.achievement,
  ...KIND_KEYS.scenario,
  ...LISTING_COMMON_TAIL,
];

/** The columns of one kind's sheet (.xlsx): the common ones and that kind's, without 类型. */
export function listingSheetKeys(kind: ListingKind): readonly ListingKey[] {
  return [...LISTING_COMMON_HEAD.filter((k) => k !== 'kind'), ...KIND_KEYS[kind], ...LISTING_COMMON_TAIL];
}

/** The header of a listing column; a kind's sheet names its title column like 蒙科聚 (成果名称…). */
export function listingHeader(key: ListingKey, kind?: ListingKind): string {
  return key === 'title' && kind ? columnsZh.titleByKind[kind] : columnsZh.listing[key];
}

function joinList(values: readonly string[]): string | null {
  return values.length ? values.join(zhCN.listSeparator) : null;
}

function text(value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : value;
}

function amount(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

export interface ExportOrganisation {
  mkj_id: string | null;
  name: string;
  short_name: string | null;
  uscc: string | null;
  type: OrganisationType;
  region: string;
  address: string | null;
  website: string | null;
  description: string;
  growth_tiers: readonly GrowthTier[];
  mkj_url: string | null;
  /** Field names in taxonomy order. */
  field_names: readonly string[];
  site_url: string;
}

export function organisationCells(o: ExportOrganisation): Record<OrganisationKey, Cell> {
  return {
    mkj_id: o.mkj_id,
    name: o.name,
    short_name: text(o.short_name),
    uscc: o.uscc,
    type: zhCN.organisationType[o.type],
    region: o.region,
    address: text(o.address),
    website: text(o.website),
    description: text(o.description),
    fields: joinList(o.field_names),
    growth_tiers: joinList(o.growth_tiers.map((t) => zhCN.growthTier[t])),
    mkj_url: o.mkj_url,
    site_url: o.site_url,
  };
}

export interface ExportListing {
  kind: ListingKind;
  mkj_id: string | null;
  mkj_url: string | null;
  title: string;
  summary: string;
  detail: string;
  keywords: readonly string[];
  region: string;
  indicators: string | null;
  demand_type: (typeof DEMAND_TYPES)[number] | null;
  budget_min_wan: number | string | null;
  budget_max_wan: number | string | null;
  deadline: string | null;
  cooperation_modes: readonly Mode[];
  ip_expectation: string | null;
  achievement_type: (typeof ACHIEVEMENT_TYPES)[number] | null;
  innovation_points: readonly string[];
  patent_numbers: readonly string[];
  trl: number | null;
  transfer_modes: readonly Mode[];
  price_wan: number | string | null;
  price_negotiable: boolean;
  team: string | null;
  advantages: string | null;
  scenario_type: (typeof SCENARIO_TYPES)[number] | null;
  issuing_unit: string | null;
  location: string | null;
  expected_tech: string | null;
  investment_wan: number | string | null;
  first_trial: boolean;
  period_start: string | null;
  period_end: string | null;
  /** Field names in taxonomy order. */
  field_names: readonly string[];
  organisation: { mkj_id: string | null; uscc: string | null; name: string };
  /** YYYY-MM-DD (Beijing). */
  published_on: string | null;
  expires_on: string | null;
  site_url: string;
}

function budgetText(min: number | null, max: number | null): string | null {
  if (min !== null && max !== null) return `${min}-${max}`;
  if (max !== null) return String(max);
  if (min !== null) return `${min}-`;
  return null;
}

/** A listing's cells; the other kinds' columns are empty. Contact details are never exported. */
export function listingCells(l: ExportListing): Record<ListingKey, Cell> {
  const none = null;
  const isDemand = l.kind === 'demand';
  const isAchievement = l.kind === 'achievement';
  const isScenario = l.kind === 'scenario';
  return {
    mkj_id: l.mkj_id,
    kind: zhCN.kind[l.kind],
    title: l.title,
    org_mkj_id: l.organisation.mkj_id,
    org_uscc: l.organisation.uscc,
    org_name: l.organisation.name,
    region: l.region,
    fields: joinList(l.field_names),
    keywords: joinList(l.keywords),
    summary: l.summary,
    detail: text(l.detail),
    indicators: text(l.indicators),
    demand_type: isDemand && l.demand_type ? zhCN.demandType[l.demand_type] : none,
    cooperation_modes: isDemand ? joinList(l.cooperation_modes.map((m) => zhCN.mode[m])) : none,
    budget: isDemand ? budgetText(amount(l.budget_min_wan), amount(l.budget_max_wan)) : none,
    deadline: isDemand ? l.deadline : none,
    ip_expectation: isDemand ? text(l.ip_expectation) : none,
    achievement_type: isAchievement && l.achievement_type ? zhCN.achievementType[l.achievement_type] : none,
    trl: isAchievement ? l.trl : none,
    transfer_modes: isAchievement ? joinList(l.transfer_modes.map((m) => zhCN.mode[m])) : none,
    price: isAchievement ? (l.price_negotiable ? mz.common.negotiable : amount(l.price_wan)) : none,
    innovation_points: isAchievement && l.innovation_points.length ? l.innovation_points.join('\n') : none,
    patent_numbers: isAchievement ? joinList(l.patent_numbers) : none,
    team: isAchievement ? text(l.team) : none,
    advantages: isAchievement ? text(l.advantages) : none,
    scenario_type: isScenario && l.scenario_type ? zhCN.scenarioType[l.scenario_type] : none,
    issuing_unit: isScenario ? text(l.issuing_unit) : none,
    location: isScenario ? text(l.location) : none,
    expected_tech: isScenario ? text(l.expected_tech) : none,
    investment: isScenario ? amount(l.investment_wan) : none,
    first_trial: isScenario ? (l.first_trial ? mz.common.yes : mz.common.no) : none,
    period_start: isScenario ? l.period_start : none,
    period_end: isScenario ? l.period_end : none,
    contact_name: none,
    contact_phone: none,
    contact_email: none,
    mkj_url: l.mkj_url,
    published_at: l.published_on,
    expires_at: l.expires_on,
    site_url: l.site_url,
  };
}
