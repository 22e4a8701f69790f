import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import type {
  FacetCounts,
  SearchDocument,
  SearchEngine,
  SearchHit,
  SearchQuery,
  SearchResult,
} from './engine.ts';
import { highlight, parseQuery, quoteLexeme, snippet, tsvectorLiteral } from './segment.ts';

/*
 * The embedded engine: full-text search inside PostgreSQL / PGlite (same SQL on both). Documents live in
 * search_document with a weighted tsvector built in Node; hits, total and facet counts come from one statement.
 * Latin typo tolerance: a word that matches nothing is replaced by the most similar frequent word (pg_trgm).
 */

const RANK_WEIGHTS = '{0.1, 0.2, 0.4, 1.0}'; // D body, C summary, B keywords, A title
/**
 * match 'any': ranking reads every ranked match's tsvector (≈ 25 µs each on PGlite) and the words of a listing
 * can match thousands of documents, so only the newest ANY_RANK_WINDOW matches are ranked; older matches follow
 * them, newest first (docs/search.md).
 */
export const ANY_RANK_WINDOW = 250;

function latinWords(doc: SearchDocument): string[] {
  const text = [doc.title, doc.summary, doc.keywords.join(' '), doc.body].join(' ').toLowerCase();
  return [...new Set(text.match(/[a-z][a-z0-9-]{2,30}/g) ?? [])];
}

export function createPostgresEngine(db: Kysely<Database>): SearchEngine {
  async function upsertRows(documents: SearchDocument[], indexedAt: Date) {
    if (documents.length === 0) return;
    await db.transaction().execute(async (trx) => {
      const previous = await trx
        .selectFrom('search_document')
        .select(['listing_id', 'doc'])
        .where(
          'listing_id',
          'in',
          documents.map((d) => d.id),
        )
        .execute();
      const rows = documents.map((doc) => ({
        listing_id: doc.id,
        kind: doc.kind,
        doc: JSON.stringify(doc) as unknown as Record<string, unknown>,
        tsv: sql<string>`${tsvectorLiteral({
          A: doc.title,
          B: [...doc.keywords, ...doc.field_names].join(' '),
          C: doc.summary,
          D: doc.body,
        })}::tsvector` as unknown as string,
        field_codes: doc.field_codes,
        region: doc.region,
        trl: doc.trl,
        modes: doc.modes,
        amount_wan: doc.amount_wan,
        published_at: doc.published_at,
        expires_at: doc.expires_at,
        indexed_at: indexedAt,
      }));
      // One statement per 500 documents (a statement per document made a 100k reindex take minutes).
      for (let i = 0; i < rows.length; i += 500) {
        await trx
          .insertInto('search_document')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) =>
            oc.column('listing_id').doUpdateSet((eb) => ({
              kind: eb.ref('excluded.kind'),
              doc: eb.ref('excluded.doc'),
              tsv: eb.ref('excluded.tsv'),
              field_codes: eb.ref('excluded.field_codes'),
              region: eb.ref('excluded.region'),
              trl: eb.ref('excluded.trl'),
              modes: eb.ref('excluded.modes'),
              amount_wan: eb.ref('excluded.amount_wan'),
              published_at: eb.ref('excluded.published_at'),
              expires_at: eb.ref('excluded.expires_at'),
              indexed_at: eb.ref('excluded.indexed_at'),
            })),
          )
          .execute();
      }
      // The Latin vocabulary counts documents per word (new words of new documents only; a frequency hint).
      const seen = new Set(previous.map((p) => p.listing_id));
      const counts = new Map<string, number>();
      for (const doc of documents) {
        if (seen.has(doc.id)) continue;
        for (const w of latinWords(doc)) counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      if (counts.size > 0) {
        await trx
          .insertInto('search_term')
          .values([...counts].map(([term, docs]) => ({ term, docs })))
          .onConflict((oc) => oc.column('term').doUpdateSet({ docs: sql`search_term.docs + excluded.docs` }))
          .execute();
      }
    });
  }

  /** Latin words that match no document, mapped to the best similar frequent word. */
  async function corrections(words: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const word of words) {
      if (word.length < 4 || /\d/.test(word)) continue;
      // A word any document holds is never "corrected" (the vocabulary is only a frequency hint and may lag
      // behind updates).
      const present = await sql<{ found: boolean }>`
        select exists (select 1 from search_document where tsv @@ ${quoteLexeme(word)}::tsquery) as found`.execute(
        db,
      );
      if (present.rows[0]?.found) continue;
      const candidates = await sql<{ term: string; docs: number; sim: number }>`
        select term, docs, similarity(term, ${word}) as sim
        from search_term
        where term % ${word}
        order by sim desc
        limit 5`.execute(db);
      // Prefer frequent words among the similar ones (a rare truncated word must not win).
      const best = candidates.rows
        .filter((c) => c.sim >= 0.3)
        .sort((a, b) => b.sim + 0.08 * Math.log10(b.docs + 1) - (a.sim + 0.08 * Math.log10(a.docs + 1)))[0];
      if (best) out.set(word, best.term);
    }
    return out;
  }

  function filters(query: SearchQuery): RawBuilder<unknown>[] {
    const where: RawBuilder<unknown>[] = [sql`d.expires_at > now()`];
    if (query.kind) where.push(sql`d.kind = ${query.kind}`);
    if (query.fields?.length) where.push(sql`d.field_codes && ${query.fields}::text[]`);
    if (query.region) where.push(sql`d.region = ${query.region}`);
    if (query.modes?.length) where.push(sql`d.modes && ${query.modes}::text[]`);
    // Values are validated by the routes; the engine still ignores what is not a finite number or a date.
    const finite = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n);
    if (finite(query.trlMin)) where.push(sql`d.trl >= ${query.trlMin}`);
    if (finite(query.trlMax)) where.push(sql`d.trl <= ${query.trlMax}`);
    if (finite(query.budgetMin)) where.push(sql`d.amount_wan >= ${query.budgetMin}`);
    if (finite(query.budgetMax)) where.push(sql`d.amount_wan <= ${query.budgetMax}`);
    if (query.publishedAfter && !Number.isNaN(Date.parse(query.publishedAfter))) {
      where.push(sql`d.published_at >= ${new Date(query.publishedAfter)}`);
    }
    return where;
  }

  return {
    name: 'postgres',

    async setup() {
      // The tables come with the migrations; nothing else to prepare.
    },

    async upsert(documents) {
      await upsertRows(documents, new Date());
    },

    async delete(ids) {
      if (ids.length === 0) return;
      await db.deleteFrom('search_document').where('listing_id', 'in', ids).execute();
    },

    async count() {
      const row = await db
        .selectFrom('search_document')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      return row.n;
    },

    async reindex(batches) {
      // Rebuild in place: every document is rewritten with a new indexed_at, then whatever the rebuild did not
      // touch is removed. Readers see the old or the new document, never an empty index.
      const started = new Date();
      let count = 0;
      for await (const batch of batches) {
        await upsertRows(batch, started);
        count += batch.length;
      }
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('search_document').where('indexed_at', '<', started).execute();
        // The Latin vocabulary, recounted from the index itself (document frequency per word).
        await trx.deleteFrom('search_term').execute();
        await sql`insert into search_term (term, docs)
                  select word, ndoc from ts_stat('select tsv from search_document')
                  where word ~ '^[a-z][a-z0-9-]{2,30}$'`.execute(trx);
      });
      return { count };
    },

    async search(query) {
      const started = performance.now();
      const any = query.match === 'any';
      const first = parseQuery(query.q, { prefix: query.prefix, any });
      const replace = first.latin.length ? await corrections(first.latin) : new Map<string, string>();
      const parsed = replace.size ? parseQuery(query.q, { prefix: query.prefix, replace, any }) : first;
      const where = filters(query);
      const tsq = parsed.tsquery;
      if (tsq) where.push(sql`d.tsv @@ ${tsq}::tsquery`);
      // Ranking reads every match's tsvector: only when the order needs it ('any': the newest window only).
      const byRelevance = tsq !== null && query.sort === 'relevance';
      const windowed = byRelevance && any;
      const rankOf = (alias: string) =>
        sql`ts_rank_cd(${RANK_WEIGHTS}::float4[], ${sql.ref(`${alias}.tsv`)}, ${tsq}::tsquery)`;
      const rank = byRelevance && !windowed ? rankOf('d') : sql`0`;
      const order =
        query.sort === 'newest' || (!tsq && query.sort === 'relevance')
          ? sql`published_at desc, listing_id desc`
          : query.sort === 'budget'
            ? sql`amount_wan desc nulls last, published_at desc, listing_id desc`
            : sql`rank desc, published_at desc, listing_id desc`;
      const offset = (query.page - 1) * query.perPage;
      const newest = sql`published_at desc, listing_id desc`;
      // The page. 'any' by relevance: the newest window ranked, then (only when the page reaches past it) the
      // older matches, newest first.
      const page = windowed
        ? sql`window_rows as materialized (
                select listing_id, published_at, amount_wan from matched order by ${newest}
                limit ${ANY_RANK_WINDOW}
              ), ranked as materialized (
                select w.listing_id, w.published_at, w.amount_wan, ${rankOf('s')} as rank
                from window_rows w join search_document s using (listing_id)
              ), page as (
                select listing_id, published_at, amount_wan, rank from ranked
                union all
                (select listing_id, published_at, amount_wan, -1::real from matched
                 where ${sql.lit(offset + query.perPage > ANY_RANK_WINDOW)}
                 order by ${newest} offset ${ANY_RANK_WINDOW})
                order by ${order} limit ${query.perPage} offset ${offset}
              )`
        : sql`page as (
                select listing_id, published_at, amount_wan, rank
                from matched order by ${order} limit ${query.perPage} offset ${offset}
              )`;
      const withFacets = query.facets !== false;
      const facet = (select: RawBuilder<unknown>) =>
        withFacets ? sql`(select jsonb_object_agg(k, n) from (${select}) x)` : sql`null::jsonb`;
      const statement = sql<{
        total: number;
        hits: { doc: SearchDocument }[] | null;
        kind: Record<string, number> | null;
        field: Record<string, number> | null;
        region: Record<string, number> | null;
        trl: Record<string, number> | null;
        mode: Record<string, number> | null;
      }>`
        with matched as materialized (
          -- Narrow rows only (no document body): facets and the total read every match.
          select d.listing_id, d.kind, d.field_codes, d.region, d.trl, d.modes, d.amount_wan,
                 d.published_at, ${rank} as rank
          from search_document d
          where ${sql.join(where, sql` and `)}
        ), ${page}
        select
          (select count(*)::int from matched) as total,
          (select jsonb_agg(jsonb_build_object('doc', x.doc) order by ${order})
             from (select page.*, s.doc from page join search_document s using (listing_id)) x) as hits,
          ${facet(sql`select kind as k, count(*) as n from matched group by 1`)} as kind,
          ${facet(sql`select unnest(field_codes) as k, count(*) as n from matched group by 1`)} as field,
          ${facet(sql`select region as k, count(*) as n from matched group by 1`)} as region,
          ${facet(sql`select trl::text as k, count(*) as n from matched where trl is not null group by 1`)} as trl,
          ${facet(sql`select unnest(modes) as k, count(*) as n from matched group by 1`)} as mode`;
      // 'any': an OR of several words looks common to the planner, which then reads (and unpacks) every
      // tsvector of the table instead of using the GIN index (300 ms at 100k documents on PostgreSQL after
      // ANALYZE): keep the index for this statement.
      const result = any
        ? await db.transaction().execute(async (trx) => {
            await sql`set local enable_seqscan = off`.execute(trx);
            return statement.execute(trx);
          })
        : await statement.execute(db);
      const row = result.rows[0]!;
      const facets: FacetCounts = {
        kind: row.kind ?? {},
        field: row.field ?? {},
        region: row.region ?? {},
        trl: row.trl ?? {},
        mode: row.mode ?? {},
      };
      const hits: SearchHit[] = (row.hits ?? []).map(({ doc }) => {
        const summary = snippet(doc.summary, parsed.terms);
        return {
          id: doc.id,
          kind: doc.kind,
          title: doc.title,
          summary,
          highlight: { title: highlight(doc.title, parsed.terms), summary: highlight(summary, parsed.terms) },
          field_codes: doc.field_codes,
          field_names: doc.field_names,
          region: doc.region,
          trl: doc.trl,
          budget_min_wan: doc.budget_min_wan,
          budget_max_wan: doc.budget_max_wan,
          price_wan: doc.price_wan,
          price_negotiable: doc.price_negotiable,
          investment_wan: doc.investment_wan,
          organisation_name: doc.organisation_name,
          published_at: doc.published_at,
        };
      });
      return {
        hits,
        total: row.total,
        facets,
        tookMs: Math.round(performance.now() - started),
      } satisfies SearchResult;
    },
  };
}
