import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * Fixed-window rate limits kept in the database, so that they hold across processes. One upsert per hit.
 */
export interface Limit {
  /** e.g. 'login:ip:203.0.113.9' */
  key: string;
  max: number;
  windowSeconds: number;
}

export interface LimitResult {
  limited: boolean;
  retryAfterSeconds: number;
}

export async function hit(db: Kysely<Database>, limit: Limit, now = new Date()): Promise<LimitResult> {
  const windowMs = limit.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const row = await db
    .insertInto('rate_limit')
    .values({ key: limit.key, window_start: windowStart, hits: 1 })
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`rate_limit.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow();
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
  return { limited: row.hits > limit.max, retryAfterSeconds };
}

/** Counts a hit on every limit; the longest wait among the exceeded ones wins. */
export async function hitAll(db: Kysely<Database>, limits: Limit[], now = new Date()): Promise<LimitResult> {
  let result: LimitResult = { limited: false, retryAfterSeconds: 0 };
  for (const limit of limits) {
    const r = await hit(db, limit, now);
    if (r.limited && (!result.limited || r.retryAfterSeconds > result.retryAfterSeconds)) result = r;
  }
  return result;
}

export async function purgeOldWindows(db: Kysely<Database>, olderThan: Date): Promise<number> {
  const result = await db.deleteFrom('rate_limit').where('window_start', '<', olderThan).executeTakeFirst();
  return Number(result.numDeletedRows);
}
