import { z } from 'zod';
import {
  ACHIEVEMENT_TYPES,
  CONFIDENTIALITIES,
  DEMAND_TYPES,
  type ListingKind,
  SCENARIO_TYPES,
} from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { REGIONS } from '../orgs/rules.ts';

/*
 * The create / edit forms of the three kinds, as zod schemas over the submitted form (pure). Field names are
 * the form's input names; `parseListingForm` returns column values or field-level Chinese messages.
 * Contact details are entered here but never shown publicly (docs/decisions/0003-public-fields.md).
 */
const m = zhCN.listingForm.errors;

export const TRANSFER_MODES = ['transfer', 'license', 'equity', 'joint_development', 'service'] as const;
export const COOPERATION_MODES = [
  'transfer',
  'license',
  'joint_development',
  'commissioned',
  'service',
  'consulting',
] as const;

const text = (min: number, max: number, required: string, tooLong: string) =>
  z.string({ error: required }).trim().min(min, { error: required }).max(max, { error: tooLong });
const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, { error: tooLong })
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .default(null);

const money = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (v === '') return null;
    const n = Number(v.replace(/[,，]/g, ''));
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: m.notANumber });
      return z.NEVER;
    }
    if (n < 0 || n > 10_000_000) {
      ctx.addIssue({ code: 'custom', message: m.moneyRange });
      return z.NEVER;
    }
    return Math.round(n * 100) / 100;
  })
  .nullable()
  .default(null);

const isoDate = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (v === '') return null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
      ctx.addIssue({ code: 'custom', message: m.dateInvalid });
      return z.NEVER;
    }
    return v;
  })
  .nullable()
  .default(null);

/** Splits "益生菌、发酵, 乳清" into terms; at most `max`, each ≤ 30 characters. */
function list(max: number, tooMany: string) {
  return z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(/[,，、;；\n]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().max(60, { error: m.itemTooLong })).max(max, { error: tooMany }));
}

const common = {
  title: text(4, 120, m.titleRequired, m.titleTooLong),
  summary: text(10, 600, m.summaryRequired, m.summaryTooLong),
  detail: z.string().trim().max(5000, { error: m.detailTooLong }).default(''),
  fieldCodes: z
    .array(z.string().regex(/^[a-z][a-z0-9-]{1,40}$/))
    .min(1, { error: m.fieldsRequired })
    .max(3, { error: m.fieldsTooMany }),
  keywords: list(8, m.keywordsTooMany),
  region: z.enum(REGIONS, { error: m.regionRequired }),
  confidentiality: z.enum(CONFIDENTIALITIES, { error: m.confidentialityRequired }),
  indicators: optionalText(2000, m.indicatorsTooLong),
  contact_name: optionalText(60, m.contactTooLong),
  contact_phone: z
    .string()
    .trim()
    .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})?$/, { error: zhCN.accounts.errors.phoneInvalid })
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .default(null),
  contact_email: z
    .string()
    .trim()
    .max(254)
    .refine((v) => v === '' || z.email().safeParse(v).success, { error: zhCN.accounts.errors.emailInvalid })
    .transform((v) => (v === '' ? null : v.toLowerCase()))
    .nullable()
    .default(null),
};

const demandSchema = z
  .object({
    ...common,
    indicators: text(10, 2000, m.indicatorsRequired, m.indicatorsTooLong),
    demand_type: z.enum(DEMAND_TYPES, { error: m.demandTypeRequired }),
    cooperation_modes: z.array(z.enum(COOPERATION_MODES)).min(1, { error: m.modesRequired }),
    budget_min_wan: money,
    budget_max_wan: money,
    deadline: isoDate,
    ip_expectation: optionalText(200, m.ipTooLong),
  })
  .superRefine((v, ctx) => {
    if (v.budget_min_wan !== null && v.budget_max_wan !== null && v.budget_min_wan > v.budget_max_wan) {
      ctx.addIssue({ code: 'custom', path: ['budget_max_wan'], message: m.budgetOrder });
    }
  });

const achievementSchema = z
  .object({
    ...common,
    achievement_type: z.enum(ACHIEVEMENT_TYPES, { error: m.achievementTypeRequired }),
    innovation_points: z
      .array(z.string().trim().max(200, { error: m.itemTooLong }))
      .max(3, { error: m.pointsTooMany }),
    patent_numbers: list(10, m.patentsTooMany),
    trl: z
      .string({ error: m.trlRequired })
      .trim()
      .min(1, { error: m.trlRequired })
      .regex(/^[1-9]$/, { error: m.trlRange })
      .transform(Number),
    transfer_modes: z.array(z.enum(TRANSFER_MODES)).min(1, { error: m.modesRequired }),
    price_wan: money,
    price_negotiable: z.boolean().default(false),
    team: optionalText(500, m.teamTooLong),
    advantages: optionalText(1000, m.advantagesTooLong),
  })
  .superRefine((v, ctx) => {
    if (v.price_wan === null && !v.price_negotiable) {
      ctx.addIssue({ code: 'custom', path: ['price_wan'], message: m.priceRequired });
    }
  });

const scenarioSchema = z
  .object({
    ...common,
    scenario_type: z.enum(SCENARIO_TYPES, { error: m.scenarioTypeRequired }),
    issuing_unit: text(2, 100, m.issuingUnitRequired, m.issuingUnitTooLong),
    location: optionalText(200, m.locationTooLong),
    expected_tech: optionalText(1000, m.expectedTechTooLong),
    investment_wan: money,
    first_trial: z.boolean().default(false),
    period_start: isoDate,
    period_end: isoDate,
  })
  .superRefine((v, ctx) => {
    if (v.period_start && v.period_end && v.period_start > v.period_end) {
      ctx.addIssue({ code: 'custom', path: ['period_end'], message: m.periodOrder });
    }
  });

export type DemandInput = z.infer<typeof demandSchema>;
export type AchievementInput = z.infer<typeof achievementSchema>;
export type ScenarioInput = z.infer<typeof scenarioSchema>;
export type ListingInput =
  | ({ kind: 'demand' } & DemandInput)
  | ({ kind: 'achievement' } & AchievementInput)
  | ({ kind: 'scenario' } & ScenarioInput);

export type FormValues = Record<string, string | string[]>;

const MULTI = ['fieldCodes', 'cooperation_modes', 'transfer_modes'] as const;

/** The submitted form with repeated names (checkbox groups) as arrays. */
export function collectFormValues(form: FormData): FormValues {
  const out: FormValues = {};
  for (const [key, value] of form) {
    if (typeof value !== 'string') continue;
    if ((MULTI as readonly string[]).includes(key))
      out[key] = [...((out[key] as string[] | undefined) ?? []), value];
    else out[key] = value;
  }
  return out;
}

function single(values: FormValues, key: string): string {
  const v = values[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/**
 * Parses a listing form of the given kind. `today` (YYYY-MM-DD, Beijing) refuses deadlines in the past.
 */
export function parseListingForm(
  kind: ListingKind,
  values: FormValues,
  today: string,
): { ok: true; data: ListingInput } | { ok: false; fieldErrors: Record<string, string[]> } {
  const base = {
    ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v])),
    fieldCodes: (values.fieldCodes as string[] | undefined) ?? [],
    cooperation_modes: (values.cooperation_modes as string[] | undefined) ?? [],
    transfer_modes: (values.transfer_modes as string[] | undefined) ?? [],
    innovation_points: [1, 2, 3]
      .map((i) => single(values, `innovation_point_${i}`))
      .filter((p) => p.trim() !== ''),
    price_negotiable: single(values, 'price_negotiable') === 'on',
    first_trial: single(values, 'first_trial') === 'on',
  };
  const schema =
    kind === 'demand' ? demandSchema : kind === 'achievement' ? achievementSchema : scenarioSchema;
  const parsed = schema.safeParse(base);
  const fieldErrors: Record<string, string[]> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '_');
      fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
    }
  }
  const deadline = single(values, 'deadline');
  if (kind === 'demand' && /^\d{4}-\d{2}-\d{2}$/.test(deadline) && deadline < today) {
    fieldErrors.deadline = [...(fieldErrors.deadline ?? []), m.deadlinePast];
  }
  if (!parsed.success || Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  return { ok: true, data: { kind, ...parsed.data } as ListingInput };
}

/** Today's date in Beijing as YYYY-MM-DD. */
export function todayInBeijing(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}

/** A stored listing as form values (edit page). Numbers and dates become the strings the inputs show. */
export function toFormValues(row: Record<string, unknown>, fieldCodes: readonly string[]): FormValues {
  const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const arr = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
  const points = arr(row.innovation_points);
  return {
    title: str(row.title),
    summary: str(row.summary),
    detail: str(row.detail),
    fieldCodes: [...fieldCodes],
    keywords: arr(row.keywords).join(zhCN.listSeparator),
    region: str(row.region),
    confidentiality: str(row.confidentiality),
    indicators: str(row.indicators),
    contact_name: str(row.contact_name),
    contact_phone: str(row.contact_phone),
    contact_email: str(row.contact_email),
    demand_type: str(row.demand_type),
    cooperation_modes: arr(row.cooperation_modes),
    budget_min_wan: str(row.budget_min_wan),
    budget_max_wan: str(row.budget_max_wan),
    deadline: str(row.deadline),
    ip_expectation: str(row.ip_expectation),
    achievement_type: str(row.achievement_type),
    innovation_point_1: points[0] ?? '',
    innovation_point_2: points[1] ?? '',
    innovation_point_3: points[2] ?? '',
    patent_numbers: arr(row.patent_numbers).join('，'),
    trl: str(row.trl),
    transfer_modes: arr(row.transfer_modes),
    price_wan: str(row.price_wan),
    price_negotiable: row.price_negotiable ? 'on' : '',
    team: str(row.team),
    advantages: str(row.advantages),
    scenario_type: str(row.scenario_type),
    issuing_unit: str(row.issuing_unit),
    location: str(row.location),
    expected_tech: str(row.expected_tech),
    investment_wan: str(row.investment_wan),
    first_trial: row.first_trial ? 'on' : '',
    period_start: str(row.period_start),
    period_end: str(row.period_end),
  };
}
