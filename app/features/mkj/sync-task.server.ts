import type { Kysely } from 'kysely';
import { z } from 'zod';
import { claimOutbox, completeOutbox, failOutbox } from '../../../db/queries/outbox.ts';
import { type Database, MKJ_SYNC_ENTITIES, type MkjSyncEntity } from '../../../db/schema.ts';
import { mkjZh } from '../../i18n/zh-CN/mkj.ts';
import type { Config } from '../../server/config.ts';
import type { Logger } from '../../server/logger.ts';
import type { WorkerTask } from '../../server/worker.ts';
import { bodyHash, forgetRecord, markFailed, markSynced, type SyncBody, syncBody } from './sync.server.ts';

/*
 * Worker task 'mkj-sync': outbox rows of topic 'mkj' → POST MKJ_SYNC_URL (docs/mengkeju.md "Push sync").
 *
 * - Without MKJ_SYNC_URL it does nothing at all: rows stay pending until the sync is configured.
 * - Claims up to MKJ_BATCH rows (lease + SKIP LOCKED) and sends them concurrently, each with
 *   AbortSignal.timeout(MKJ_SYNC_TIMEOUT_MS ≤ 30 s), so a batch ends well inside the 60 s lease.
 * - 2xx: synced; the reply `{ mkj_id?, url? }` is written into the record's mkj_id / mkj_url.
 * - Timeout, network error, 5xx, 408, 429: failed, retried with the outbox backoff (20 s, 40 s … at most 1 h),
 *   for as long as it takes.
 * - Any other 4xx: failed; after PERMANENT_AFTER attempts of the same row automatic retrying stops (the row is
 *   closed with its error) until staff press "retry now" on /bureau/mkj/sync.
 * - Never throws: every failure is recorded and logged; the loop and user actions go on.
 */

export const MKJ_BATCH = 10;
export const PERMANENT_AFTER = 3;

const s = mkjZh.sync;

/** What 蒙科聚 may answer with a 2xx (anything else in the body is ignored). */
const replySchema = z.object({
  mkj_id: z
    .string()
    .trim()
    .regex(/^[\p{L}\p{N}_.:/-]{1,200}$/u)
    .optional(),
  url: z
    .url({ protocol: /^https$/ })
    .max(1000)
    .optional(),
});
export type MkjReply = z.infer<typeof replySchema>;

type PushResult = { ok: true; reply: MkjReply } | { ok: false; error: string; permanent: boolean };

export function mkjSyncTask(config: Config): WorkerTask {
  return {
    name: 'mkj-sync',
    async run({ db, logger, now }) {
      if (!config.MKJ_SYNC_URL || !config.MKJ_SYNC_TOKEN) return 0;
      try {
        const rows = await claimOutbox(db, 'mkj', MKJ_BATCH);
        // Bodies are built at send time, so one send per record covers every row of it in the batch.
        const first = new Map<string, (typeof rows)[number]>();
        const superseded: string[] = [];
        for (const row of rows) {
          const key = `${row.aggregate_type}:${row.aggregate_id}`;
          if (first.has(key)) superseded.push(row.id);
          else first.set(key, row);
        }
        await Promise.all(
          [...first.values()].map((row) =>
            sendRow(db, config, logger, row, now).catch((error) => {
              logger.warn(
                { err: error, outboxId: row.id },
                '蒙科聚 sync: row not handled; the lease brings it back',
              );
            }),
          ),
        );
        await completeOutbox(db, superseded);
        return rows.length;
      } catch (error) {
        logger.warn({ err: error }, '蒙科聚 sync batch failed; will retry');
        return 0;
      }
    },
  };
}

async function sendRow(
  db: Kysely<Database>,
  config: Config,
  logger: Logger,
  row: { id: string; aggregate_type: string; aggregate_id: string; attempts: number },
  now: Date,
): Promise<void> {
  const entity = row.aggregate_type as MkjSyncEntity;
  const id = Number(row.aggregate_id);
  if (!MKJ_SYNC_ENTITIES.includes(entity) || !Number.isInteger(id)) {
    logger.warn({ outboxId: row.id, type: row.aggregate_type }, '蒙科聚 sync: unknown record type; dropped');
    await completeOutbox(db, [row.id]);
    return;
  }
  const state = await db
    .selectFrom('mkj_sync')
    .select(['payload_hash', 'synced_at'])
    .where('entity_type', '=', entity)
    .where('entity_id', '=', id)
    .executeTakeFirst();
  const built = await syncBody(db, entity, id, { now, origin: config.PUBLIC_ORIGIN });
  // Gone, or a status change of a record 蒙科聚 never had: nothing to tell it.
  if (!built || (!built.present && !state?.synced_at && !built.body.mkj_id)) {
    await db.transaction().execute(async (trx) => {
      await forgetRecord(trx, entity, id);
      await completeOutbox(trx, [row.id]);
    });
    return;
  }
  const hash = bodyHash(built.body);
  if (state?.payload_hash === hash) {
    // 蒙科聚 already holds exactly this.
    await db.transaction().execute(async (trx) => {
      await markSynced(trx, entity, id, { hash, now, attempted: false });
      await completeOutbox(trx, [row.id]);
    });
    return;
  }

  const result = await push(config, built.body);
  if (result.ok) {
    await db.transaction().execute(async (trx) => {
      await writeRemoteIds(trx, logger, entity, id, result.reply);
      await markSynced(trx, entity, id, { hash, remoteId: result.reply.mkj_id, now, attempted: true });
      await completeOutbox(trx, [row.id]);
    });
    return;
  }
  const attempt = row.attempts + 1;
  const stop = result.permanent && attempt >= PERMANENT_AFTER;
  const error = stop ? `${result.error}${s.errors.permanent}` : result.error;
  logger.warn({ outboxId: row.id, entity, id, attempt, error, stop }, '蒙科聚 sync: push failed');
  await db.transaction().execute(async (trx) => {
    await markFailed(trx, entity, id, { error, now });
    if (stop) {
      // Closed with its error: no more automatic retries ("retry now" queues a new row).
      await trx
        .updateTable('outbox')
        .set({ processed_at: now, last_error: error.slice(0, 1000) })
        .where('id', '=', row.id)
        .execute();
    } else {
      await failOutbox(trx, [row.id], new Error(error));
    }
  });
}

/** One POST; never throws. */
export async function push(
  config: Pick<Config, 'MKJ_SYNC_URL' | 'MKJ_SYNC_TOKEN' | 'MKJ_SYNC_TIMEOUT_MS'>,
  body: SyncBody,
): Promise<PushResult> {
  const timeout = config.MKJ_SYNC_TIMEOUT_MS;
  let status: number;
  let text: string;
  try {
    const response = await fetch(config.MKJ_SYNC_URL!, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        Accept: 'application/json',
        Authorization: `Bearer ${config.MKJ_SYNC_TOKEN}`,
      },
      body: JSON.stringify(body),
      // The token must not follow a redirect to another host.
      redirect: 'error',
      signal: AbortSignal.timeout(timeout),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const name = (error as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { ok: false, error: s.errors.timeout(timeout), permanent: false };
    }
    return { ok: false, error: s.errors.network(reasonOf(error)), permanent: false };
  }
  if (status >= 200 && status < 300) return { ok: true, reply: parseReply(text) };
  const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  return { ok: false, error: s.errors.http(status, oneLine(text).slice(0, 300)), permanent };
}

function parseReply(text: string): MkjReply {
  if (!text.trim()) return {};
  try {
    const parsed = replySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return oneLine(String(cause?.code ?? cause?.message ?? (error as Error)?.message ?? error)).slice(0, 300);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The ids 蒙科聚 answered with go into the record (shown on its page as a link). An mkj_id already held by another
 * organisation or listing (unique) is not written: the conflict is logged and left to staff.
 */
async function writeRemoteIds(
  db: Kysely<Database>,
  logger: Logger,
  entity: MkjSyncEntity,
  id: number,
  reply: MkjReply,
): Promise<void> {
  if (!reply.mkj_id && !reply.url) return;
  const table = entity === 'contract' ? 'match' : entity;
  if (reply.mkj_id && table !== 'match') {
    const clash = await db
      .selectFrom(table as 'listing')
      .select('id')
      .where('mkj_id', '=', reply.mkj_id)
      .where('id', '<>', id)
      .executeTakeFirst();
    if (clash) {
      logger.warn(
        { entity, id, mkjId: reply.mkj_id, heldBy: clash.id },
        '蒙科聚 id already held; not written',
      );
      return;
    }
  }
  await db
    .updateTable(table as 'listing')
    .set({
      ...(reply.mkj_id ? { mkj_id: reply.mkj_id } : {}),
      ...(reply.url ? { mkj_url: reply.url } : {}),
    })
    .where('id', '=', id)
    .execute();
}
