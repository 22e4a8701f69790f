import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addEntries,
  addErratum,
  cancelSchedule,
  createEdition,
  listPublishedEditions,
  loadEditionForStaff,
  loadPublishedEdition,
  moveEntry,
  publishDueEditions,
  publishEdition,
  removeEntry,
  scheduleEdition,
  updateEditionMeta,
  updateEntry,
} from '../../app/features/editions/editions.server.ts';
import { transitionListing } from '../../app/features/listings/manage.server.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import type { SignedIn } from '../../app/server/auth.server.ts';
import type { AppContext } from '../../app/server/context.ts';
import type { DbHandle } from '../../db/client.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';
import { ownerEmailOfListing, signInAs } from '../support/people.ts';

/*
 * The supply–demand list against a real database (PGlite, and PostgreSQL in CI): curation with optimistic
 * concurrency, refusals that leave nothing behind, publishing as a frozen snapshot, scheduling by the worker,
 * errata.
 */

const e = zhCN.editions.errors;
let handle: DbHandle;
let ctx: AppContext;
const staff = { userId: null as number | null, ip: '203.0.113.20' };
let live: { id: number; kind: string; organisation_id: number; title: string }[];

async function signIn(email: string): Promise<SignedIn> {
  return signInAs(ctx, email);
}

/** Signs in an active owner of the listing's organisation (the demo has one per organisation). */
async function ownerOf(listingId: number): Promise<SignedIn> {
  return signIn(await ownerEmailOfListing(ctx, listingId));
}

async function version(id: number): Promise<number> {
  const row = await handle.db
    .selectFrom('edition')
    .select('version')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.version;
}

async function entryCount(id: number): Promise<number> {
  const rows = await handle.db
    .selectFrom('edition_entry')
    .select('id')
    .where('edition_id', '=', id)
    .execute();
  return rows.length;
}

async function newEdition(number: number): Promise<number> {
  const r = await createEdition(handle.db, {
    actor: staff,
    meta: { title: `测试清单第${number}期`, year: 2031, number, introduction: '' },
  });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.id;
}

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  ctx = testContext(handle);
  const admin = await handle.db
    .selectFrom('app_user')
    .select('id')
    .where('email', '=', 'admin@helin-demo.cn')
    .executeTakeFirstOrThrow();
  staff.userId = admin.id;
  live = await handle.db
    .selectFrom('listing')
    .select(['id', 'kind', 'organisation_id', 'title'])
    .where('status', '=', 'published')
    .where('expires_at', '>', new Date())
    .orderBy('id')
    .limit(40)
    .execute();
});
afterAll(() => handle.close());

describe('the seeded demo', () => {
  it('has published editions in the archive, newest first, with their section counts', async () => {
    const editions = await listPublishedEditions(handle.db);
    expect(editions.length).toBe(2);
    expect(editions[0]!.number).toBeGreaterThan(editions[1]!.number);
    const counts = await handle.db
      .selectFrom('edition_entry')
      .select(['section'])
      .where('edition_id', '=', editions[0]!.id)
      .execute();
    expect(Number(editions[0]!.demand_count)).toBe(counts.filter((c) => c.section === 'demand').length);
    expect(Number(editions[0]!.supply_count)).toBe(counts.filter((c) => c.section === 'supply').length);
  });
});

describe('creating an edition', () => {
  it('refuses a number already used in that year, writing nothing', async () => {
    await newEdition(1);
    const before = await handle.db.selectFrom('edition').select('id').execute();
    const r = await createEdition(handle.db, {
      actor: staff,
      meta: { title: '重复', year: 2031, number: 1, introduction: '' },
    });
    expect(r).toMatchObject({ ok: false, status: 400, fieldErrors: { number: [e.numberTaken(2031, 1)] } });
    expect((await handle.db.selectFrom('edition').select('id').execute()).length).toBe(before.length);
  });
});

describe('curating a draft', () => {
  let id: number;
  beforeAll(async () => {
    id = await newEdition(2);
  });

  it('adds live listings to the right section at the end, with the chain action of their first field', async () => {
    const picks = [live[0]!, live[1]!, live[2]!];
    const r = await addEntries(handle.db, {
      actor: staff,
      id,
      version: 1,
      listingIds: picks.map((p) => p.id),
    });
    expect(r).toMatchObject({ ok: true, added: 3 });
    const rows = await handle.db
      .selectFrom('edition_entry as en')
      .leftJoin('field as f', 'f.id', 'en.field_id')
      .select([
        'en.listing_id',
        'en.section',
        'en.chain_action',
        'f.chain_action as field_chain',
        'en.snapshot',
      ])
      .where('en.edition_id', '=', id)
      .execute();
    for (const row of rows) {
      const kind = picks.find((p) => p.id === row.listing_id)!.kind;
      expect(row.section).toBe(kind === 'achievement' ? 'supply' : 'demand');
      expect(row.chain_action).toBe(row.field_chain);
      expect(row.snapshot).toBeNull();
    }
    expect(await version(id)).toBe(2);
  });

  it('skips listings already in the edition', async () => {
    const r = await addEntries(handle.db, {
      actor: staff,
      id,
      version: 2,
      listingIds: [live[0]!.id, live[3]!.id],
    });
    expect(r).toMatchObject({ ok: true, added: 1 });
    expect(await entryCount(id)).toBe(4);
  });

  it('refuses a listing that is not public, naming it, and adds none of the batch', async () => {
    const draft = await handle.db
      .selectFrom('listing')
      .select(['id', 'title'])
      .where('status', '!=', 'published')
      .executeTakeFirstOrThrow();
    const v = await version(id);
    const r = await addEntries(handle.db, {
      actor: staff,
      id,
      version: v,
      listingIds: [live[4]!.id, draft.id],
    });
    expect(r).toMatchObject({ ok: false, status: 400 });
    expect(!r.ok && r.formError).toContain(draft.title);
    expect(await entryCount(id)).toBe(4);
    expect(await version(id)).toBe(v);
  });

  it('refuses a stale version with a clear message and changes nothing (two staff on one draft)', async () => {
    const v = await version(id);
    const first = await updateEditionMeta(handle.db, {
      actor: staff,
      id,
      version: v,
      meta: { title: '甲的标题', year: 2031, number: 2, introduction: '甲' },
    });
    expect(first.ok).toBe(true);
    const second = await updateEditionMeta(handle.db, {
      actor: staff,
      id,
      version: v,
      meta: { title: '乙的标题', year: 2031, number: 2, introduction: '乙' },
    });
    expect(second).toEqual({ ok: false, status: 409, formError: e.stale });
    const row = await handle.db
      .selectFrom('edition')
      .select(['title'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.title).toBe('甲的标题');
  });

  it('reorders within a section, edits the note and chain, removes an entry', async () => {
    const loaded = (await loadEditionForStaff(handle.db, id))!;
    const demandSide = loaded.entries.filter((x) => x.section === loaded.entries[0]!.section);
    const [a, b] = demandSide;
    if (a && b) {
      expect(
        (
          await moveEntry(handle.db, {
            actor: staff,
            id,
            version: await version(id),
            entryId: b.id,
            direction: 'up',
          })
        ).ok,
      ).toBe(true);
      const after = (await loadEditionForStaff(handle.db, id))!.entries.filter(
        (x) => x.section === a.section,
      );
      expect(after.map((x) => x.id).slice(0, 2)).toEqual([b.id, a.id]);
    }
    const target = loaded.entries[0]!;
    expect(
      (
        await updateEntry(handle.db, {
          actor: staff,
          id,
          version: await version(id),
          entryId: target.id,
          note: '县重点产业链急需',
          chainAction: 'layout',
        })
      ).ok,
    ).toBe(true);
    const edited = (await loadEditionForStaff(handle.db, id))!.entries.find((x) => x.id === target.id)!;
    expect(edited).toMatchObject({ note: '县重点产业链急需', chainAction: 'layout' });
    const last = loaded.entries.at(-1)!;
    expect(
      (await removeEntry(handle.db, { actor: staff, id, version: await version(id), entryId: last.id })).ok,
    ).toBe(true);
    expect(await entryCount(id)).toBe(3);
    // An entry of another edition cannot be reached through this one.
    const other = await handle.db
      .selectFrom('edition_entry')
      .select('id')
      .where('edition_id', '!=', id)
      .executeTakeFirstOrThrow();
    expect(
      await removeEntry(handle.db, { actor: staff, id, version: await version(id), entryId: other.id }),
    ).toMatchObject({
      ok: false,
      status: 404,
    });
  });
});

describe('publishing', () => {
  it('refuses an empty edition', async () => {
    const id = await newEdition(3);
    expect(await publishEdition(handle.db, { actor: staff, id, version: 1 })).toEqual({
      ok: false,
      status: 400,
      formError: e.empty,
    });
    expect(
      await scheduleEdition(handle.db, { actor: staff, id, version: 1, at: new Date(Date.now() + 3600_000) }),
    ).toEqual({
      ok: false,
      status: 400,
      formError: e.empty,
    });
  });

  it('freezes the entries: later edits and withdrawal do not change the published edition', async () => {
    const id = await newEdition(4);
    const picks = [live[10]!, live[11]!];
    await addEntries(handle.db, { actor: staff, id, version: 1, listingIds: picks.map((p) => p.id) });
    const published = await publishEdition(handle.db, { actor: staff, id, version: 2 });
    expect(published).toMatchObject({ ok: true, published: true });
    const outbox = await handle.db
      .selectFrom('outbox')
      .select(['payload'])
      .where('topic', '=', 'edition')
      .where('aggregate_id', '=', String(id))
      .execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.payload).toEqual({ path: '/lists/2031/4' });

    // No more curation.
    expect(await addEntries(handle.db, { actor: staff, id, version: 3, listingIds: [live[12]!.id] })).toEqual(
      {
        ok: false,
        status: 409,
        formError: e.notDraft,
      },
    );

    // The listing's title changes (a wording edit straight in the table) and another listing is withdrawn.
    await handle.db
      .updateTable('listing')
      .set({ title: '改过的标题' })
      .where('id', '=', picks[0]!.id)
      .execute();
    const owner = await ownerOf(picks[1]!.id);
    const withdrawn = await transitionListing(handle.db, {
      principal: owner,
      id: picks[1]!.id,
      action: 'withdraw',
      ip: 'x',
      ttlDays: 180,
    });
    expect(withdrawn.ok).toBe(true);

    const edition = (await loadPublishedEdition(handle.db, 2031, 4))!;
    const titles = edition.entries.map((x) => x.doc.title).sort();
    expect(titles).toEqual([picks[0]!.title, picks[1]!.title].sort());
    expect(edition.entries.find((x) => x.listingId === picks[1]!.id)!.liveState).toBe('withdrawn');
    expect(edition.entries.find((x) => x.listingId === picks[0]!.id)!.liveState).toBe('live');
  });

  it('refuses to publish while an entry is no longer public, naming it', async () => {
    const id = await newEdition(5);
    const pick = live[13]!;
    await addEntries(handle.db, { actor: staff, id, version: 1, listingIds: [pick.id, live[14]!.id] });
    const owner = await ownerOf(pick.id);
    await transitionListing(handle.db, {
      principal: owner,
      id: pick.id,
      action: 'withdraw',
      ip: 'x',
      ttlDays: 180,
    });
    const r = await publishEdition(handle.db, { actor: staff, id, version: 2 });
    expect(r).toMatchObject({ ok: false, status: 400 });
    expect(!r.ok && r.formError).toContain(pick.title);
    const row = await handle.db
      .selectFrom('edition')
      .select(['status', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'draft', version: 2 });
  });
});

describe('scheduled publishing', () => {
  it('is published by the worker once due, dropping entries that stopped being public', async () => {
    const id = await newEdition(6);
    await addEntries(handle.db, { actor: staff, id, version: 1, listingIds: [live[20]!.id, live[21]!.id] });
    const at = new Date(Date.now() + 3600_000);
    expect((await scheduleEdition(handle.db, { actor: staff, id, version: 2, at })).ok).toBe(true);
    // Scheduled: curation is closed.
    expect(await removeEntry(handle.db, { actor: staff, id, version: 3, entryId: 1 })).toMatchObject({
      status: 409,
    });
    const owner = await ownerOf(live[21]!.id);
    await transitionListing(handle.db, {
      principal: owner,
      id: live[21]!.id,
      action: 'withdraw',
      ip: 'x',
      ttlDays: 180,
    });

    expect(await publishDueEditions(handle.db, new Date())).toBe(0);
    const handled = await publishDueEditions(handle.db, new Date(at.getTime() + 1000));
    expect(handled).toBeGreaterThanOrEqual(1);
    const edition = (await loadPublishedEdition(handle.db, 2031, 6))!;
    expect(edition.entries.map((x) => x.listingId)).toEqual([live[20]!.id]);
  });

  it('goes back to draft and tells its scheduler when nothing is left to publish', async () => {
    const id = await newEdition(7);
    await addEntries(handle.db, { actor: staff, id, version: 1, listingIds: [live[22]!.id] });
    const at = new Date(Date.now() + 60_000);
    await scheduleEdition(handle.db, { actor: staff, id, version: 2, at });
    const owner = await ownerOf(live[22]!.id);
    await transitionListing(handle.db, {
      principal: owner,
      id: live[22]!.id,
      action: 'withdraw',
      ip: 'x',
      ttlDays: 180,
    });
    await publishDueEditions(handle.db, new Date(at.getTime() + 1000));
    const row = await handle.db
      .selectFrom('edition')
      .select(['status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('draft');
    const notice = await handle.db
      .selectFrom('notice')
      .select(['link'])
      .where('user_id', '=', staff.userId!)
      .where('kind', '=', 'edition.schedule-failed')
      .execute();
    expect(notice.map((n) => n.link)).toContain(`/bureau/editions/${id}`);
  });

  it('can be cancelled back to a draft', async () => {
    const id = await newEdition(8);
    await addEntries(handle.db, { actor: staff, id, version: 1, listingIds: [live[23]!.id] });
    await scheduleEdition(handle.db, { actor: staff, id, version: 2, at: new Date(Date.now() + 3600_000) });
    expect((await cancelSchedule(handle.db, { actor: staff, id, version: 3 })).ok).toBe(true);
    const row = await handle.db
      .selectFrom('edition')
      .select(['status', 'scheduled_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'draft', scheduled_at: null });
  });
});

describe('errata', () => {
  it('are refused on a draft and appended to a published edition', async () => {
    const id = await newEdition(9);
    expect(await addErratum(handle.db, { actor: staff, id, body: '更正' })).toEqual({
      ok: false,
      status: 409,
      formError: e.erratumOnlyPublished,
    });
    await addEntries(handle.db, { actor: staff, id, version: 1, listingIds: [live[24]!.id] });
    await publishEdition(handle.db, { actor: staff, id, version: 2 });
    expect(
      (await addErratum(handle.db, { actor: staff, id, body: '第1条的发布单位应为某某公司。' })).ok,
    ).toBe(true);
    const edition = (await loadPublishedEdition(handle.db, 2031, 9))!;
    expect(edition.errata.map((x) => x.body)).toEqual(['第1条的发布单位应为某某公司。']);
  });
});
