import type { ChainAction, EditionSection, ListingKind } from '../../../db/schema.ts';
import { formatBudget, formatDate, formatDateIso, formatPrice, formatWan } from '../../ui/format.ts';
import {
  type EditionEntryView,
  type EditionStats,
  editionPath,
  editionStats,
  groupEntries,
  type LiveState,
} from './rules.ts';

/*
 * What the edition pages (public page, staff preview, print view) render: plain serialisable data, built on the
 * server from the edition and its entry views. Only what the page shows leaves the server (no detail text).
 */

export interface EntryCard {
  id: number;
  listingId: number;
  /** 序号: running number within the section, in display order. */
  seq: number;
  kind: ListingKind;
  title: string;
  summary: string;
  organisation: string | null;
  region: string;
  trl: number | null;
  money: string | null;
  note: string;
  liveState: LiveState;
}

export interface EditionModel {
  id: number;
  title: string;
  year: number;
  number: number;
  path: string;
  publishedOn: string | null;
  period: { from: string; to: string } | null;
  introduction: string;
  sections: {
    section: EditionSection;
    count: number;
    chains: { chainAction: ChainAction; fields: { fieldName: string; entries: EntryCard[] }[] }[];
  }[];
  stats: EditionStats;
  errata: { id: number; body: string; on: string }[];
}

function money(doc: EditionEntryView['doc']): string | null {
  if (doc.kind === 'demand') return formatBudget(doc.budget_min_wan, doc.budget_max_wan);
  if (doc.kind === 'achievement') return formatPrice(doc.price_wan, doc.price_negotiable);
  return doc.investment_wan === null ? null : formatWan(doc.investment_wan);
}

function card(entry: EditionEntryView, seq: number): EntryCard {
  const { doc } = entry;
  return {
    id: entry.id,
    listingId: entry.listingId,
    seq,
    kind: doc.kind,
    title: doc.title,
    summary: doc.summary,
    organisation: doc.organisation_name,
    region: doc.region,
    trl: doc.trl,
    money: money(doc),
    note: entry.note,
    liveState: entry.liveState,
  };
}

export function editionModel(input: {
  edition: {
    id: number;
    title: string;
    year: number;
    number: number;
    period_start: string | null;
    period_end: string | null;
    introduction: string;
    published_at: Date | null;
  };
  entries: EditionEntryView[];
  errata: { id: number; body: string; published_at: Date }[];
}): EditionModel {
  const { edition, entries, errata } = input;
  return {
    id: edition.id,
    title: edition.title,
    year: edition.year,
    number: edition.number,
    path: editionPath(edition),
    publishedOn: edition.published_at ? formatDate(edition.published_at) : null,
    period:
      edition.period_start && edition.period_end
        ? { from: formatDateIso(edition.period_start), to: formatDateIso(edition.period_end) }
        : null,
    introduction: edition.introduction,
    sections: groupEntries(entries).map((s) => {
      let seq = 0;
      return {
        section: s.section,
        count: s.count,
        chains: s.chains.map((c) => ({
          chainAction: c.chainAction,
          fields: c.fields.map((f) => ({
            fieldName: f.fieldName,
            entries: f.entries.map((x) => card(x, ++seq)),
          })),
        })),
      };
    }),
    stats: editionStats(entries),
    errata: errata.map((x) => ({ id: x.id, body: x.body, on: formatDate(x.published_at) })),
  };
}
