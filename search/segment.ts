import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import type { Highlighted } from './engine.ts';

/*
 * Chinese segmentation for the embedded engine (pure apart from the dictionary load).
 * Index side: jieba search-mode tokens plus CJK character bigrams (jieba alone misses 羊乳 inside 羊乳粉 and
 * 乳清 inside 乳清粉 — measured in shared/stack-notes.md). Query side: each CJK run matches either its jieba
 * words or all of its bigrams; Latin words as they are (typo tolerance is done by the engine with pg_trgm).
 */
let jieba: Jieba | undefined;
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const HAN = /\p{Script=Han}+/gu;
const WORDISH = /[\p{L}\p{N}]/u;
const LATIN_WORD = /[a-z0-9][a-z0-9.+-]*/g;
/** Longest lexeme kept (PostgreSQL allows 2 046 bytes; longer tokens are noise). */
const MAX_TOKEN = 40;

function bigrams(run: string): string[] {
  const chars = [...run];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

function clean(tokens: Iterable<string>): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const token = t.trim().toLowerCase();
    if (token && token.length <= MAX_TOKEN && WORDISH.test(token)) out.push(token);
  }
  return out;
}

/** Tokens to index for one text (with repeats, in order). */
export function indexTokens(text: string): string[] {
  const lower = text.toLowerCase();
  const tokens = clean(segmenter().cutForSearch(lower, true));
  for (const run of lower.match(HAN) ?? []) tokens.push(...bigrams(run));
  return tokens;
}

/** Quotes a lexeme for the tsvector / tsquery input syntax. */
export function quoteLexeme(token: string): string {
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A weighted tsvector literal: title A, keywords B, summary C, body D (positions capped per part). */
export function tsvectorLiteral(parts: { A?: string; B?: string; C?: string; D?: string }): string {
  const positions = new Map<string, string[]>();
  let position = 0;
  for (const weight of ['A', 'B', 'C', 'D'] as const) {
    const text = parts[weight];
    if (!text) continue;
    const tokens = indexTokens(text).slice(0, 2000);
    for (const token of tokens) {
      position = Math.min(position + 1, 16383);
      const list = positions.get(token) ?? [];
      if (list.length < 50) list.push(`${position}${weight}`);
      positions.set(token, list);
    }
  }
  return [...positions].map(([token, list]) => `${quoteLexeme(token)}:${list.join(',')}`).join(' ');
}

export interface ParsedQuery {
  /** tsquery literal, or null when the query has no searchable word. */
  tsquery: string | null;
  /** Words to highlight. */
  terms: string[];
  /** Latin words (candidates for typo correction). */
  latin: string[];
}

/**
 * Builds the tsquery: every part must match (AND). A CJK run matches its jieba words (a word of three or more
 * characters also matches through all its bigrams) or else all of the run's bigrams; a single character is a
 * prefix. `prefix`: the last part also matches as a prefix (search as you type). `any`: the parts are joined
 * with OR instead (a document holding any one part matches).
 */
export function parseQuery(
  q: string,
  options: { prefix?: boolean; replace?: Map<string, string>; any?: boolean } = {},
): ParsedQuery {
  const text = q.toLowerCase().slice(0, 200);
  const parts: string[] = [];
  const terms: string[] = [];
  const latin: string[] = [];
  const pieces = text.split(/(\p{Script=Han}+)/u).filter((p) => p.trim() !== '');
  pieces.forEach((piece, index) => {
    const last = index === pieces.length - 1 && options.prefix;
    if (/^\p{Script=Han}+$/u.test(piece)) {
      const chars = [...piece];
      if (chars.length === 1) {
        parts.push(`${quoteLexeme(piece)}:*`);
        terms.push(piece);
        return;
      }
      const words = clean(segmenter().cut(piece, false));
      const wordPart = words
        .map((w) => {
          const n = [...w].length;
          if (n === 1) return `${quoteLexeme(w)}:*`;
          if (n === 2) return quoteLexeme(w);
          return `(${quoteLexeme(w)} | ${bigrams(w).map(quoteLexeme).join(' & ')})`;
        })
        .join(' & ');
      const runBigrams = bigrams(piece).map(quoteLexeme).join(' & ');
      parts.push(words.length > 0 ? `((${wordPart}) | (${runBigrams}))` : `(${runBigrams})`);
      terms.push(...words.filter((w) => [...w].length > 1), piece);
      return;
    }
    const words = piece.match(LATIN_WORD) ?? [];
    words.forEach((word, i) => {
      const w = word.replace(/[.+-]+$/, '');
      if (!w) return;
      const corrected = options.replace?.get(w) ?? w;
      latin.push(w);
      terms.push(corrected);
      const isLast = last && i === words.length - 1;
      parts.push(`${quoteLexeme(corrected)}${isLast ? ':*' : ''}`);
    });
  });
  const tsquery = parts.length ? parts.join(options.any ? ' | ' : ' & ') : null;
  return { tsquery, terms: [...new Set(terms)], latin };
}

/** The jieba words of a text (accurate mode, lower case, no punctuation), e.g. to build a query from a title. */
export function words(text: string): string[] {
  return clean(segmenter().cut(text.toLowerCase(), false));
}

/** Marks every occurrence of the terms (longest first), case-insensitive; returns segments, never HTML. */
export function highlight(text: string, terms: readonly string[]): Highlighted {
  const needles = [...new Set(terms.filter((t) => t.length > 0))].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return [[text, false]];
  const lower = text.toLowerCase();
  const out: Highlighted = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const hit = needles.find((n) => lower.startsWith(n, i));
    if (hit) {
      if (plain) out.push([plain, false]);
      plain = '';
      out.push([text.slice(i, i + hit.length), true]);
      i += hit.length;
    } else {
      plain += text[i];
      i++;
    }
  }
  if (plain) out.push([plain, false]);
  return out;
}

/** A window of about `length` characters around the first match (summary snippets). */
export function snippet(text: string, terms: readonly string[], length = 120): string {
  if ([...text].length <= length) return text;
  const lower = text.toLowerCase();
  const first = Math.min(
    ...terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0),
    Number.POSITIVE_INFINITY,
  );
  const start = Number.isFinite(first) ? Math.max(0, first - Math.floor(length / 3)) : 0;
  const piece = text.slice(start, start + length);
  return `${start > 0 ? '…' : ''}${piece}${start + length < text.length ? '…' : ''}`;
}
