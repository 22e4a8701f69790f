import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type Config, secureCookies } from './config.ts';

/*
 * Database sessions. The cookie carries only a random 256-bit id; the table stores its SHA-256. A new id at
 * every login; idle and absolute timeouts; revocation at logout, password change, account disablement and by
 * bureau admins. Cookie: HttpOnly, SameSite=Lax, Path=/, and Secure + the __Host- prefix when SECURE_COOKIES.
 */

export function cookieName(config: Config): string {
  return secureCookies(config) ? '__Host-helin_sid' : 'helin_sid';
}

export function hashSessionId(id: string): string {
  return crypto.createHash('sha256').update(id).digest('base64url');
}

function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return null;
}

export function sessionIdFrom(request: Request, config: Config): string | null {
  const value = readCookie(request.headers.get('Cookie'), cookieName(config));
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

function serialise(config: Config, value: string, maxAgeSeconds: number): string {
  const parts = [
    `${cookieName(config)}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (secureCookies(config)) parts.push('Secure');
  return parts.join('; ');
}

export interface NewSession {
  cookie: string;
  idHash: string;
}

export async function createSession(
  db: Kysely<Database>,
  config: Config,
  input: { userId: number; ip: string | null; userAgent: string | null },
  now = new Date(),
): Promise<NewSession> {
  const id = crypto.randomBytes(32).toString('base64url');
  const idHash = hashSessionId(id);
  const expiresAt = new Date(now.getTime() + config.SESSION_ABSOLUTE_HOURS * 3600_000);
  await db
    .insertInto('session')
    .values({
      id_hash: idHash,
      user_id: input.userId,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { cookie: serialise(config, id, config.SESSION_ABSOLUTE_HOURS * 3600), idHash };
}

export function clearSessionCookie(config: Config): string {
  return serialise(config, '', 0);
}

/**
 * The live session of this request, or null. Touches last_seen_at at most once a minute (session bookkeeping,
 * the only write a GET may cause).
 */
export async function currentSession(
  db: Kysely<Database>,
  config: Config,
  request: Request,
  now = new Date(),
) {
  const id = sessionIdFrom(request, config);
  if (!id) return null;
  const idleCutoff = new Date(now.getTime() - config.SESSION_IDLE_MINUTES * 60_000);
  const row = await db
    .selectFrom('session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.id_hash', 's.user_id', 's.last_seen_at', 'u.display_name', 'u.email'])
    .where('s.id_hash', '=', hashSessionId(id))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', idleCutoff)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return null;
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
    await db.updateTable('session').set({ last_seen_at: now }).where('id_hash', '=', row.id_hash).execute();
  }
  return row;
}

export async function revokeSession(db: Kysely<Database>, idHash: string, reason: string): Promise<void> {
  await db
    .updateTable('session')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('id_hash', '=', idHash)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every session of a user (optionally but one: the session that changed the password stays). */
export async function revokeUserSessions(
  db: Kysely<Database>,
  userId: number,
  reason: string,
  exceptIdHash?: string,
): Promise<number> {
  const result = await db
    .updateTable('session')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .$if(exceptIdHash !== undefined, (qb) => qb.where('id_hash', '!=', exceptIdHash!))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
