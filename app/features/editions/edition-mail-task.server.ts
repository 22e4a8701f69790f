import type { Kysely } from 'kysely';
import { claimOutbox, completeOutbox, enqueue, failOutbox } from '../../../db/queries/outbox.ts';
import type { Database } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import type { Config } from '../../server/config.ts';
import { siteOrigin } from '../../server/responses.ts';
import type { WorkerTask } from '../../server/worker.ts';
import { editionPath } from './rules.ts';
import { unsubscribeUrl } from './subscriptions.server.ts';

/*
 * The edition mail fan-out: consumes outbox rows of topic 'edition' (written by publishEdition in the publishing
 * transaction, aggregate_id = the edition id) and queues one 'mail' outbox row per active subscriber.
 *
 * Never twice: each batch inserts the subscribers' edition_delivery rows (primary key edition × subscription,
 * ON CONFLICT DO NOTHING) and queues mails only for the rows this insert returned, in one transaction. A crash
 * half-way, a retry after a failure, a second worker holding an expired lease: each re-run skips whoever was
 * already queued. The mail sender then sends each mail row once (Message-ID and .eml name from the outbox id).
 */

export const FAN_OUT_BATCH = 200;

/**
 * Queues the edition's mail for every active subscriber not yet served, in batches (one transaction each).
 * Returns how many mails it queued; 'not-published' when the edition is missing or not published.
 */
export async function fanOutEdition(
  db: Kysely<Database>,
  editionId: number,
  origin: string,
  batchSize = FAN_OUT_BATCH,
): Promise<number | 'not-published'> {
  const edition = await db
    .selectFrom('edition')
    .select(['id', 'year', 'number', 'title', 'status'])
    .where('id', '=', editionId)
    .executeTakeFirst();
  if (edition?.status !== 'published') return 'not-published';

  const counts = await db
    .selectFrom('edition_entry')
    .select(['section', (eb) => eb.fn.countAll<number>().as('n')])
    .where('edition_id', '=', editionId)
    .groupBy('section')
    .execute();
  const count = (section: 'demand' | 'supply') => Number(counts.find((c) => c.section === section)?.n ?? 0);
  const link = `${origin}${editionPath(edition)}`;
  const m = zhCN.editions.subscribe.mail;
  const subject = m.editionSubject(edition.title);
  const summary = zhCN.editions.editionSummary(count('demand'), count('supply'));

  let queued = 0;
  let after = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const candidates = await trx
        .selectFrom('subscription as s')
        .select(['s.id', 's.email', 's.unsubscribe_token'])
        .where('s.status', '=', 'active')
        .where('s.id', '>', after)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('edition_delivery as d')
                .select('d.subscription_id')
                .where('d.edition_id', '=', editionId)
                .whereRef('d.subscription_id', '=', 's.id'),
            ),
          ),
        )
        .orderBy('s.id')
        .limit(batchSize)
        .execute();
      if (candidates.length === 0) return { last: null, sent: 0 };
      const inserted = await trx
        .insertInto('edition_delivery')
        .values(candidates.map((c) => ({ edition_id: editionId, subscription_id: c.id })))
        .onConflict((oc) => oc.columns(['edition_id', 'subscription_id']).doNothing())
        .returning('subscription_id')
        .execute();
      const mine = new Set(inserted.map((r) => r.subscription_id));
      for (const c of candidates) {
        if (!mine.has(c.id)) continue;
        const unsubscribe = unsubscribeUrl(origin, c.unsubscribe_token);
        await enqueue(trx, {
          topic: 'mail',
          aggregateType: 'edition_delivery',
          aggregateId: `${editionId}:${c.id}`,
          payload: {
            to: c.email,
            subject,
            text: m.editionText({
              title: edition.title,
              summary,
              link,
              xlsx: `${link}/edition.xlsx`,
              unsubscribe,
            }),
            headers: { 'List-Unsubscribe': `<${unsubscribe}>` },
          },
        });
      }
      return { last: candidates[candidates.length - 1]!.id, sent: mine.size };
    });
    if (batch.last === null) break;
    queued += batch.sent;
    after = batch.last;
  }
  return queued;
}

/** The worker task: one claimed 'edition' row at a time, fanned out completely, then marked done. */
export function editionMailTask(config: Config): WorkerTask {
  const origin = siteOrigin(config);
  return {
    name: 'edition-mail',
    async run({ db, logger }) {
      const rows = await claimOutbox(db, 'edition', 1);
      for (const row of rows) {
        try {
          const queued = await fanOutEdition(db, Number(row.aggregate_id), origin);
          if (queued === 'not-published')
            logger.warn(
              { outboxId: row.id, editionId: row.aggregate_id },
              'edition mail: edition not published',
            );
          else logger.info({ editionId: row.aggregate_id, queued }, 'edition mail queued');
          await completeOutbox(db, [row.id]);
        } catch (error) {
          logger.warn({ err: error, outboxId: row.id }, 'edition mail fan-out failed; will retry');
          await failOutbox(db, [row.id], error);
        }
      }
      return rows.length;
    },
  };
}
