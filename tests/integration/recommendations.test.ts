import type { LoaderFunctionArgs } from '@remix-run/node';
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  queryTerms,
  type RecommendationList,
  recommendFor,
} from '../../app/features/matching/recommend.server.ts';
import { FRESH_DAYS, PILOT_MIN_TRL } from '../../app/features/matching/recommend-score.ts';
import { matchingZh } from '../../app/i18n/zh-CN/matching.ts';
import { loader as listingLoader } from '../../app/routes/listings.$id.tsx';
import { loader as myListingLoader } from '../../app/routes/my.listings.$id.tsx';
import { createSession } from '../../app/server/session.server.ts';
import type { DbHandle } from '../../db/client.ts';
import type { ListingTable, Mode } from '../../db/schema.ts';
import { DEMO_DOMAIN } from '../../db/seed/data/people.ts';
import { documentsOf, loadDocuments } from '../../search/documents.ts';
import type { SearchDocument, SearchEngine } from '../../search/engine.ts';
import { reindexAll } from '../../search/indexer.ts';
import { createPostgresEngine } from '../../search/postgres.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';

let handle: DbHandle;
let engine: SearchEngine;
const DAY = 86_400_000;

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  engine = createPostgresEngine(handle.db);
  // The seeded template holds no search index: build it as the server does on its first start.
  await reindexAll(handle.db, engine);
});
afterAll(() => handle.close());

async function listingId(title: string): Promise<number> {
  const row = await handle.db
    .selectFrom('listing')
    .select('id')
    .where('title', '=', title)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function organisationOf(id: number): Promise<number> {
  const row = await handle.db
    .selectFrom('listing')
    .select('organisation_id')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.organisation_id;
}

async function publicDocument(id: number): Promise<SearchDocument> {
  const doc = (await documentsOf(handle.db, [id])).get(id)?.doc;
  if (!doc) throw new Error(`no listing ${id}`);
  return doc;
}

async function recommend(id: number, limit = 10): Promise<RecommendationList> {
  const list = await recommendFor(handle.db, engine, id, { limit });
  if (!list) throw new Error(`no recommendations for ${id}`);
  return list;
}

/** A listing inserted for a test (published now and indexed unless told otherwise), with its fields. */
async function insertListing(
  row: Partial<Insertable<ListingTable>> &
    Pick<Insertable<ListingTable>, 'kind' | 'organisation_id' | 'title'>,
  fieldCodes: string[],
): Promise<number> {
  const now = Date.now();
  const { id } = await handle.db
    .insertInto('listing')
    .values({
      status: 'published',
      summary: '用于检验推荐匹配的测试信息，内容与正式信息无关。',
      region: '包头市',
      published_at: new Date(now - DAY),
      expires_at: new Date(now + 90 * DAY),
      ...row,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (fieldCodes.length) {
    const fields = await handle.db.selectFrom('field').select('id').where('code', 'in', fieldCodes).execute();
    await handle.db
      .insertInto('listing_field')
      .values(fields.map((f) => ({ listing_id: id, field_id: f.id })))
      .execute();
  }
  const { upsert, remove } = await loadDocuments(handle.db, [id]);
  await engine.upsert(upsert);
  await engine.delete(remove);
  return id;
}

/*
 * Checks one reason against the public documents of the pair: every reason the module may give is recognised,
 * and only when its sentence is true.
 */
function reasonHolds(reason: string, source: SearchDocument, candidate: SearchDocument, now: Date): boolean {
  const say = matchingZh.reason;
  const sep = matchingZh.separator;
  const need = source.kind === 'achievement' ? candidate : source;
  const offer = source.kind === 'achievement' ? source : candidate;
  const text = [candidate.title, ...candidate.keywords, candidate.summary, candidate.body]
    .join('\n')
    .toLowerCase();
  const label = (m: string): string => matchingZh.modeShort[m as Mode];
  const keywords = say.keywords('');
  if (reason.startsWith(keywords)) {
    const terms = queryTerms(source);
    return reason
      .slice(keywords.length)
      .split(sep)
      .every((w) => terms.includes(w) && text.includes(w));
  }
  const field = /^同属(.+)领域$/.exec(reason);
  if (field && reason === say.sameField(field[1]!)) {
    return field[1]!
      .split(sep)
      .every((n) => source.field_names.includes(n) && candidate.field_names.includes(n));
  }
  if (offer.trl !== null && reason === say.trlMeetsPilot(offer.trl)) {
    return need.kind === 'scenario' && offer.trl >= PILOT_MIN_TRL;
  }
  const budget = need.kind === 'demand' ? need.budget_max_wan : need.investment_wan;
  if (reason === say.priceWithinBudget) {
    return offer.price_wan !== null && budget !== null && offer.price_wan <= budget;
  }
  if (reason === say.priceNegotiable) return offer.price_negotiable;
  const mode = /^转化方式匹配：(.+)$/.exec(reason);
  if (mode) {
    const common = need.modes.filter((m) => offer.modes.includes(m)).map(label);
    return mode[1]!.split(sep).every((l) => common.includes(l));
  }
  const related = /^转化方式相近：(.+)$/.exec(reason);
  if (related) {
    return related[1]!.split(sep).every((pair) => {
      const [a, b] = pair.split('/');
      const has = (doc: SearchDocument, l?: string) => doc.modes.some((m) => label(m) === l);
      return (has(need, a) && has(offer, b)) || (has(need, b) && has(offer, a));
    });
  }
  if (reason === say.localCounty) return candidate.region.includes(matchingZh.locality.county);
  if (reason === say.localCity) return candidate.region.includes(matchingZh.locality.city);
  if (reason === say.fresh) return now.getTime() - Date.parse(candidate.published_at) <= FRESH_DAYS * DAY;
  return false;
}

async function expectTrueReasons(list: RecommendationList, now: Date) {
  const source = await publicDocument(list.source.id);
  const docs = await documentsOf(
    handle.db,
    list.items.map((i) => i.id),
  );
  for (const item of list.items) {
    const candidate = docs.get(item.id)!.doc;
    for (const reason of item.reasons) {
      expect({ id: item.id, reason, holds: reasonHolds(reason, source, candidate, now) }).toEqual({
        id: item.id,
        reason,
        holds: true,
      });
    }
  }
}

describe('recommendFor', () => {
  const dairyDemandTitle = '奶粉喷雾干燥塔排风余热回收节能改造需求';

  it('recommends achievements of the same field for a dairy demand, and names the field', async () => {
    const id = await listingId(dairyDemandTitle);
    const list = await recommend(id);
    expect(list.source).toEqual({ id, kind: 'demand', title: dairyDemandTitle });
    expect(list.items.length).toBe(10);
    expect(list.items.every((i) => i.kind === 'achievement')).toBe(true);
    // Best first.
    const scores = list.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const top = await documentsOf(
      handle.db,
      list.items.slice(0, 3).map((i) => i.id),
    );
    for (const item of list.items.slice(0, 3)) {
      expect(top.get(item.id)!.doc.field_codes).toContain('dairy');
      expect(item.reasons).toContain(matchingZh.reason.sameField('乳业及营养健康'));
      expect(item.score).toBeGreaterThan(0);
      expect(item.score).toBeLessThanOrEqual(100);
    }
  });

  it('gives reasons only for factors that are true of the pair', async () => {
    const now = new Date();
    for (const title of [
      dairyDemandTitle,
      '婴幼儿配方奶粉乳清蛋白低温分离技术需求',
      '乳品企业国产益生菌株替代验证场景',
      '万亩青贮玉米基地水肥一体化示范场景',
    ]) {
      const list = await recommend(await listingId(title));
      expect(list.items.length).toBeGreaterThan(0);
      expect(list.items.some((i) => i.reasons.length > 0)).toBe(true);
      await expectTrueReasons(list, now);
    }
  });

  it('names shared keywords and a pilot-ready TRL for a scenario', async () => {
    const list = await recommend(await listingId('乳品企业国产益生菌株替代验证场景'));
    const reasons = list.items.flatMap((i) => i.reasons);
    expect(reasons.some((r) => r.startsWith(matchingZh.reason.keywords('')))).toBe(true);
    expect(reasons.some((r) => /^技术就绪度\d级满足中试需求$/.test(r))).toBe(true);
  });

  it('recommends demands and scenarios for an achievement', async () => {
    const row = await handle.db
      .selectFrom('listing')
      .select('id')
      .where('kind', '=', 'achievement')
      .where('status', '=', 'published')
      .where('title', 'like', '%益生菌%')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const list = await recommend(row.id, 50);
    expect(list.source.kind).toBe('achievement');
    expect(list.items.length).toBeGreaterThan(0);
    expect(new Set(list.items.map((i) => i.kind))).toEqual(new Set(['demand', 'scenario']));
    await expectTrueReasons(list, new Date());
  });

  it('never recommends the source or a listing of its own organisation', async () => {
    const id = await listingId(dairyDemandTitle);
    const organisation = await organisationOf(id);
    const other = await organisationOf(await listingId('低乳糖巴氏杀菌乳货架期延长工艺攻关'));
    expect(other).not.toBe(organisation);
    const source = await publicDocument(id);
    // Two twins that fit the demand as well as anything can: one of its own organisation, one of another.
    const twin = {
      kind: 'achievement' as const,
      title: `喷雾干燥余热回收与奶粉节能成套技术（${source.keywords.join('、')}）`,
      keywords: source.keywords,
      region: source.region,
      trl: 8,
      price_wan: 10,
      transfer_modes: ['transfer', 'license', 'joint_development'] as Mode[],
    };
    const own = await insertListing({ ...twin, organisation_id: organisation }, source.field_codes);
    const foreign = await insertListing({ ...twin, organisation_id: other }, source.field_codes);

    const list = await recommend(id, 100);
    const ids = list.items.map((i) => i.id);
    expect(ids).toContain(foreign);
    expect(ids).not.toContain(own);
    expect(ids).not.toContain(id);
    const organisations = await handle.db
      .selectFrom('listing')
      .select('organisation_id')
      .where('id', 'in', ids)
      .execute();
    expect(organisations.map((o) => o.organisation_id)).not.toContain(organisation);
    // The twin of the other organisation is the best fit.
    expect(ids[0]).toBe(foreign);
  });

  it('shows only public fields: no organisation name for a confidential candidate', async () => {
    const id = await listingId(dairyDemandTitle);
    const list = await recommend(id, 100);
    const docs = await documentsOf(
      handle.db,
      list.items.map((i) => i.id),
    );
    const confidential = await handle.db
      .selectFrom('listing')
      .select('id')
      .where(
        'id',
        'in',
        list.items.map((i) => i.id),
      )
      .where('confidentiality', '!=', 'public')
      .execute();
    for (const item of list.items)
      expect(item.organisation_name).toBe(docs.get(item.id)!.doc.organisation_name);
    for (const { id: hidden } of confidential) {
      expect(list.items.find((i) => i.id === hidden)?.organisation_name).toBeNull();
    }
  });

  it('recommends for a draft too (the owner looks before submitting), and gives null for an unknown id', async () => {
    const source = await publicDocument(await listingId(dairyDemandTitle));
    const draft = await insertListing(
      {
        kind: 'demand',
        status: 'draft',
        published_at: null,
        expires_at: null,
        organisation_id: await organisationOf(source.id),
        title: '乳清蛋白粉喷雾干燥工艺改进草稿',
        keywords: ['乳清蛋白', '喷雾干燥'],
      },
      ['dairy'],
    );
    const list = await recommend(draft);
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((i) => i.kind === 'achievement')).toBe(true);
    expect(await recommendFor(handle.db, engine, 99_999_999)).toBeNull();
  });

  it('finds candidates of the same field without a word in common', async () => {
    const id = await insertListing(
      {
        kind: 'demand',
        organisation_id: await organisationOf(await listingId(dairyDemandTitle)),
        title: '甲乙丙丁戊己庚辛',
        keywords: [],
        summary: '子丑寅卯辰巳午未申酉戌亥子丑寅卯。',
      },
      ['quantum'],
    );
    const list = await recommend(id, 50);
    expect(list.items.length).toBeGreaterThan(0);
    const docs = await documentsOf(
      handle.db,
      list.items.map((i) => i.id),
    );
    for (const item of list.items) {
      expect(docs.get(item.id)!.doc.field_codes).toContain('quantum');
      expect(item.reasons).toContain(matchingZh.reason.sameField('量子科技'));
    }
  });
});

describe('where recommendations are shown', () => {
  async function cookieFor(email: string): Promise<string> {
    const user = await handle.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const ctx = testContext(handle);
    const session = await createSession(ctx.db, ctx.config, { userId: user.id, ip: null, userAgent: null });
    return session.cookie.split(';')[0]!;
  }

  function args(path: string, id: number, cookie?: string): LoaderFunctionArgs {
    return {
      request: new Request(`http://localhost${path}`, { headers: cookie ? { Cookie: cookie } : {} }),
      params: { id: String(id) },
      context: testContext(handle, { search: engine }),
    } as LoaderFunctionArgs;
  }

  it('on the public listing page, to technology managers and bureau staff only', async () => {
    const id = await listingId('奶粉喷雾干燥塔排风余热回收节能改造需求');
    const path = `/listings/${id}`;
    for (const email of [`manager1@${DEMO_DOMAIN}`, `reviewer@${DEMO_DOMAIN}`]) {
      const data = await listingLoader(args(path, id, await cookieFor(email)));
      expect(data.recommendations?.source.id).toBe(id);
      expect(data.recommendations?.items.length).toBeGreaterThan(0);
    }
    expect((await listingLoader(args(path, id))).recommendations).toBeNull();
    const member = await cookieFor(`member-beijiang-univ@${DEMO_DOMAIN}`);
    expect((await listingLoader(args(path, id, member))).recommendations).toBeNull();
  });

  it("on the owner's edit page for a published listing, not for a draft", async () => {
    const id = await listingId('奶粉喷雾干燥塔排风余热回收节能改造需求');
    const owner = await cookieFor(`owner-muge-dairy@${DEMO_DOMAIN}`);
    const published = await myListingLoader(args(`/my/listings/${id}`, id, owner));
    expect(published.recommendations?.items.length).toBeGreaterThan(0);
    const draft = await insertListing(
      {
        kind: 'demand',
        status: 'draft',
        published_at: null,
        expires_at: null,
        organisation_id: await organisationOf(id),
        title: '奶粉生产线节能诊断草稿',
      },
      ['dairy'],
    );
    expect((await myListingLoader(args(`/my/listings/${draft}`, draft, owner))).recommendations).toBeNull();
  });
});

describe('no live candidates', () => {
  it('gives an empty list when nothing of the other side is live', async () => {
    const id = await listingId('奶粉喷雾干燥塔排风余热回收节能改造需求');
    expect((await recommend(id)).items.length).toBeGreaterThan(0);
    // Every achievement expires: the index still holds them, the engine and the live check drop them.
    await handle.db
      .updateTable('listing')
      .set({ expires_at: new Date(Date.now() - DAY) })
      .where('kind', '=', 'achievement')
      .execute();
    const list = await recommend(id);
    expect(list.items).toEqual([]);
    expect(list.source.id).toBe(id);
  });
});
