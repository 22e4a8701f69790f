import { type Kysely, sql, type Transaction } from 'kysely';
import { isUniqueViolation } from '../../../db/errors.ts';
import type { Database, DeclineReason, ListingKind } from '../../../db/schema.ts';
import { documentsOf } from '../../../search/documents.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { audit } from '../../server/audit.server.ts';
import type { SignedIn } from '../../server/auth.server.ts';
import { Refused } from '../../server/refusal.ts';
import { formatDate } from '../../ui/format.ts';
import { notify, notifyOrganisation, notifyStaff } from '../notifications/notify.server.ts';
import { type DeclineInput, isOverdue, reminderDue, responseDeadline } from './interest-rules.ts';
import { createMatchFromInterest } from './matches.server.ts';

/*
 * Expressions of interest (意向): a verified member's organisation asks to be introduced to a live listing; the
 * listing's organisation must answer by a deadline — accept (a match is created, both sides see each other) or
 * decline with a required reason the requester sees. Reminders before the deadline; overdue interests are
 * flagged to the owner and to bureau staff. Every write is one transaction with its audit row and notices.
 */

const t = zhCN.deals.interest;
const e = t.errors;

export type InterestError = { ok: false; status: 400 | 403 | 404 | 409; formError: string };
const refuse = (status: InterestError['status'], formError: string): InterestError => ({
  ok: false,
  status,
  formError,
});

/** The side of a listing: demands and scenarios need, achievements offer. */
export function sideOfKind(kind: ListingKind): 'need' | 'offer' {
  return kind === 'achievement' ? 'offer' : 'need';
}

export async function expressInterest(
  db: Kysely<Database>,
  input: {
    principal: SignedIn;
    listingId: number;
    organisationId: number;
    message: string;
    ip: string | null;
    responseDays: number;
    origin?: string;
    now?: Date;
  },
): Promise<{ ok: true; id: number } | InterestError> {
  const now = input.now ?? new Date();
  const { principal, listingId, organisationId } = input;
  if (!principal.memberships.some((m) => m.organisationId === organisationId && m.verified))
    return refuse(403, e.notVerified);
  try {
    return await db.transaction().execute(async (trx) => {
      const listing = (await documentsOf(trx, [listingId], now)).get(listingId);
      const row = await trx
        .selectFrom('listing')
        .select(['organisation_id', 'title'])
        .where('id', '=', listingId)
        .executeTakeFirst();
      if (!listing || !row) throw new Refused(refuse(404, e.notLive));
      if (!listing.live) throw new Refused(refuse(409, e.notLive));
      if (row.organisation_id === organisationId) throw new Refused(refuse(400, e.own));
      const respondBy = responseDeadline(now, input.responseDays);
      const created = await trx
        .insertInto('interest')
        .values({
          listing_id: listingId,
          requester_user_id: principal.userId,
          requester_org_id: organisationId,
          message: input.message,
          respond_by: respondBy,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await notifyOrganisation(trx, row.organisation_id, {
        kind: 'interest.received',
        title: t.notices.receivedTitle(row.title),
        body: t.notices.receivedBody(input.responseDays),
        link: '/my/interests',
        origin: input.origin,
        aggregate: { type: 'interest', id: created.id },
        mail: {
          subject: t.notices.receivedTitle(row.title),
          text: `${input.message}\n\n${t.notices.receivedBody(input.responseDays)}`,
        },
      });
      await audit(trx, {
        actorUserId: principal.userId,
        ip: input.ip,
        action: 'interest.create',
        entityType: 'interest',
        entityId: created.id,
        details: { listingId, organisationId },
      });
      return { ok: true as const, id: created.id };
    });
  } catch (error) {
    if (error instanceof Refused) return error.refusal as InterestError;
    if (isUniqueViolation(error)) return refuse(409, e.twice);
    throw error;
  }
}

/** Locks a pending interest that the principal may answer (a member of the listing's organisation). */
async function lockForOwner(trx: Transaction<Database>, principal: SignedIn, interestId: number) {
  const row = await trx
    .selectFrom('interest as i')
    .innerJoin('listing as l', 'l.id', 'i.listing_id')
    .select([
      'i.id',
      'i.status',
      'i.version',
      'i.listing_id',
      'i.requester_user_id',
      'i.requester_org_id',
      'l.organisation_id',
      'l.kind',
      'l.title',
    ])
    .where('i.id', '=', interestId)
    .forUpdate('i')
    .executeTakeFirst();
  if (!row || !principal.memberships.some((m) => m.organisationId === row.organisation_id))
    throw new Refused(refuse(404, e.notFound));
  return row;
}

export async function respondToInterest(
  db: Kysely<Database>,
  input: {
    principal: SignedIn;
    interestId: number;
    version: number;
    decision: { accept: true } | ({ accept: false } & DeclineInput);
    ip: string | null;
    origin?: string;
    now?: Date;
  },
): Promise<{ ok: true; matchId: number | null } | InterestError> {
  const now = input.now ?? new Date();
  const { principal } = input;
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await lockForOwner(trx, principal, input.interestId);
      if (row.status !== 'pending') throw new Refused(refuse(409, e.notPending));
      if (row.version !== input.version) throw new Refused(refuse(409, e.stale));
      const d = input.decision;
      await trx
        .updateTable('interest')
        .set({
          status: d.accept ? 'accepted' : 'declined',
          responded_at: now,
          responded_by: principal.userId,
          decline_code: d.accept ? null : d.reason_code,
          decline_text: d.accept ? null : d.reason_text,
          version: sql`version + 1`,
        })
        .where('id', '=', row.id)
        .execute();
      let matchId: number | null = null;
      if (d.accept) {
        const listingSide = sideOfKind(row.kind);
        matchId = await createMatchFromInterest(trx, {
          interestId: row.id,
          listingId: row.listing_id,
          listingSide,
          listingOrgId: row.organisation_id,
          requesterOrgId: row.requester_org_id,
          actorUserId: principal.userId,
          now,
        });
        await notify(trx, {
          userIds: [row.requester_user_id],
          kind: 'interest.accepted',
          title: t.notices.acceptedTitle(row.title),
          body: t.notices.acceptedBody,
          link: `/matches/${matchId}`,
          origin: input.origin,
          aggregate: { type: 'interest', id: row.id },
          mail: { subject: t.notices.acceptedTitle(row.title), text: t.notices.acceptedBody },
        });
      } else {
        const reason = declineLabel(d.reason_code, d.reason_text);
        await notify(trx, {
          userIds: [row.requester_user_id],
          kind: 'interest.declined',
          title: t.notices.declinedTitle(row.title),
          body: t.notices.declinedBody(reason),
          link: '/my/interests',
          origin: input.origin,
          aggregate: { type: 'interest', id: row.id },
          mail: { subject: t.notices.declinedTitle(row.title), text: t.notices.declinedBody(reason) },
        });
      }
      await audit(trx, {
        actorUserId: principal.userId,
        ip: input.ip,
        action: d.accept ? 'interest.accept' : 'interest.decline',
        entityType: 'interest',
        entityId: row.id,
        details: d.accept ? { matchId } : { reason: d.reason_code },
      });
      return { ok: true as const, matchId };
    });
  } catch (error) {
    if (error instanceof Refused) return error.refusal as InterestError;
    throw error;
  }
}

/** The requester withdraws a pending interest (any active member of the requesting organisation). */
export async function withdrawInterest(
  db: Kysely<Database>,
  input: { principal: SignedIn; interestId: number; version: number; ip: string | null },
): Promise<{ ok: true } | InterestError> {
  const { principal } = input;
  const orgIds = principal.memberships.map((m) => m.organisationId);
  if (orgIds.length === 0) return refuse(404, e.notFound);
  return db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('interest')
      .set({ status: 'withdrawn', version: sql`version + 1` })
      .where('id', '=', input.interestId)
      .where('requester_org_id', 'in', orgIds)
      .where('status', '=', 'pending')
      .where('version', '=', input.version)
      .returning('id')
      .executeTakeFirst();
    if (!done) {
      const current = await trx
        .selectFrom('interest')
        .select(['status', 'version'])
        .where('id', '=', input.interestId)
        .where('requester_org_id', 'in', orgIds)
        .executeTakeFirst();
      if (!current) return refuse(404, e.notFound);
      return refuse(409, current.status !== 'pending' ? e.notPending : e.stale);
    }
    await audit(trx, {
      actorUserId: principal.userId,
      ip: input.ip,
      action: 'interest.withdraw',
      entityType: 'interest',
      entityId: input.interestId,
    });
    return { ok: true as const };
  });
}

export function declineLabel(code: DeclineReason, text: string | null): string {
  const label = zhCN.matching.declineReason[code];
  return text ? `${label}：${text}` : label;
}

/* ---------- reads ---------- */

/** Interests received by the principal's organisations and sent by them, newest first (我的意向). */
export async function myInterests(db: Kysely<Database>, principal: SignedIn, now = new Date()) {
  const orgIds = principal.memberships.map((m) => m.organisationId);
  if (orgIds.length === 0) return { received: [], sent: [] };
  const base = db
    .selectFrom('interest as i')
    .innerJoin('listing as l', 'l.id', 'i.listing_id')
    .innerJoin('organisation as ro', 'ro.id', 'i.requester_org_id')
    .leftJoin('match as m', 'm.interest_id', 'i.id')
    .select([
      'i.id',
      'i.status',
      'i.version',
      'i.message',
      'i.respond_by',
      'i.responded_at',
      'i.decline_code',
      'i.decline_text',
      'i.created_at',
      'l.id as listing_id',
      'l.title as listing_title',
      'l.kind as listing_kind',
      'ro.type as requester_type',
      'ro.region as requester_region',
      'm.id as match_id',
    ]);
  const [received, sent] = await Promise.all([
    base
      .where('l.organisation_id', 'in', orgIds)
      .where('i.status', '!=', 'withdrawn')
      .orderBy(sql`(i.status = 'pending')`, 'desc')
      .orderBy('i.respond_by')
      .orderBy('i.id', 'desc')
      .limit(200)
      .execute(),
    base.where('i.requester_org_id', 'in', orgIds).orderBy('i.id', 'desc').limit(200).execute(),
  ]);
  const view = (r: (typeof received)[number]) => ({
    ...r,
    overdue: isOverdue({ status: r.status, respondBy: new Date(r.respond_by) }, now),
    declineLabel: r.decline_code ? declineLabel(r.decline_code, r.decline_text) : null,
  });
  return { received: received.map(view), sent: sent.map(view) };
}

/** Has one of the principal's organisations already expressed interest in this listing (not withdrawn)? */
export async function interestOf(db: Kysely<Database>, principal: SignedIn | null, listingId: number) {
  const orgIds = principal?.memberships.map((m) => m.organisationId) ?? [];
  if (orgIds.length === 0) return null;
  return (
    (await db
      .selectFrom('interest')
      .select(['id', 'status'])
      .where('listing_id', '=', listingId)
      .where('requester_org_id', 'in', orgIds)
      .where('status', '!=', 'withdrawn')
      .executeTakeFirst()) ?? null
  );
}

/** Pending interests past their deadline (bureau dashboard), oldest deadline first. */
export async function overdueInterests(db: Kysely<Database>, now = new Date(), limit = 100) {
  return db
    .selectFrom('interest as i')
    .innerJoin('listing as l', 'l.id', 'i.listing_id')
    .innerJoin('organisation as o', 'o.id', 'l.organisation_id')
    .select(['i.id', 'i.respond_by', 'i.created_at', 'l.id as listing_id', 'l.title', 'o.name as owner_name'])
    .where('i.status', '=', 'pending')
    .where('i.respond_by', '<', now)
    .orderBy('i.respond_by')
    .limit(limit)
    .execute();
}

/* ---------- the worker: reminders and overdue flags ---------- */

/**
 * Reminds the owners of pending interests whose deadline is near (once per deadline) and flags the overdue ones
 * to the owner and to bureau staff (once). Returns how many interests it handled.
 */
export async function remindAndFlagInterests(
  db: Kysely<Database>,
  now: Date,
  origin?: string,
): Promise<number> {
  const due = await db
    .selectFrom('interest as i')
    .innerJoin('listing as l', 'l.id', 'i.listing_id')
    .select([
      'i.id',
      'i.status',
      'i.respond_by',
      'i.reminded_at',
      'i.overdue_flagged_at',
      'l.organisation_id',
      'l.title',
    ])
    .where('i.status', '=', 'pending')
    .where('i.respond_by', '<', new Date(now.getTime() + 48 * 3600_000))
    // Only rows with work left: not yet reminded and not yet due, or overdue and not yet flagged. (An overdue row
    // that was flagged but never reminded must not match, or 100 of them would fill the batch for ever.)
    .where((eb) =>
      eb.or([
        eb.and([eb('i.reminded_at', 'is', null), eb('i.respond_by', '>=', now)]),
        eb.and([eb('i.overdue_flagged_at', 'is', null), eb('i.respond_by', '<', now)]),
      ]),
    )
    .orderBy('i.respond_by')
    .limit(100)
    .execute();
  let handled = 0;
  for (const row of due) {
    const respondBy = new Date(row.respond_by);
    const overdue = isOverdue({ status: row.status, respondBy }, now);
    const remind = reminderDue(
      { status: row.status, respondBy, remindedAt: row.reminded_at ? new Date(row.reminded_at) : null },
      now,
    );
    if (!overdue && !remind) continue;
    if (overdue && row.overdue_flagged_at) continue;
    handled += 1;
    await db.transaction().execute(async (trx) => {
      // Claim the row first: a second worker finds it done and sends nothing.
      const claimed = await trx
        .updateTable('interest')
        .set(overdue ? { overdue_flagged_at: now } : { reminded_at: now })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .where(overdue ? 'overdue_flagged_at' : 'reminded_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!claimed) return;
      if (overdue) {
        const notice = {
          kind: 'interest.overdue' as const,
          title: t.notices.overdueTitle(row.title),
          body: t.notices.overdueBody,
          origin,
          aggregate: { type: 'interest', id: row.id },
          mail: { subject: t.notices.overdueTitle(row.title), text: t.notices.overdueBody },
        };
        await notifyOrganisation(trx, row.organisation_id, { ...notice, link: '/my/interests' });
        await notifyStaff(trx, { ...notice, link: '/bureau/matching', mail: undefined });
      } else {
        const date = formatDate(respondBy);
        await notifyOrganisation(trx, row.organisation_id, {
          kind: 'interest.due',
          title: t.notices.dueTitle(row.title),
          body: t.notices.dueBody(date),
          link: '/my/interests',
          origin,
          aggregate: { type: 'interest', id: row.id },
          mail: { subject: t.notices.dueTitle(row.title), text: t.notices.dueBody(date) },
        });
      }
    });
  }
  return handled;
}
