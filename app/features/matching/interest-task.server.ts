import type { Config } from '../../server/config.ts';
import { siteOrigin } from '../../server/responses.ts';
import type { WorkerTask } from '../../server/worker.ts';
import { remindAndFlagInterests } from './interests.server.ts';

/**
 * Worker task: reminds owners of interests whose answer is due within 48 h and flags overdue ones to the owner
 * and to bureau staff (each once). Checked every minute.
 */
export function interestDeadlineTask(config: Config, intervalMs = 60_000): WorkerTask {
  let lastRun = 0;
  return {
    name: 'interest-deadlines',
    async run({ db, now }) {
      if (now.getTime() - lastRun < intervalMs) return 0;
      lastRun = now.getTime();
      const handled = await remindAndFlagInterests(db, now, siteOrigin(config));
      if (handled === 100) lastRun = 0;
      return handled === 100 ? 1 : 0;
    },
  };
}
