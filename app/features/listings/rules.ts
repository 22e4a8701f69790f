import { z } from 'zod';
import type { ListingDetailRow, ListingSummaryRow } from '../../../db/queries/listings.ts';
import { type Confidentiality, LISTING_KINDS, type ListingKind } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';

/*
 * Pure rules for listings: URL segments, query parameters, and what each viewer may see.
 * Which columns are public, tiered or never shown: docs/decisions/0003-public-fields.md.
 */

export const KIND_SEGMENT: Record<ListingKind, string> = {
  demand: 'demands',
  achievement: 'achievements',
  scenario: 'scenarios',
};

export const PAGE_SIZE = 20;
export const MAX_PER_PAGE = 100;

const pageParam = z.coerce
  .number({ error: zhCN.api.mustBeInteger })
  .int({ error: zhCN.api.mustBeInteger })
  .min(1, { error: zhCN.api.mustBeInteger })
  .max(100_000, { error: zhCN.api.mustBeInteger })
  .default(1);
const fieldParam = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,40}$/, { error: zhCN.api.unknownField })
  .optional();

/** Query string of the HTML index pages (/demands?field=dairy&page=2). */
export const indexQuerySchema = z.object({ page: pageParam, field: fieldParam });

/** Query string of GET /api/v1/listings. */
export const apiListQuerySchema = z.object({
  kind: z.enum(LISTING_KINDS, { error: zhCN.api.unknownKind }).optional(),
  field: fieldParam,
  page: pageParam,
  per_page: z.coerce
    .number({ error: zhCN.api.perPageRange })
    .int({ error: zhCN.api.perPageRange })
    .min(1, { error: zhCN.api.perPageRange })
    .max(MAX_PER_PAGE, { error: zhCN.api.perPageRange })
    .default(PAGE_SIZE),
});

/** A listing id in a URL (API: a malformed id is a 400 with this message). */
export const listingIdSchema = z.coerce
  .number({ error: zhCN.api.mustBeInteger })
  .int({ error: zhCN.api.mustBeInteger })
  .min(1, { error: zhCN.api.mustBeInteger })
  .max(2_147_483_647, { error: zhCN.api.mustBeInteger });

/**
 * Turns URLSearchParams into a plain object; empty values count as absent. NUL characters (%00) are dropped: no
 * browser sends one and PostgreSQL cannot compare with one (tests/fuzz: the audit filter answered 500).
 */
export function searchParamsObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of params) {
    const value = raw.replaceAll('\u0000', '');
    if (value !== '') out[key] = value;
  }
  return out;
}

/** Who is looking. Accounts arrive with issue 3; until then every visitor is anonymous. */
export interface ListingViewer {
  verifiedMember: boolean;
  staffOrManager: boolean;
}
export const ANONYMOUS: ListingViewer = { verifiedMember: false, staffOrManager: false };

/** May this viewer see a listing's detail tier (detail text, indicators, issuing organisation …)? */
export function canSeeDetail(confidentiality: Confidentiality, viewer: ListingViewer): boolean {
  switch (confidentiality) {
    case 'public':
      return true;
    case 'members':
      return viewer.verifiedMember || viewer.staffOrManager;
    case 'staff':
      return viewer.staffOrManager;
  }
}

export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** A listing card / API item: the public summary, plus the organisation when the tier allows it. */
export function toPublicSummary(row: ListingSummaryRow, viewer: ListingViewer) {
  const { organisation, ...rest } = row;
  const detailVisible = canSeeDetail(row.confidentiality, viewer);
  return {
    ...rest,
    published_at: toIso(row.published_at),
    expires_at: toIso(row.expires_at),
    organisation: detailVisible && organisation ? { id: organisation.id, name: organisation.name } : null,
    detail_visible: detailVisible,
  };
}

/** The detail page / API item: the detail tier is dropped (not blanked) when the viewer may not see it. */
export function toPublicDetail(row: ListingDetailRow, viewer: ListingViewer) {
  const summary = toPublicSummary(row, viewer);
  if (!summary.detail_visible) {
    return { ...summary, detail: null };
  }
  return {
    ...summary,
    organisation: row.organisation,
    detail: {
      text: row.detail,
      indicators: row.indicators,
      ip_expectation: row.ip_expectation,
      innovation_points: row.innovation_points,
      patent_numbers: row.patent_numbers,
      team: row.team,
      advantages: row.advantages,
      issuing_unit: row.issuing_unit,
      location: row.location,
      expected_tech: row.expected_tech,
    },
  };
}

export type PublicListingSummary = ReturnType<typeof toPublicSummary>;
export type PublicListingDetail = ReturnType<typeof toPublicDetail>;

function toIso(value: Date | string | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
