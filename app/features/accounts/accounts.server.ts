import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { audit } from '../../server/audit.server.ts';
import type { Config } from '../../server/config.ts';
import { hitAll } from '../../server/rate-limit.server.ts';
import { createSession, revokeSession, revokeUserSessions } from '../../server/session.server.ts';
import type { loginSchema, passwordChangeSchema, Registration } from './rules.ts';

/*
 * Account use cases. Each returns plain data; routes turn it into responses. Errors a person can fix come back
 * as field errors (Chinese); nothing is half-written (registration is one transaction).
 */

const t = zhCN.accounts.errors;
export type FieldErrors = Record<string, string[]>;
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; fieldErrors: FieldErrors; formError?: string; retryAfterSeconds?: number };

/** argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's recommended minimum). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when the e-mail is unknown, so that both paths cost the same time.
let dummyHash: Promise<string> | undefined;

interface RequestInfo {
  ip: string;
  userAgent: string | null;
}

const LOGIN_LIMITS = (
  config: Pick<Config, 'LOGIN_LIMIT_PER_IP' | 'LOGIN_LIMIT_PER_ACCOUNT'>,
  ip: string,
  email: string,
) => [
  { key: `login:ip:${ip}`, max: config.LOGIN_LIMIT_PER_IP, windowSeconds: 15 * 60 },
  { key: `login:account:${email}`, max: config.LOGIN_LIMIT_PER_ACCOUNT, windowSeconds: 15 * 60 },
];
const REGISTRATION_LIMITS = (ip: string) => [{ key: `register:ip:${ip}`, max: 10, windowSeconds: 60 * 60 }];

function rateLimited(seconds: number): Outcome<never> {
  return {
    ok: false,
    status: 429,
    fieldErrors: {},
    formError: t.rateLimited(Math.ceil(seconds / 60)),
    retryAfterSeconds: seconds,
  };
}

export async function login(
  db: Kysely<Database>,
  config: Config,
  input: z.infer<typeof loginSchema>,
  info: RequestInfo,
): Promise<Outcome<{ cookie: string; userId: number }>> {
  const limit = await hitAll(db, LOGIN_LIMITS(config, info.ip, input.email));
  if (limit.limited) {
    await audit(db, {
      actorUserId: null,
      ip: info.ip,
      action: 'auth.login',
      outcome: 'denied',
      details: { email: input.email, reason: 'rate_limited' },
    });
    return rateLimited(limit.retryAfterSeconds);
  }
  const user = await db
    .selectFrom('app_user')
    .select(['id', 'password_hash', 'status'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', input.email))
    .executeTakeFirst();
  dummyHash ??= hashPassword('this password matches nothing');
  const passwordOk = await verify(user?.password_hash ?? (await dummyHash), input.password).catch(
    () => false,
  );
  if (!user?.password_hash || !passwordOk) {
    await audit(db, {
      actorUserId: user?.id ?? null,
      ip: info.ip,
      action: 'auth.login',
      outcome: 'failure',
      details: { email: input.email },
    });
    return { ok: false, status: 400, fieldErrors: {}, formError: t.loginFailed };
  }
  if (user.status !== 'active') {
    await audit(db, {
      actorUserId: user.id,
      ip: info.ip,
      action: 'auth.login',
      outcome: 'failure',
      details: { reason: 'disabled' },
    });
    return { ok: false, status: 403, fieldErrors: {}, formError: t.accountDisabled };
  }
  const session = await createSession(db, config, {
    userId: user.id,
    ip: info.ip,
    userAgent: info.userAgent,
  });
  await audit(db, { actorUserId: user.id, ip: info.ip, action: 'auth.login' });
  return { ok: true, value: { cookie: session.cookie, userId: user.id } };
}

export async function logout(db: Kysely<Database>, sessionIdHash: string, userId: number, ip: string) {
  await revokeSession(db, sessionIdHash, 'logout');
  await audit(db, { actorUserId: userId, ip, action: 'auth.logout' });
}

export async function logoutEverywhere(db: Kysely<Database>, userId: number, ip: string): Promise<number> {
  const ended = await revokeUserSessions(db, userId, 'logout_all');
  await audit(db, { actorUserId: userId, ip, action: 'auth.logout_all', details: { sessions: ended } });
  return ended;
}

export async function changePassword(
  db: Kysely<Database>,
  input: z.infer<typeof passwordChangeSchema>,
  who: { userId: number; sessionIdHash: string; ip: string },
): Promise<Outcome<{ otherSessionsEnded: number }>> {
  const user = await db
    .selectFrom('app_user')
    .select('password_hash')
    .where('id', '=', who.userId)
    .executeTakeFirstOrThrow();
  const ok = user.password_hash
    ? await verify(user.password_hash, input.currentPassword).catch(() => false)
    : false;
  if (!ok) {
    await audit(db, {
      actorUserId: who.userId,
      ip: who.ip,
      action: 'auth.password_change',
      outcome: 'failure',
    });
    return { ok: false, status: 400, fieldErrors: { currentPassword: [t.currentPasswordWrong] } };
  }
  const passwordHash = await hashPassword(input.password);
  const ended = await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ password_hash: passwordHash, updated_at: new Date() })
      .where('id', '=', who.userId)
      .execute();
    const n = await revokeUserSessions(trx, who.userId, 'password_change', who.sessionIdHash);
    await audit(trx, {
      actorUserId: who.userId,
      ip: who.ip,
      action: 'auth.password_change',
      details: { sessionsEnded: n },
    });
    return n;
  });
  return { ok: true, value: { otherSessionsEnded: ended } };
}

function uniqueViolation(error: unknown): string | null {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' ? (e.constraint ?? '') : null;
}

export async function register(
  db: Kysely<Database>,
  config: Config,
  input: Registration,
  info: RequestInfo,
): Promise<Outcome<{ cookie: string; userId: number; organisationId: number; joined: boolean }>> {
  const limit = await hitAll(db, REGISTRATION_LIMITS(info.ip));
  if (limit.limited) return rateLimited(limit.retryAfterSeconds);

  const emailTaken = await db
    .selectFrom('app_user')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', input.email))
    .executeTakeFirst();
  const fieldErrors: FieldErrors = {};
  if (emailTaken) fieldErrors.email = [t.emailTaken];
  const existingOrg = await db
    .selectFrom('organisation')
    .select(['id', 'verification'])
    .where('uscc', '=', input.uscc)
    .executeTakeFirst();
  if (input.mode === 'new' && existingOrg) fieldErrors.uscc = [t.usccTaken];
  if (input.mode === 'join' && !existingOrg) fieldErrors.uscc = [t.usccUnknown];
  if (Object.keys(fieldErrors).length > 0) return { ok: false, status: 400, fieldErrors };

  const passwordHash = await hashPassword(input.password);
  try {
    const result = await db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto('app_user')
        .values({
          email: input.email,
          display_name: input.displayName,
          phone: input.phone || null,
          password_hash: passwordHash,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      let organisationId: number;
      if (input.mode === 'new') {
        const org = await trx
          .insertInto('organisation')
          .values({
            type: input.organisationType,
            name: input.organisationName,
            uscc: input.uscc,
            region: input.region,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        organisationId = org.id;
        await trx
          .insertInto('membership')
          .values({ user_id: user.id, organisation_id: org.id, role: 'owner', status: 'active' })
          .execute();
      } else {
        organisationId = existingOrg!.id;
        await trx
          .insertInto('membership')
          .values({ user_id: user.id, organisation_id: organisationId, role: 'member', status: 'requested' })
          .execute();
      }
      await audit(trx, {
        actorUserId: user.id,
        ip: info.ip,
        action: input.mode === 'new' ? 'account.register' : 'account.register_join',
        entityType: 'organisation',
        entityId: organisationId,
      });
      return { userId: user.id, organisationId };
    });
    const session = await createSession(db, config, {
      userId: result.userId,
      ip: info.ip,
      userAgent: info.userAgent,
    });
    return { ok: true, value: { ...result, cookie: session.cookie, joined: input.mode === 'join' } };
  } catch (error) {
    // Two registrations racing for one e-mail or USCC: the database's unique index decides.
    const constraint = uniqueViolation(error);
    if (constraint === 'app_user_email_idx')
      return { ok: false, status: 400, fieldErrors: { email: [t.emailTaken] } };
    if (constraint === 'organisation_uscc_key')
      return { ok: false, status: 400, fieldErrors: { uscc: [t.usccTaken] } };
    throw error;
  }
}
