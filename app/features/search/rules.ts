import { z } from 'zod';
import { LISTING_KINDS, MODES } from '../../../db/schema.ts';
import type { SearchQuery } from '../../../search/engine.ts';
import { zhCN } from '../../i18n/zh-CN.ts';

/* Search parameters (page and API share them), pure. Bad values → 400 with a Chinese message per field. */
const e = zhCN.search.errors;

const intParam = (min: number, max: number, message: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { error: message })
    .transform(Number)
    .pipe(z.number().min(min, { error: message }).max(max, { error: message }));

const moneyParam = z
  .string()
  .regex(/^\d{1,8}(\.\d{1,2})?$/, { error: e.money })
  .transform(Number);

const fieldCode = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, { error: e.field });

export const searchParamsSchema = z
  .strictObject(
    {
      q: z.string().max(200, { error: e.queryTooLong }).default(''),
      kind: z.enum(LISTING_KINDS, { error: e.kind }).optional(),
      field: z.array(fieldCode).max(18, { error: e.field }).default([]),
      region: z.string().max(40, { error: e.region }).optional(),
      mode: z
        .array(z.enum(MODES, { error: e.mode }))
        .max(8)
        .default([]),
      trl_min: intParam(1, 9, e.trl).optional(),
      trl_max: intParam(1, 9, e.trl).optional(),
      budget_min: moneyParam.optional(),
      budget_max: moneyParam.optional(),
      published_after: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, { error: e.date })
        .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00+08:00`)), { error: e.date })
        .optional(),
      sort: z.enum(['relevance', 'newest', 'budget'], { error: e.sort }).default('relevance'),
      page: intParam(1, 500, e.page).default(1),
      per_page: intParam(1, 100, e.perPage).default(20),
      prefix: z.enum(['1']).optional(),
    },
    { error: e.unknownParameter },
  )
  .superRefine((v, ctx) => {
    if (v.trl_min !== undefined && v.trl_max !== undefined && v.trl_min > v.trl_max) {
      ctx.addIssue({ code: 'custom', path: ['trl_max'], message: e.range });
    }
    if (v.budget_min !== undefined && v.budget_max !== undefined && v.budget_min > v.budget_max) {
      ctx.addIssue({ code: 'custom', path: ['budget_max'], message: e.range });
    }
  });

export type SearchParams = z.infer<typeof searchParamsSchema>;

const REPEATED = new Set(['field', 'mode']);

/**
 * URLSearchParams → the object the schema reads (repeated field/mode as arrays, empty values dropped). NUL
 * characters (%00) are dropped: no browser sends one and PostgreSQL cannot compare with one (found by tests/fuzz).
 */
export function searchParamsToObject(params: URLSearchParams, options: { dropUnknown?: boolean } = {}) {
  const known = new Set(Object.keys(searchParamsSchema.shape));
  const out: Record<string, string | string[]> = {};
  for (const [key, raw] of params) {
    const value = raw.replaceAll('\u0000', '');
    if (value === '' || (options.dropUnknown && !known.has(key))) continue;
    if (REPEATED.has(key)) out[key] = [...((out[key] as string[] | undefined) ?? []), value];
    else out[key] = value;
  }
  return out;
}

export function toSearchQuery(p: SearchParams): SearchQuery {
  return {
    q: p.q.trim(),
    kind: p.kind,
    fields: p.field,
    region: p.region,
    modes: p.mode,
    trlMin: p.trl_min,
    trlMax: p.trl_max,
    budgetMin: p.budget_min,
    budgetMax: p.budget_max,
    publishedAfter: p.published_after ? `${p.published_after}T00:00:00+08:00` : undefined,
    sort: p.sort,
    page: p.page,
    perPage: p.per_page,
    prefix: p.prefix === '1',
  };
}

/** The URL of the same search with one parameter value removed (filter chips). */
export function withoutParam(params: URLSearchParams, key: string, value?: string): string {
  const next = new URLSearchParams();
  for (const [k, v] of params) {
    if (k === 'page') continue;
    if (k === key && (value === undefined || v === value)) continue;
    next.append(k, v);
  }
  const s = next.toString();
  return s ? `?${s}` : '?';
}

/** The URL with one parameter set (or added, for repeated ones), back to page 1. */
export function withParam(params: URLSearchParams, key: string, value: string): string {
  const next = new URLSearchParams(params);
  next.delete('page');
  if (REPEATED.has(key)) {
    if (!next.getAll(key).includes(value)) next.append(key, value);
  } else next.set(key, value);
  return `?${next.toString()}`;
}
