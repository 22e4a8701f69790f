import { z } from 'zod';
import {
  CHAIN_ACTIONS,
  type ChainAction,
  type EditionSection,
  LISTING_KINDS,
  type ListingKind,
} from '../../../db/schema.ts';
import type { SearchDocument } from '../../../search/engine.ts';
import { zhCN } from '../../i18n/zh-CN.ts';

/*
 * Pure rules of the scenario supply–demand list (场景供需清单): numbering and titles, the sections and their
 * grouping (section → chain action → field), the edition statistics, the forms' schemas and the scheduling
 * time. No I/O here; editions.server.ts does the reading and writing.
 *
 * An entry's snapshot is the listing's public search document (search/documents.ts) at the moment the edition was
 * published: the same public-field projection as the search index (docs/decisions/0003-public-fields.md), so a
 * confidential listing's organisation and detail never enter a published edition.
 */

const e = zhCN.editions.errors;

export type EntrySnapshot = SearchDocument;

export function sectionOf(kind: ListingKind): EditionSection {
  return kind === 'achievement' ? 'supply' : 'demand';
}

export function defaultTitle(year: number, number: number): string {
  return zhCN.editions.defaultTitle(year, number);
}

/** The year in the county's time zone (an edition created on 31 December at 23:30 UTC belongs to the new year). */
export function yearInChina(now: Date): number {
  return Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(now));
}

/** The next free number of a year, given the numbers already used. */
export function nextNumber(used: readonly number[]): number {
  return used.length === 0 ? 1 : Math.max(...used) + 1;
}

/** What a published entry's listing is now: live, withdrawn, expired, or hidden (back in review, say). */
export type LiveState = 'live' | 'withdrawn' | 'expired' | 'hidden';

export function liveStateOf(listing: { status: string; live: boolean } | undefined): LiveState {
  if (!listing) return 'hidden';
  if (listing.live) return 'live';
  if (listing.status === 'withdrawn') return 'withdrawn';
  if (listing.status === 'expired' || listing.status === 'published') return 'expired';
  return 'hidden';
}

/** What entry.snapshot holds once the edition is published: the public document and the entry's field name. */
export interface StoredSnapshot {
  document: EntrySnapshot;
  fieldName: string | null;
}

/** One entry as the pages, exports and statistics see it. */
export interface EditionEntryView {
  id: number;
  listingId: number;
  section: EditionSection;
  chainAction: ChainAction;
  fieldName: string | null;
  position: number;
  note: string;
  doc: EntrySnapshot;
  /** The listing's state now: a published edition keeps its snapshot but marks what was withdrawn or expired. */
  liveState: LiveState;
}

export interface FieldGroup {
  fieldName: string;
  entries: EditionEntryView[];
}
export interface ChainGroup {
  chainAction: ChainAction;
  fields: FieldGroup[];
}
export interface SectionGroup {
  section: EditionSection;
  count: number;
  chains: ChainGroup[];
}

const SECTIONS: readonly EditionSection[] = ['demand', 'supply'];

/**
 * Entries grouped for display and export: 需求清单 then 供给清单; within each, 强链 → 建链 → 布链; within each chain,
 * fields in order of first appearance (entries are already ordered by position). Empty sections are kept (count 0)
 * so that the page can say so.
 */
export function groupEntries(entries: readonly EditionEntryView[]): SectionGroup[] {
  const sorted = [...entries].sort((a, b) => a.position - b.position || a.id - b.id);
  return SECTIONS.map((section) => {
    const inSection = sorted.filter((x) => x.section === section);
    const chains: ChainGroup[] = [];
    for (const chainAction of CHAIN_ACTIONS) {
      const inChain = inSection.filter((x) => x.chainAction === chainAction);
      if (inChain.length === 0) continue;
      const byField = new Map<string, EditionEntryView[]>();
      for (const entry of inChain) {
        const name = entry.fieldName ?? zhCN.editions.uncategorised;
        byField.set(name, [...(byField.get(name) ?? []), entry]);
      }
      chains.push({
        chainAction,
        fields: [...byField].map(([fieldName, list]) => ({ fieldName, entries: list })),
      });
    }
    return { section, count: inSection.length, chains };
  });
}

export interface EditionStats {
  total: number;
  bySection: Record<EditionSection, number>;
  byKind: Record<ListingKind, number>;
  byChain: Record<ChainAction, number>;
  /** Field name → entries, most first, then by name. */
  byField: { fieldName: string; count: number }[];
}

export function editionStats(entries: readonly EditionEntryView[]): EditionStats {
  const bySection = { demand: 0, supply: 0 } as Record<EditionSection, number>;
  const byKind = Object.fromEntries(LISTING_KINDS.map((k) => [k, 0])) as Record<ListingKind, number>;
  const byChain = Object.fromEntries(CHAIN_ACTIONS.map((c) => [c, 0])) as Record<ChainAction, number>;
  const fields = new Map<string, number>();
  for (const entry of entries) {
    bySection[entry.section] += 1;
    byKind[entry.doc.kind] += 1;
    byChain[entry.chainAction] += 1;
    const name = entry.fieldName ?? zhCN.editions.uncategorised;
    fields.set(name, (fields.get(name) ?? 0) + 1);
  }
  const byField = [...fields]
    .map(([fieldName, count]) => ({ fieldName, count }))
    .sort((a, b) => b.count - a.count || a.fieldName.localeCompare(b.fieldName, 'zh-CN'));
  return { total: entries.length, bySection, byKind, byChain, byField };
}

/** The money column of an entry: a demand's budget ceiling, an achievement's price, a scenario's investment. */
export function entryAmount(doc: EntrySnapshot): number | null {
  return doc.amount_wan;
}

/**
 * The position an entry moves to: swaps with its neighbour in the same section. Returns the two positions to
 * exchange, or null at the edge.
 */
export function neighbourFor(
  entries: readonly { id: number; section: EditionSection; position: number }[],
  id: number,
  direction: 'up' | 'down',
): { a: { id: number; position: number }; b: { id: number; position: number } } | null {
  const entry = entries.find((x) => x.id === id);
  if (!entry) return null;
  const sameSection = entries
    .filter((x) => x.section === entry.section)
    .sort((a, b) => a.position - b.position || a.id - b.id);
  const index = sameSection.findIndex((x) => x.id === id);
  const other = sameSection[direction === 'up' ? index - 1 : index + 1];
  if (!other) return null;
  return { a: { id: entry.id, position: other.position }, b: { id: other.id, position: entry.position } };
}

/* ---------- forms ---------- */

const dateOnly = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: e.dateFormat })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), { error: e.dateFormat });
const optionalDate = z.preprocess((v) => (v === '' ? undefined : v), dateOnly.optional());

export const editionMetaSchema = z
  .object({
    title: z.string({ error: e.titleRequired }).trim().min(1, { error: e.titleRequired }).max(100, {
      error: e.titleRequired,
    }),
    year: z.coerce
      .number({ error: e.yearRange })
      .int({ error: e.yearRange })
      .min(2000, { error: e.yearRange })
      .max(2100, { error: e.yearRange }),
    number: z.coerce
      .number({ error: e.numberRange })
      .int({ error: e.numberRange })
      .min(1, { error: e.numberRange })
      .max(999, { error: e.numberRange }),
    period_start: optionalDate,
    period_end: optionalDate,
    introduction: z
      .string()
      .trim()
      .max(2000, { error: e.introductionTooLong })
      .optional()
      .transform((v) => v ?? ''),
  })
  .refine((v) => !v.period_start || !v.period_end || v.period_end >= v.period_start, {
    error: e.periodOrder,
    path: ['period_end'],
  });
export type EditionMeta = z.infer<typeof editionMetaSchema>;

export const versionSchema = z.coerce.number().int().min(1).max(2_147_483_647);

export const entryNoteSchema = z.object({
  note: z
    .string()
    .trim()
    .max(300, { error: e.noteTooLong })
    .optional()
    .transform((v) => v ?? ''),
  chain_action: z.enum(CHAIN_ACTIONS),
});

export const erratumSchema = z.object({
  body: z.string({ error: e.erratumRequired }).trim().min(1, { error: e.erratumRequired }).max(2000, {
    error: e.erratumRequired,
  }),
});

/**
 * A scheduled publishing time typed as Beijing time ('2026-12-01T09:00' from <input type="datetime-local">, or with
 * a space) → the instant. China has no daylight saving time: always UTC+8.
 */
export function parseScheduleTime(
  value: unknown,
  now: Date,
): { ok: true; at: Date } | { ok: false; error: string } {
  if (typeof value !== 'string') return { ok: false, error: e.scheduleFormat };
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2})?$/.exec(value.trim());
  if (!match) return { ok: false, error: e.scheduleFormat };
  const at = new Date(`${match[1]}T${match[2]}:00+08:00`);
  if (Number.isNaN(at.getTime())) return { ok: false, error: e.scheduleFormat };
  if (at.getTime() <= now.getTime()) return { ok: false, error: e.scheduleInPast };
  return { ok: true, at };
}

/** A published edition's address: /lists/2026/1 — digits only (no sign, exponent or leading zero). */
export const editionParamsSchema = z.object({
  year: z
    .string()
    .regex(/^[1-9][0-9]{3}$/)
    .transform(Number)
    .pipe(z.number().int().min(2000).max(2100)),
  number: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(999)),
});

/** The URL path of a published edition: /lists/2026/4 (stable: year and number never change once published). */
export function editionPath(edition: { year: number; number: number }): string {
  return `/lists/${edition.year}/${edition.number}`;
}
