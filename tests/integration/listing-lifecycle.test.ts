import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeListingFiles, storeAttachment } from '../../app/features/attachments/attachments.server.ts';
import { type ListingInput, parseListingForm } from '../../app/features/listings/form.ts';
import { browseListings, viewListing } from '../../app/features/listings/listings.server.ts';
import {
  createListing,
  deleteDraft,
  expireDue,
  remindExpiring,
  transitionListing,
  updateListing,
} from '../../app/features/listings/manage.server.ts';
import { ANONYMOUS } from '../../app/features/listings/rules.ts';
import type { SignedIn } from '../../app/server/auth.server.ts';
import type { AppContext } from '../../app/server/context.ts';
import type { DbHandle } from '../../db/client.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';
import { signInAs } from '../support/people.ts';

let handle: DbHandle;
let ctx: AppContext;
let owner: SignedIn;
let reviewer: SignedIn;
let outsider: SignedIn;
let orgId: number;

async function signIn(email: string): Promise<SignedIn> {
  return signInAs(ctx, email);
}

function demand(overrides: Record<string, string | string[]> = {}): ListingInput {
  const r = parseListingForm(
    'demand',
    {
      title: '发酵乳后酸化控制工艺攻关',
      summary: '常温酸奶在货架期内后酸化明显，需要控制工艺。',
      fieldCodes: ['dairy', 'probiotics'],
      region: '和林格尔县',
      confidentiality: 'public',
      indicators: '货架期内pH下降不超过0.2，酸度增幅≤10°T',
      demand_type: 'process',
      cooperation_modes: ['joint_development'],
      budget_min_wan: '30',
      budget_max_wan: '80',
      contact_phone: '13900000000',
      ...overrides,
    },
    '2026-01-01',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.fieldErrors));
  return r.data;
}

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  ctx = testContext(handle);
  owner = await signIn('owner-chilechuan-dairy@helin-demo.cn');
  reviewer = await signIn('reviewer@helin-demo.cn');
  outsider = await signIn('owner-muge-dairy@helin-demo.cn');
  orgId = owner.memberships[0]!.organisationId;
});
afterAll(() => handle.close());

const ttlDays = 180;

describe('from draft to published, with a rejection on the way', () => {
  let id: number;

  it('creates a draft that the public cannot see', async () => {
    const r = await createListing(handle.db, {
      principal: owner,
      organisationId: orgId,
      listing: demand(),
      ip: 'x',
    });
    if (!r.ok) throw new Error('create failed');
    id = r.id;
    expect(await viewListing(handle.db, id, ANONYMOUS)).toBeUndefined();
  });

  it('refuses what the state machine or the actor does not allow', async () => {
    expect(
      await transitionListing(handle.db, { principal: owner, id, action: 'approve', ip: 'x', ttlDays }),
    ).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(
      await transitionListing(handle.db, { principal: reviewer, id, action: 'approve', ip: 'x', ttlDays }),
    ).toMatchObject({
      ok: false,
      status: 409,
    });
    expect(
      await transitionListing(handle.db, { principal: outsider, id, action: 'submit', ip: 'x', ttlDays }),
    ).toMatchObject({
      ok: false,
      status: 404,
    });
  });

  it('is submitted, rejected with a reason (required), fixed and resubmitted, then approved', async () => {
    expect(
      (await transitionListing(handle.db, { principal: owner, id, action: 'submit', ip: 'x', ttlDays })).ok,
    ).toBe(true);
    expect(
      await transitionListing(handle.db, {
        principal: reviewer,
        id,
        action: 'reject',
        reason: ' ',
        ip: 'x',
        ttlDays,
      }),
    ).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { reason: ['请填写不通过的原因（将告知发布单位）'] },
    });
    await transitionListing(handle.db, {
      principal: reviewer,
      id,
      action: 'reject',
      reason: '考核指标不够具体',
      ip: 'x',
      ttlDays,
    });
    const rejected = await handle.db
      .selectFrom('listing')
      .select(['status', 'rejection_reason', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(rejected).toMatchObject({ status: 'rejected', rejection_reason: '考核指标不够具体' });
    const notices = await handle.db
      .selectFrom('notice')
      .select('title')
      .where('kind', '=', 'listing.reject')
      .execute();
    expect(notices.length).toBeGreaterThan(0);

    const edit = await updateListing(handle.db, {
      principal: owner,
      id,
      version: rejected.version,
      listing: demand({ indicators: '37℃保存21天内pH下降≤0.2，酸度增幅≤10°T，感官评分≥85分' }),
      ip: 'x',
    });
    expect(edit).toMatchObject({ ok: true, status: 'rejected' });
    await transitionListing(handle.db, { principal: owner, id, action: 'submit', ip: 'x', ttlDays });
    const now = new Date();
    expect(
      await transitionListing(handle.db, {
        principal: reviewer,
        id,
        action: 'approve',
        ip: 'x',
        ttlDays,
        now,
      }),
    ).toEqual({
      ok: true,
      status: 'published',
    });
    const published = await viewListing(handle.db, id, ANONYMOUS);
    expect(published?.title).toBe('发酵乳后酸化控制工艺攻关');
    expect(new Date(published!.expires_at!).getTime()).toBeCloseTo(now.getTime() + ttlDays * 86_400_000, -3);

    const events = await handle.db
      .selectFrom('listing_event')
      .select('type')
      .where('listing_id', '=', id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      'created',
      'submitted',
      'rejected',
      'edited',
      'submitted',
      'published',
    ]);
    const audits = await handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'listing')
      .where('entity_id', '=', String(id))
      .execute();
    expect(audits.map((a) => a.action)).toEqual([
      'listing.create',
      'listing.submit',
      'listing.reject',
      'listing.edit',
      'listing.submit',
      'listing.approve',
    ]);
  });

  it('stays published after a wording fix; goes back to review when the price changes', async () => {
    const v1 = await handle.db
      .selectFrom('listing')
      .select('version')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const wording = await updateListing(handle.db, {
      principal: owner,
      id,
      version: v1.version,
      listing: demand({
        summary: '常温酸奶在货架期内后酸化明显，现寻求工艺控制方案。',
        indicators: '37℃保存21天内pH下降≤0.2，酸度增幅≤10°T，感官评分≥85分',
      }),
      ip: 'x',
    });
    expect(wording).toMatchObject({ ok: true, status: 'published', backToReview: false });

    // Someone else saved in between: the stale version is refused, nothing is lost.
    const stale = await updateListing(handle.db, {
      principal: owner,
      id,
      version: v1.version,
      listing: demand(),
      ip: 'x',
    });
    expect(stale).toMatchObject({ ok: false, status: 409 });

    const v2 = await handle.db
      .selectFrom('listing')
      .select('version')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const price = await updateListing(handle.db, {
      principal: owner,
      id,
      version: v2.version,
      listing: demand({
        budget_max_wan: '150',
        indicators: '37℃保存21天内pH下降≤0.2，酸度增幅≤10°T，感官评分≥85分',
      }),
      ip: 'x',
    });
    expect(price).toMatchObject({ ok: true, status: 'submitted', backToReview: true });
    expect(await viewListing(handle.db, id, ANONYMOUS)).toBeUndefined();
    await transitionListing(handle.db, { principal: reviewer, id, action: 'approve', ip: 'x', ttlDays });
  });

  it('reminds the owners 14 days before expiry (notice and mail outbox, once), then expires it', async () => {
    const row = await handle.db
      .selectFrom('listing')
      .select('expires_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const expires = new Date(row.expires_at!).getTime();
    const thirteenDaysBefore = new Date(expires - 13 * 86_400_000);
    const reminded = await remindExpiring(handle.db, thirteenDaysBefore);
    expect(reminded).toBeGreaterThanOrEqual(1);
    expect(await remindExpiring(handle.db, thirteenDaysBefore)).toBe(0);
    const mails = await handle.db
      .selectFrom('outbox')
      .select(['payload'])
      .where('topic', '=', 'mail')
      .where('aggregate_id', '=', String(id))
      .execute();
    expect(mails.length).toBeGreaterThan(0);
    expect(mails[0]!.payload).toMatchObject({ to: 'owner-chilechuan-dairy@helin-demo.cn' });

    const after = new Date(expires + 1000);
    // By then every demo listing is due as well: the job works in batches of 200 until none is left.
    let total = 0;
    for (
      let batch = await expireDue(handle.db, after);
      batch > 0;
      batch = await expireDue(handle.db, after)
    ) {
      expect(batch).toBeLessThanOrEqual(200);
      total += batch;
    }
    expect(total).toBeGreaterThan(200);
    const expired = await handle.db
      .selectFrom('listing')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(expired.status).toBe('expired');
    const page = await browseListings(
      handle.db,
      { kind: 'demand', page: 1, perPage: 100, viewer: ANONYMOUS },
      after,
    );
    expect(page.items.some((i) => i.id === id)).toBe(false);
  });

  it('writes a search outbox row with every change', async () => {
    const rows = await handle.db
      .selectFrom('outbox')
      .select('id')
      .where('topic', '=', 'search')
      .where('aggregate_id', '=', String(id))
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(6);
  });
});

describe('deleting a draft', () => {
  it('removes the listing, its attachment rows and files; a submitted listing cannot be deleted', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-draft-'));
    try {
      const r = await createListing(handle.db, {
        principal: owner,
        organisationId: orgId,
        listing: demand(),
        ip: 'x',
      });
      if (!r.ok) throw new Error('create failed');
      const pdf = new TextEncoder().encode(
        '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
      );
      const stored = await storeAttachment(handle.db, {
        dataDir,
        listingId: r.id,
        uploadedBy: owner.userId,
        name: 'a.pdf',
        bytes: pdf,
      });
      expect(stored.ok).toBe(true);
      expect(fs.readdirSync(path.join(dataDir, 'uploads'))).toHaveLength(1);

      expect(await deleteDraft(handle.db, { principal: outsider, id: r.id, ip: 'x' })).toMatchObject({
        ok: false,
        status: 404,
      });
      const deleted = await deleteDraft(handle.db, { principal: owner, id: r.id, ip: 'x' });
      if (!deleted.ok) throw new Error('delete failed');
      await removeListingFiles(dataDir, deleted.storageNames);
      expect(fs.readdirSync(path.join(dataDir, 'uploads'))).toHaveLength(0);
      expect(
        await handle.db.selectFrom('listing').select('id').where('id', '=', r.id).executeTakeFirst(),
      ).toBeUndefined();
      expect(
        await handle.db.selectFrom('attachment').select('id').where('listing_id', '=', r.id).execute(),
      ).toEqual([]);

      const s = await createListing(handle.db, {
        principal: owner,
        organisationId: orgId,
        listing: demand(),
        ip: 'x',
      });
      if (!s.ok) throw new Error('create failed');
      await transitionListing(handle.db, { principal: owner, id: s.id, action: 'submit', ip: 'x', ttlDays });
      expect(await deleteDraft(handle.db, { principal: owner, id: s.id, ip: 'x' })).toMatchObject({
        ok: false,
        status: 409,
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('who may create', () => {
  it('refuses an organisation that is not verified, and another organisation id', async () => {
    const pending = await signIn('owner-xinmu-feed@helin-demo.cn');
    const r = await createListing(handle.db, {
      principal: pending,
      organisationId: pending.memberships[0]!.organisationId,
      listing: demand(),
      ip: 'x',
    });
    expect(r).toMatchObject({
      ok: false,
      status: 403,
      formError: '本单位尚未通过科技局认证，暂不能发布信息',
    });
    const other = await createListing(handle.db, {
      principal: outsider,
      organisationId: orgId,
      listing: demand(),
      ip: 'x',
    });
    expect(other).toMatchObject({ ok: false, status: 403 });
  });
});
