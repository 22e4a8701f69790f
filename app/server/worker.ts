import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { SearchEngine } from '../../search/engine.ts';
import { editionMailTask } from '../features/editions/edition-mail-task.server.ts';
import { editionPublishTask } from '../features/editions/publish-task.server.ts';
import { listingExpiryTask } from '../features/listings/expiry-task.server.ts';
import { mailTask } from '../features/mail/mail.server.ts';
import { interestDeadlineTask } from '../features/matching/interest-task.server.ts';
import { mkjSyncTask } from '../features/mkj/sync-task.server.ts';
import { searchIndexerTask } from '../features/search/indexer-task.server.ts';
import type { Config } from './config.ts';
import { housekeepingTask } from './housekeeping.server.ts';
import type { Logger } from './logger.ts';

/**
 * The background worker loop. With PGlite it runs inside the web process; with PostgreSQL it can also
 * run in separate `npm run worker` processes (tasks claim their work with FOR UPDATE SKIP LOCKED, so
 * several loops can share it). Tasks arrive with the issues that need them (search indexing, mail,
 * expiry, 蒙科聚 sync).
 */
export interface WorkerTask {
  name: string;
  /** Does one bounded batch of work; returns how many items it handled (0 = idle). */
  run(ctx: { db: Kysely<Database>; search: SearchEngine; logger: Logger; now: Date }): Promise<number>;
}

export interface Worker {
  /** Finishes the batch in progress, then stops. */
  stop(): Promise<void>;
  /** Runs every task once, now (tests and CLI). */
  tick(): Promise<number>;
}

export function startWorker(options: {
  db: Kysely<Database>;
  search: SearchEngine;
  logger: Logger;
  tasks: WorkerTask[];
  intervalMs: number;
}): Worker {
  const { db, search, logger, tasks, intervalMs } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<number> = Promise.resolve(0);

  async function tick(): Promise<number> {
    let handled = 0;
    for (const task of tasks) {
      try {
        handled += await task.run({ db, search, logger, now: new Date() });
      } catch (error) {
        logger.error({ err: error, task: task.name }, 'worker task failed');
      }
    }
    return handled;
  }

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      current = tick();
      // Busy: go again at once; idle: wait for the interval.
      void current.then((handled) => schedule(handled > 0 ? 0 : intervalMs));
    }, delay);
  }

  if (tasks.length > 0) schedule(0);
  logger.info({ tasks: tasks.map((t) => t.name), intervalMs }, 'worker started');

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
    tick,
  };
}

/**
 * Tasks registered in the loop: search indexing, mail, listing expiry, scheduled editions, interest deadlines,
 * the 蒙科聚 push sync (idle without MKJ_SYNC_URL), housekeeping.
 */
export function workerTasks(config: Config): WorkerTask[] {
  return [
    searchIndexerTask(),
    editionMailTask(config),
    mailTask(config),
    listingExpiryTask(),
    editionPublishTask(),
    interestDeadlineTask(config),
    mkjSyncTask(config),
    housekeepingTask(),
  ];
}
