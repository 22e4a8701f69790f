import type { WorkerTask } from '../../server/worker.ts';
import { expireDue, remindExpiring } from './manage.server.ts';

/**
 * Worker task: expires published listings past their date and sends the 14-day renewal reminders.
 * Checked every 5 minutes (two indexed queries), so a listing leaves the public pages within minutes of
 * its expiry; the read queries also hide it from the first second.
 */
export function listingExpiryTask(intervalMs = 5 * 60_000): WorkerTask {
  let lastRun = 0;
  return {
    name: 'listing-expiry',
    async run({ db, now }) {
      if (now.getTime() - lastRun < intervalMs) return 0;
      lastRun = now.getTime();
      const expired = await expireDue(db, now);
      await remindExpiring(db, now);
      // Busy again at once while a backlog of expiries remains.
      if (expired === 200) lastRun = 0;
      return expired === 200 ? 1 : 0;
    },
  };
}
