import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGetListing, apiListListings } from '../../app/features/listings/api.server.ts';
import { browseListings, homePage, viewListing } from '../../app/features/listings/listings.server.ts';
import { ANONYMOUS } from '../../app/features/listings/rules.ts';
import type { AppContext } from '../../app/server/context.ts';
import type { DbHandle } from '../../db/client.ts';
import { reindexAll } from '../../search/indexer.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';

let handle: DbHandle;
let context: AppContext;
beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  context = testContext(handle);
});
afterAll(() => handle.close());

async function liveCount(kind?: string, fieldCode?: string): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from listing l
    where l.status = 'published' and l.expires_at > now()
      and (${kind ?? null}::text is null or l.kind = ${kind ?? null})
      and (${fieldCode ?? null}::text is null or exists (
        select 1 from listing_field lf join field f on f.id = lf.field_id
        where lf.listing_id = l.id and f.code = ${fieldCode ?? null}))`.execute(handle.db);
  return result.rows[0]!.n;
}

function apiArgs(path: string, params: Record<string, string> = {}) {
  return { request: new Request(`http://localhost${path}`), params, context } as Parameters<
    typeof apiListListings
  >[0];
}

describe('browsing published listings', () => {
  it('counts every live listing of a kind and pages through them without overlap', async () => {
    const total = await liveCount('demand');
    expect(total).toBeGreaterThan(40);
    const seen = new Set<number>();
    let page = 1;
    for (;;) {
      const result = await browseListings(handle.db, {
        kind: 'demand',
        page,
        perPage: 25,
        viewer: ANONYMOUS,
      });
      expect(result.total).toBe(total);
      for (const item of result.items) {
        expect(item.kind).toBe('demand');
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      if (page >= result.pages) break;
      page++;
    }
    expect(seen.size).toBe(total);
  });

  it('lists newest first', async () => {
    const { items } = await browseListings(handle.db, { page: 1, perPage: 50, viewer: ANONYMOUS });
    const dates = items.map((i) => i.published_at!);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('filters by field', async () => {
    const expected = await liveCount('achievement', 'dairy');
    expect(expected).toBeGreaterThan(0);
    const result = await browseListings(handle.db, {
      kind: 'achievement',
      fieldCode: 'dairy',
      page: 1,
      perPage: 100,
      viewer: ANONYMOUS,
    });
    expect(result.total).toBe(expected);
    for (const item of result.items) expect(item.fields.map((f) => f.code)).toContain('dairy');
  });

  it('hides drafts, submissions, rejected, withdrawn and expired listings', async () => {
    const hidden = await handle.db
      .selectFrom('listing')
      .select(['id', 'status'])
      .where((eb) => eb.or([eb('status', '!=', 'published'), eb('expires_at', '<=', new Date())]))
      .execute();
    expect(hidden.length).toBeGreaterThan(0);
    for (const row of hidden) expect(await viewListing(handle.db, row.id, ANONYMOUS)).toBeUndefined();
  });

  it('home page counts match the database', async () => {
    await reindexAll(handle.db, context.search);
    const home = await homePage(handle.db, context.search);
    expect(home.counts).toEqual({
      demand: await liveCount('demand'),
      achievement: await liveCount('achievement'),
      scenario: await liveCount('scenario'),
    });
    expect(home.newest).toHaveLength(9);
  });
});

describe('what an anonymous visitor sees', () => {
  it('never the contact details', async () => {
    const row = await handle.db
      .selectFrom('listing')
      .select('id')
      .where('status', '=', 'published')
      .where('contact_phone', 'is not', null)
      .executeTakeFirstOrThrow();
    const listing = await viewListing(handle.db, row.id, ANONYMOUS);
    const text = JSON.stringify(listing);
    expect(text).not.toMatch(/contact/);
    const contact = await handle.db
      .selectFrom('listing')
      .select('contact_phone')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(text).not.toContain(contact.contact_phone!);
  });

  it('the detail and the organisation of a public listing', async () => {
    const row = await handle.db
      .selectFrom('listing')
      .select(['id', 'detail'])
      .where('status', '=', 'published')
      .where('confidentiality', '=', 'public')
      .where('expires_at', '>', new Date())
      .executeTakeFirstOrThrow();
    const listing = await viewListing(handle.db, row.id, ANONYMOUS);
    expect(listing?.detail?.text).toBe(row.detail);
    expect(listing?.organisation?.name).toBeTruthy();
  });

  it('only the summary of a members-only listing: no detail, no organisation', async () => {
    const row = await handle.db
      .selectFrom('listing')
      .select(['id', 'detail', 'summary'])
      .where('status', '=', 'published')
      .where('confidentiality', '=', 'members')
      .where('expires_at', '>', new Date())
      .executeTakeFirstOrThrow();
    const listing = await viewListing(handle.db, row.id, ANONYMOUS);
    expect(listing?.summary).toBe(row.summary);
    expect(listing?.detail).toBeNull();
    expect(listing?.organisation).toBeNull();
    expect(JSON.stringify(listing)).not.toContain(row.detail);
  });
});

describe('JSON API', () => {
  it('lists with meta and honours kind, field and per_page', async () => {
    const response = await apiListListings(apiArgs('/api/v1/listings?kind=scenario&per_page=5&page=2'));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.meta).toEqual({
      page: 2,
      per_page: 5,
      total: await liveCount('scenario'),
      pages: Math.ceil((await liveCount('scenario')) / 5),
    });
    expect(body.data).toHaveLength(5);
    for (const item of body.data) expect(item.kind).toBe('scenario');
  });

  it('answers bad parameters with 400 and field-level Chinese messages', async () => {
    const response = await apiListListings(apiArgs('/api/v1/listings?per_page=0&kind=foo'));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.message).toBe('参数无效');
    expect(body.error.fields.per_page).toEqual(['每页条数须在 1 到 100 之间']);
    expect(body.error.fields.kind).toBeDefined();
  });

  it('answers an unknown field code with 400', async () => {
    const response = await apiListListings(apiArgs('/api/v1/listings?field=no-such-field'));
    expect(response.status).toBe(400);
    expect((await response.json()).error.fields.field).toEqual(['未知的产业领域代码']);
  });

  it('gets one listing, 404 for an unknown id, 400 for a malformed one', async () => {
    const { id } = await handle.db
      .selectFrom('listing')
      .select('id')
      .where('status', '=', 'published')
      .where('expires_at', '>', new Date())
      .executeTakeFirstOrThrow();
    const ok = await apiGetListing(apiArgs(`/api/v1/listings/${id}`, { id: String(id) }));
    expect(ok.status).toBe(200);
    expect((await ok.json()).data.id).toBe(id);
    const missing = await apiGetListing(apiArgs('/api/v1/listings/99999999', { id: '99999999' }));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toBe('信息不存在或未发布');
    const malformed = await apiGetListing(apiArgs('/api/v1/listings/abc', { id: 'abc' }));
    expect(malformed.status).toBe(400);
  });
});
