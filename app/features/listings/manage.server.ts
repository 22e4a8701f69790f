import { type Kysely, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { enqueue } from '../../../db/queries/outbox.ts';
import {
  type Database,
  emptyKindColumns,
  type ListingStatus,
  type ListingUpdate,
  type NewListing,
} from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { audit } from '../../server/audit.server.ts';
import type { SignedIn } from '../../server/auth.server.ts';
import { formatDate } from '../../ui/format.ts';
import { queueSync } from '../mkj/sync.server.ts';
import { notifyOrganisation } from '../notifications/notify.server.ts';
import { isStaff } from './access.server.ts';
import { completeness } from './completeness.ts';
import type { ListingInput } from './form.ts';
import {
  actorOf,
  changedReviewedFields,
  DAY_MS,
  expiryFrom,
  type ListingAction,
  nextStatus,
  type ReviewedSnapshot,
  statusAfterEdit,
} from './lifecycle.ts';

/*
 * Writing listings: create, edit (with re-review), the life-cycle transitions, expiry and renewal reminders.
 * Every write is one transaction with its listing event, audit row and outbox row (search, mail).
 * Object-level checks: the owner's organisation is part of every where clause.
 */

const f = zhCN.listingForm;
const lc = zhCN.lifecycle;

export type ManageError = {
  ok: false;
  status: 400 | 403 | 404 | 409;
  formError?: string;
  fieldErrors?: Record<string, string[]>;
};

type Columns = Omit<NewListing, 'organisation_id' | 'kind' | 'status' | 'created_by'>;

/** Form input → listing columns; the other kinds' columns are set to null (the CHECK constraints demand it). */
export function toColumns(input: ListingInput): { columns: Columns; fieldCodes: string[] } {
  const base: Columns = {
    title: input.title,
    summary: input.summary,
    detail: input.detail,
    keywords: input.keywords,
    region: input.region,
    confidentiality: input.confidentiality,
    indicators: input.indicators,
    contact_name: input.contact_name,
    contact_phone: input.contact_phone,
    contact_email: input.contact_email,
    ...emptyKindColumns(),
  };
  if (input.kind === 'demand') {
    Object.assign(base, {
      demand_type: input.demand_type,
      budget_min_wan: input.budget_min_wan,
      budget_max_wan: input.budget_max_wan,
      deadline: input.deadline,
      cooperation_modes: input.cooperation_modes,
      ip_expectation: input.ip_expectation,
    });
  } else if (input.kind === 'achievement') {
    Object.assign(base, {
      achievement_type: input.achievement_type,
      innovation_points: input.innovation_points,
      patent_numbers: input.patent_numbers,
      trl: input.trl,
      transfer_modes: input.transfer_modes,
      price_wan: input.price_negotiable ? null : input.price_wan,
      price_negotiable: input.price_negotiable,
      team: input.team,
      advantages: input.advantages,
    });
  } else {
    Object.assign(base, {
      scenario_type: input.scenario_type,
      issuing_unit: input.issuing_unit,
      location: input.location,
      expected_tech: input.expected_tech,
      investment_wan: input.investment_wan,
      first_trial: input.first_trial,
      period_start: input.period_start,
      period_end: input.period_end,
    });
  }
  return { columns: base, fieldCodes: [...new Set(input.fieldCodes)] };
}

/** The reviewed fields of a listing, as stored in approved_snapshot and compared at every edit. */
export function reviewedSnapshot(
  row: Record<string, unknown>,
  fieldCodes: readonly string[],
): ReviewedSnapshot {
  const numberOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    title: row.title,
    fieldCodes: [...fieldCodes].sort(),
    indicators: row.indicators ?? null,
    innovation_points: row.innovation_points ?? [],
    trl: row.trl ?? null,
    patent_numbers: row.patent_numbers ?? [],
    budget_min_wan: numberOrNull(row.budget_min_wan),
    budget_max_wan: numberOrNull(row.budget_max_wan),
    price_wan: numberOrNull(row.price_wan),
    price_negotiable: Boolean(row.price_negotiable),
    investment_wan: numberOrNull(row.investment_wan),
    confidentiality: row.confidentiality,
  };
}

async function fieldIds(db: Kysely<Database>, codes: string[]): Promise<number[] | null> {
  const rows = await db
    .selectFrom('field')
    .select(['id', 'code'])
    .where('code', 'in', codes)
    .where('active', '=', true)
    .execute();
  return rows.length === codes.length ? rows.map((r) => r.id) : null;
}

async function setFields(db: Kysely<Database>, listingId: number, ids: number[]) {
  await db.deleteFrom('listing_field').where('listing_id', '=', listingId).execute();
  await db
    .insertInto('listing_field')
    .values(ids.map((field_id) => ({ listing_id: listingId, field_id })))
    .execute();
}

async function event(
  db: Kysely<Database>,
  e: {
    listingId: number;
    type: string;
    from?: ListingStatus | null;
    to?: ListingStatus | null;
    actor: number | null;
    note?: string | null;
  },
) {
  await db
    .insertInto('listing_event')
    .values({
      listing_id: e.listingId,
      type: e.type,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
      actor_user_id: e.actor,
      note: e.note ?? null,
    })
    .execute();
}

function verifiedMembership(principal: SignedIn, organisationId: number): boolean {
  return principal.memberships.some((m) => m.organisationId === organisationId && m.verified);
}

export async function createListing(
  db: Kysely<Database>,
  input: { principal: SignedIn; organisationId: number; listing: ListingInput; ip: string },
): Promise<{ ok: true; id: number } | ManageError> {
  const { principal, organisationId, listing, ip } = input;
  if (!verifiedMembership(principal, organisationId))
    return { ok: false, status: 403, formError: f.errors.notVerified };
  const { columns, fieldCodes } = toColumns(listing);
  const ids = await fieldIds(db, fieldCodes);
  if (!ids) return { ok: false, status: 400, fieldErrors: { fieldCodes: [f.errors.unknownField] } };
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('listing')
      .values({
        ...columns,
        kind: listing.kind,
        status: 'draft',
        organisation_id: organisationId,
        created_by: principal.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await setFields(trx, row.id, ids);
    await event(trx, { listingId: row.id, type: 'created', to: 'draft', actor: principal.userId });
    await audit(trx, {
      actorUserId: principal.userId,
      ip,
      action: 'listing.create',
      entityType: 'listing',
      entityId: row.id,
    });
    return row.id;
  });
  return { ok: true, id };
}

/** The listing, locked, if the principal is an active member of its organisation. */
async function lockOwned(db: Kysely<Database>, id: number, principal: SignedIn) {
  const orgIds = principal.memberships.map((m) => m.organisationId);
  if (orgIds.length === 0) return undefined;
  return db
    .selectFrom('listing')
    .selectAll()
    .where('id', '=', id)
    .where('organisation_id', 'in', orgIds)
    .forUpdate()
    .executeTakeFirst();
}

async function currentFieldCodes(db: Kysely<Database>, listingId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('listing_field as lf')
    .innerJoin('field as f', 'f.id', 'lf.field_id')
    .select('f.code')
    .where('lf.listing_id', '=', listingId)
    .execute();
  return rows.map((r) => r.code);
}

export async function updateListing(
  db: Kysely<Database>,
  input: { principal: SignedIn; id: number; version: number; listing: ListingInput; ip: string },
): Promise<{ ok: true; status: ListingStatus; backToReview: boolean } | ManageError> {
  const { principal, id, version, listing, ip } = input;
  const { columns, fieldCodes } = toColumns(listing);
  const ids = await fieldIds(db, fieldCodes);
  if (!ids) return { ok: false, status: 400, fieldErrors: { fieldCodes: [f.errors.unknownField] } };
  return db.transaction().execute(async (trx) => {
    const row = await lockOwned(trx, id, principal);
    if (!row || row.kind !== listing.kind) return { ok: false, status: 404 } as const;
    if (row.version !== version) return { ok: false, status: 409, formError: f.versionConflict } as const;
    const before = (row.approved_snapshot as ReviewedSnapshot | null) ?? null;
    const after = reviewedSnapshot(columns as Record<string, unknown>, fieldCodes);
    const changed = changedReviewedFields(before, after);
    const status = statusAfterEdit(row.status, changed);
    const backToReview = status !== row.status;
    const update: ListingUpdate = { ...columns, status, version: row.version + 1, updated_at: new Date() };
    if (backToReview) update.submitted_at = new Date();
    await trx.updateTable('listing').set(update).where('id', '=', id).execute();
    await setFields(trx, id, ids);
    await event(trx, {
      listingId: id,
      type: backToReview ? 'resubmitted' : 'edited',
      from: row.status,
      to: status,
      actor: principal.userId,
      note: changed.length ? changed.join(',') : null,
    });
    await audit(trx, {
      actorUserId: principal.userId,
      ip,
      action: 'listing.edit',
      entityType: 'listing',
      entityId: id,
      details: { changedReviewedFields: changed, backToReview },
    });
    await enqueue(trx, { topic: 'search', aggregateType: 'listing', aggregateId: id });
    // A published listing's wording fix or its return to review reaches 蒙科聚 too.
    if (row.status === 'published') await queueSync(trx, 'listing', id);
    return { ok: true, status, backToReview } as const;
  });
}

export async function transitionListing(
  db: Kysely<Database>,
  input: {
    principal: SignedIn;
    id: number;
    action: Exclude<ListingAction, 'expire'>;
    reason?: string | null;
    ip: string;
    ttlDays: number;
    now?: Date;
  },
): Promise<{ ok: true; status: ListingStatus } | ManageError> {
  const { principal, id, action, ip, ttlDays } = input;
  const now = input.now ?? new Date();
  const reason = input.reason?.trim() || null;
  if (action === 'reject' && !reason)
    return { ok: false, status: 400, fieldErrors: { reason: [f.errors.reasonRequired] } };
  return db.transaction().execute(async (trx) => {
    const actor = actorOf(action);
    let row: Awaited<ReturnType<typeof lockOwned>>;
    if (actor === 'reviewer') {
      if (!isStaff(principal)) return { ok: false, status: 403 } as const;
      row = await trx.selectFrom('listing').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    } else {
      row = await lockOwned(trx, id, principal);
      // Renewing and resubmitting need a verified organisation, like creating.
      if (row && action !== 'withdraw' && !verifiedMembership(principal, row.organisation_id)) {
        return { ok: false, status: 403, formError: f.errors.notVerified } as const;
      }
    }
    if (!row) return { ok: false, status: 404 } as const;
    const to = nextStatus(row.status, action);
    if (!to) return { ok: false, status: 409, formError: f.errors.notAllowed } as const;

    const update: ListingUpdate = { status: to, version: row.version + 1, updated_at: now };
    if (action === 'submit') Object.assign(update, { submitted_at: now, rejection_reason: null });
    if (action === 'reject') update.rejection_reason = reason;
    if (action === 'approve' || action === 'renew') {
      Object.assign(update, { expires_at: expiryFrom(now, ttlDays), reminder_sent_at: null });
    }
    if (action === 'approve') {
      const codes = await currentFieldCodes(trx, id);
      Object.assign(update, {
        published_at: now,
        rejection_reason: null,
        approved_snapshot: JSON.stringify(reviewedSnapshot(row as unknown as Record<string, unknown>, codes)),
      });
    }
    await trx.updateTable('listing').set(update).where('id', '=', id).execute();
    const type = {
      submit: 'submitted',
      approve: 'published',
      reject: 'rejected',
      renew: 'renewed',
      withdraw: 'withdrawn',
    }[action];
    await event(trx, { listingId: id, type, from: row.status, to, actor: principal.userId, note: reason });
    await audit(trx, {
      actorUserId: principal.userId,
      ip,
      action: `listing.${action}`,
      entityType: 'listing',
      entityId: id,
      details: reason ? { reason } : {},
    });
    if (action === 'approve' || action === 'reject') {
      await notifyOrganisation(trx, row.organisation_id, {
        kind: action === 'approve' ? 'listing.approve' : 'listing.reject',
        title: action === 'approve' ? lc.publishedTitle(row.title) : lc.rejectedTitle(row.title),
        body: reason ? lc.rejectionReason(reason) : '',
        link: `/my/listings/${id}`,
      });
    }
    await enqueue(trx, { topic: 'search', aggregateType: 'listing', aggregateId: id });
    if (action === 'approve' || action === 'renew' || action === 'withdraw')
      await queueSync(trx, 'listing', id);
    return { ok: true, status: to } as const;
  });
}

/** Worker: published listings past expires_at become expired (batch of 200, safe with several workers). */
export async function expireDue(db: Kysely<Database>, now = new Date()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('listing')
      .select(['id'])
      .where('status', '=', 'published')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(200)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const { id } of due) {
      await trx
        .updateTable('listing')
        .set({ status: 'expired', updated_at: now, version: sql`version + 1` })
        .where('id', '=', id)
        .execute();
      await event(trx, { listingId: id, type: 'expired', from: 'published', to: 'expired', actor: null });
      await audit(trx, {
        actorUserId: null,
        ip: null,
        action: 'listing.expire',
        entityType: 'listing',
        entityId: id,
      });
      await enqueue(trx, { topic: 'search', aggregateType: 'listing', aggregateId: id });
      await queueSync(trx, 'listing', id);
    }
    return due.length;
  });
}

export const REMINDER_DAYS = 14;

/**
 * Worker: a notice and a mail (outbox; unless switched off) to the members of the organisations whose listings
 * expire within 14 days, once per expiry. With `origin` the mail links to the listing.
 */
export async function remindExpiring(
  db: Kysely<Database>,
  now = new Date(),
  origin?: string,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('listing')
      .select(['id', 'title', 'organisation_id', 'expires_at'])
      .where('status', '=', 'published')
      .where('expires_at', '>', now)
      .where('expires_at', '<=', new Date(now.getTime() + REMINDER_DAYS * DAY_MS))
      .where('reminder_sent_at', 'is', null)
      .limit(200)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const l of due) {
      const date = formatDate(l.expires_at!);
      await notifyOrganisation(trx, l.organisation_id, {
        kind: 'listing.expiring',
        title: lc.reminderTitle(l.title),
        body: lc.reminderBody(date),
        link: `/my/listings/${l.id}`,
        origin,
        aggregate: { type: 'listing', id: l.id },
        mail: {
          subject: lc.mailSubjectReminder,
          text: `${lc.reminderTitle(l.title)}\n\n${lc.reminderBody(date)}`,
        },
      });
      await trx.updateTable('listing').set({ reminder_sent_at: now }).where('id', '=', l.id).execute();
    }
    return due.length;
  });
}

/** 我的发布: every listing of the principal's organisations, newest change first, with its completeness. */
export async function myListings(db: Kysely<Database>, principal: SignedIn) {
  const orgIds = principal.memberships.map((m) => m.organisationId);
  if (orgIds.length === 0) return [];
  const rows = await db
    .selectFrom('listing')
    .selectAll()
    .where('organisation_id', 'in', orgIds)
    .orderBy('updated_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    status: r.status,
    updated_at: r.updated_at.toISOString(),
    expires_at: r.expires_at ? new Date(r.expires_at).toISOString() : null,
    rejection_reason: r.rejection_reason,
    completeness: completeness(r).score,
  }));
}

/** One listing of the principal's organisations with its fields and history (edit page). */
export async function ownListing(db: Kysely<Database>, principal: SignedIn, id: number) {
  const orgIds = principal.memberships.map((m) => m.organisationId);
  if (orgIds.length === 0) return undefined;
  return db
    .selectFrom('listing as l')
    .selectAll('l')
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('listing_field as lf')
          .innerJoin('field as f', 'f.id', 'lf.field_id')
          .select('f.code')
          .whereRef('lf.listing_id', '=', 'l.id'),
      ).as('fields'),
      jsonArrayFrom(
        eb
          .selectFrom('listing_event as e')
          .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
          .select([
            'e.id',
            'e.type',
            'e.from_status',
            'e.to_status',
            'e.note',
            'e.created_at',
            'u.display_name',
          ])
          .whereRef('e.listing_id', '=', 'l.id')
          .orderBy('e.id', 'desc'),
      ).as('events'),
    ])
    .where('l.id', '=', id)
    .where('l.organisation_id', 'in', orgIds)
    .executeTakeFirst();
}

/** 待审核: submitted listings, longest waiting first. */
export async function reviewQueue(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('listing as l')
    .innerJoin('organisation as o', 'o.id', 'l.organisation_id')
    .selectAll('l')
    .select('o.name as organisation_name')
    .where('l.status', '=', 'submitted')
    .orderBy('l.submitted_at', 'asc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    organisation_name: r.organisation_name,
    submitted_at: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
    rereview: r.approved_snapshot !== null,
    completeness: completeness(r).score,
  }));
}

/** A listing under review, with the reviewed fields' changes since the last approval. */
export async function reviewItem(db: Kysely<Database>, id: number) {
  const row = await db
    .selectFrom('listing as l')
    .innerJoin('organisation as o', 'o.id', 'l.organisation_id')
    .selectAll('l')
    .select(['o.name as organisation_name', 'o.verification as organisation_verification'])
    .where('l.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const codes = await currentFieldCodes(db, id);
  const before = (row.approved_snapshot as ReviewedSnapshot | null) ?? null;
  const after = reviewedSnapshot(row as unknown as Record<string, unknown>, codes);
  const changed = changedReviewedFields(before, after);
  return {
    row,
    fieldCodes: codes,
    changes: changed.map((field) => ({
      field,
      before: before?.[field] ?? null,
      after: after[field] ?? null,
    })),
    completeness: completeness(row),
  };
}

/**
 * Deletes a draft (never a listing that was submitted: those keep their history). The attachment rows go by
 * cascade; the caller removes their files after the commit (removeListingFiles).
 */
export async function deleteDraft(
  db: Kysely<Database>,
  input: { principal: SignedIn; id: number; ip: string },
): Promise<{ ok: true; storageNames: string[] } | ManageError> {
  return db.transaction().execute(async (trx) => {
    const row = await lockOwned(trx, input.id, input.principal);
    if (!row) return { ok: false, status: 404 } as const;
    if (row.status !== 'draft') return { ok: false, status: 409, formError: f.errors.notAllowed } as const;
    const files = await trx
      .selectFrom('attachment')
      .select('storage_name')
      .where('listing_id', '=', input.id)
      .execute();
    await trx.deleteFrom('listing').where('id', '=', input.id).execute();
    await audit(trx, {
      actorUserId: input.principal.userId,
      ip: input.ip,
      action: 'listing.delete_draft',
      entityType: 'listing',
      entityId: input.id,
      details: { title: row.title, attachments: files.length },
    });
    return { ok: true, storageNames: files.map((r) => r.storage_name) } as const;
  });
}
