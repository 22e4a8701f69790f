import { type Kysely, sql } from 'kysely';

/*
 * The embedded search engine's tables (issue 5): one row per live listing, public fields only, with a weighted
 * tsvector built in Node (jieba + CJK bigrams, search/segment.ts); and the Latin vocabulary for typo tolerance.
 * Derived data: `npm run search:reindex` rebuilds both from the listing tables. Frozen once landed.
 */
const statements = [
  `create table search_document (
     listing_id integer primary key,
     kind text not null,
     doc jsonb not null,
     tsv tsvector not null,
     field_codes text[] not null default '{}',
     region text not null,
     trl smallint,
     modes text[] not null default '{}',
     amount_wan numeric(12, 2),
     published_at timestamptz not null,
     expires_at timestamptz not null,
     indexed_at timestamptz not null default now()
   )`,
  // Serves: full-text matching (tsv @@ tsquery), the heart of every search with words.
  `create index search_document_tsv_idx on search_document using gin (tsv)`,
  `comment on index search_document_tsv_idx is 'full-text match of a search query'`,
  // Serves: searches without words (browse newest first) and the newest sort.
  `create index search_document_published_idx on search_document (published_at desc, listing_id desc)`,
  `comment on index search_document_published_idx is 'search without words, newest first'`,
  // Serves: the field filter (field_codes && $fields).
  `create index search_document_fields_idx on search_document using gin (field_codes)`,
  `comment on index search_document_fields_idx is 'search filtered by field'`,
  // Serves: the end of a full reindex (delete what the new build did not touch).
  `create index search_document_indexed_idx on search_document (indexed_at)`,
  `comment on index search_document_indexed_idx is 'reindex: remove documents not rebuilt'`,

  `create table search_term (
     term text primary key,
     docs integer not null default 0
   )`,
  // Serves: typo correction of Latin words (similarity search, pg_trgm), preferring frequent words.
  `create index search_term_trgm_idx on search_term using gin (term gin_trgm_ops)`,
  `comment on index search_term_trgm_idx is 'typo correction: similar Latin words'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop table if exists search_term').execute(db);
  await sql.raw('drop table if exists search_document').execute(db);
}
