import { purgeOldWindows } from './rate-limit.server.ts';
import type { WorkerTask } from './worker.ts';

const HOUR = 3600_000;

/**
 * Deletes expired or revoked sessions after 30 days (kept that long for the account page and audits) and
 * rate-limit windows older than a day. At most once an hour per process; idempotent, so several workers
 * may run it.
 */
export function housekeepingTask(): WorkerTask {
  let lastRun = 0;
  return {
    name: 'housekeeping',
    async run({ db, logger, now }) {
      if (now.getTime() - lastRun < HOUR) return 0;
      lastRun = now.getTime();
      const cutoff = new Date(now.getTime() - 30 * 24 * HOUR);
      const sessions = await db
        .deleteFrom('session')
        .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]))
        .executeTakeFirst();
      const windows = await purgeOldWindows(db, new Date(now.getTime() - 24 * HOUR));
      logger.debug({ sessions: Number(sessions.numDeletedRows), windows }, 'housekeeping done');
      // Report 0 (idle) so the loop does not spin: this task is periodic, not a queue.
      return 0;
    },
  };
}
