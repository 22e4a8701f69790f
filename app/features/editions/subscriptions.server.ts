import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { enqueue } from '../../../db/queries/outbox.ts';
import type { Database } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { audit } from '../../server/audit.server.ts';
import type { SignedIn } from '../../server/auth.server.ts';
import { hitAll } from '../../server/rate-limit.server.ts';
import { fieldErrors } from '../../server/responses.ts';

/*
 * E-mail subscriptions to the supply–demand list (issue 6, item 6).
 *
 * Anyone: double opt-in. A request (re)issues a confirmation token (32 random bytes, base64url; only its SHA-256 is
 * stored, like session ids) valid for 48 hours, and queues one confirmation mail in the same transaction. The
 * answer is the same whether the address is new, pending, unsubscribed or already active (no enumeration); an
 * active address gets no mail. Confirming and unsubscribing are POSTs from a page, never GETs (mail scanners
 * prefetch links). Rate limits: 10 requests per IP per hour, 3 per address per day (no mail-bombing).
 *
 * Members: subscribe and unsubscribe from their account page with their account e-mail, active at once.
 *
 * Every mail to a subscriber carries the unsubscribe link /lists/unsubscribe/<unsubscribe_token>: a random token
 * kept in clear (it must be put into every mail; it can only unsubscribe).
 */

const s = zhCN.editions.subscribe;

export const CONFIRM_HOURS = 48;
const HOUR_MS = 3_600_000;

const subscribeLimits = (ip: string, email: string) => [
  { key: `subscribe:ip:${ip}`, max: 10, windowSeconds: 3600 },
  { key: `subscribe:email:${email}`, max: 3, windowSeconds: 24 * 3600 },
];

const emailField = z
  .string({ error: s.errors.email })
  .trim()
  .min(1, { error: s.errors.email })
  .max(254, { error: s.errors.email })
  .pipe(z.email({ error: s.errors.email }))
  .transform((value) => value.toLowerCase());

export const subscribeSchema = z.object({ email: emailField });

/** A random 256-bit token, base64url (43 characters). */
function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** What is stored of a confirmation token: its SHA-256 (base64url), as for session ids and invitations. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64url');
}

/** Tokens are 43 base64url characters; anything else names nothing (and is not hashed or looked up). */
function wellFormed(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function confirmUrl(origin: string, token: string): string {
  return `${origin}/lists/subscribe/confirm/${token}`;
}

export function unsubscribeUrl(origin: string, unsubscribeToken: string): string {
  return `${origin}/lists/unsubscribe/${unsubscribeToken}`;
}

export type SubscribeRefusal = {
  ok: false;
  status: 400 | 429;
  fieldErrors: Record<string, string[]>;
  formError?: string;
  retryAfterSeconds?: number;
};

/** The row of an address, created (pending) when there is none, locked for the rest of the transaction. */
async function lockedSubscription(trx: Transaction<Database>, email: string) {
  await trx
    .insertInto('subscription')
    .values({ email, unsubscribe_token: newToken() })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return trx
    .selectFrom('subscription')
    .select(['id', 'status', 'user_id'])
    .where('email', '=', email)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/**
 * Anyone asks to subscribe an address. Validation first (a malformed address writes nothing, not even a rate-limit
 * hit), then the rate limits, then one transaction: the row, the token and the confirmation mail.
 */
export async function requestSubscription(
  db: Kysely<Database>,
  input: { email: unknown; ip: string; origin: string; now?: Date },
): Promise<{ ok: true } | SubscribeRefusal> {
  const now = input.now ?? new Date();
  const parsed = subscribeSchema.safeParse({ email: input.email });
  if (!parsed.success) return { ok: false, status: 400, fieldErrors: fieldErrors(parsed.error) };
  const email = parsed.data.email;

  const limit = await hitAll(db, subscribeLimits(input.ip, email), now);
  if (limit.limited) {
    await audit(db, {
      actorUserId: null,
      ip: input.ip,
      action: 'subscription.request',
      outcome: 'denied',
      details: { reason: 'rate_limited' },
    });
    return {
      ok: false,
      status: 429,
      fieldErrors: {},
      formError: s.errors.rateLimited,
      retryAfterSeconds: limit.retryAfterSeconds,
    };
  }

  await db.transaction().execute(async (trx) => {
    const row = await lockedSubscription(trx, email);
    // Already active: nothing to confirm, no mail; the answer stays the same.
    if (row.status !== 'active') {
      const token = newToken();
      await trx
        .updateTable('subscription')
        .set({
          status: 'pending',
          confirm_token_hash: hashToken(token),
          confirm_expires_at: new Date(now.getTime() + CONFIRM_HOURS * HOUR_MS),
        })
        .where('id', '=', row.id)
        .execute();
      await enqueue(trx, {
        topic: 'mail',
        aggregateType: 'subscription',
        aggregateId: row.id,
        payload: {
          to: email,
          subject: s.mail.confirmSubject,
          text: s.mail.confirmText(confirmUrl(input.origin, token)),
        },
      });
    }
    await audit(trx, {
      actorUserId: null,
      ip: input.ip,
      action: 'subscription.request',
      entityType: 'subscription',
      entityId: row.id,
      details: { previous: row.status },
    });
  });
  return { ok: true };
}

/**
 * The subscription a confirmation link names while the link is valid (48 hours): pending (the page asks) or already
 * confirmed through it (the page says so: people click a mail's link twice). Unknown, expired, replaced by a newer
 * request or ended by unsubscribing → null.
 */
export async function findByConfirmToken(db: Kysely<Database>, token: string, now = new Date()) {
  if (!wellFormed(token)) return null;
  const row = await db
    .selectFrom('subscription')
    .select(['id', 'email', 'status'])
    .where('confirm_token_hash', '=', hashToken(token))
    .where('status', 'in', ['pending', 'active'])
    .where('confirm_expires_at', '>', now)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * The POST behind the confirmation page: pending → active. The token's hash stays until it expires, so that the
 * page (and a second click) can still say "confirmed"; it can do nothing else. Unknown or expired → 404.
 */
export async function confirmSubscription(
  db: Kysely<Database>,
  token: string,
  now = new Date(),
  ip: string | null = null,
): Promise<{ ok: true; email: string } | { ok: false; status: 404 }> {
  if (!wellFormed(token)) return { ok: false, status: 404 };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('subscription')
      .select(['id', 'email', 'status'])
      .where('confirm_token_hash', '=', hashToken(token))
      .where('status', 'in', ['pending', 'active'])
      .where('confirm_expires_at', '>', now)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { ok: false as const, status: 404 as const };
    if (row.status === 'pending') {
      await trx
        .updateTable('subscription')
        .set({ status: 'active', confirmed_at: now })
        .where('id', '=', row.id)
        .execute();
      await audit(trx, {
        actorUserId: null,
        ip,
        action: 'subscription.confirm',
        entityType: 'subscription',
        entityId: row.id,
      });
    }
    return { ok: true as const, email: row.email };
  });
}

/** The subscription an unsubscribe link names (the unsubscribe page shows its address and state), or null. */
export async function findByUnsubscribeToken(db: Kysely<Database>, unsubscribeToken: string) {
  if (!wellFormed(unsubscribeToken)) return null;
  const row = await db
    .selectFrom('subscription')
    .select(['id', 'email', 'status'])
    .where('unsubscribe_token', '=', unsubscribeToken)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * The POST behind the unsubscribe page: → unsubscribed (a pending confirmation link dies with it). Unsubscribing
 * twice is fine (same answer); an unknown token → 404.
 */
export async function unsubscribe(
  db: Kysely<Database>,
  unsubscribeToken: string,
  ip: string | null = null,
  now = new Date(),
): Promise<{ ok: true; email: string } | { ok: false; status: 404 }> {
  if (!wellFormed(unsubscribeToken)) return { ok: false, status: 404 };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('subscription')
      .select(['id', 'email', 'status'])
      .where('unsubscribe_token', '=', unsubscribeToken)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { ok: false as const, status: 404 as const };
    if (row.status !== 'unsubscribed') {
      await trx
        .updateTable('subscription')
        .set({
          status: 'unsubscribed',
          unsubscribed_at: now,
          confirm_token_hash: null,
          confirm_expires_at: null,
        })
        .where('id', '=', row.id)
        .execute();
      await audit(trx, {
        actorUserId: null,
        ip,
        action: 'subscription.unsubscribe',
        entityType: 'subscription',
        entityId: row.id,
        details: { previous: row.status },
      });
    }
    return { ok: true as const, email: row.email };
  });
}

/* ---------- members (account page) ---------- */

type Member = Pick<SignedIn, 'userId' | 'email'>;

/** A member's subscription is the one of their account e-mail. */
function memberAddress(member: Member): string {
  return member.email.trim().toLowerCase();
}

export async function memberSubscription(db: Kysely<Database>, member: Member): Promise<{ active: boolean }> {
  const row = await db
    .selectFrom('subscription')
    .select('status')
    .where('email', '=', memberAddress(member))
    .executeTakeFirst();
  return { active: row?.status === 'active' };
}

/** Signed in: the account's e-mail is theirs, so the subscription is active at once (no confirmation mail). */
export async function memberSubscribe(
  db: Kysely<Database>,
  member: Member,
  ip: string | null = null,
  now = new Date(),
): Promise<void> {
  const email = memberAddress(member);
  await db.transaction().execute(async (trx) => {
    const row = await lockedSubscription(trx, email);
    if (row.status === 'active' && row.user_id === member.userId) return;
    await trx
      .updateTable('subscription')
      .set({
        status: 'active',
        user_id: member.userId,
        ...(row.status === 'active' ? {} : { confirmed_at: now }),
        confirm_token_hash: null,
        confirm_expires_at: null,
      })
      .where('id', '=', row.id)
      .execute();
    if (row.status !== 'active')
      await audit(trx, {
        actorUserId: member.userId,
        ip,
        action: 'subscription.subscribe',
        entityType: 'subscription',
        entityId: row.id,
        details: { previous: row.status },
      });
  });
}

export async function memberUnsubscribe(
  db: Kysely<Database>,
  member: Member,
  ip: string | null = null,
  now = new Date(),
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('subscription')
      .set({
        status: 'unsubscribed',
        unsubscribed_at: now,
        confirm_token_hash: null,
        confirm_expires_at: null,
      })
      .where('email', '=', memberAddress(member))
      .where('status', '!=', 'unsubscribed')
      .returning('id')
      .executeTakeFirst();
    if (row)
      await audit(trx, {
        actorUserId: member.userId,
        ip,
        action: 'subscription.unsubscribe',
        entityType: 'subscription',
        entityId: row.id,
      });
  });
}
