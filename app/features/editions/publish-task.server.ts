import type { WorkerTask } from '../../server/worker.ts';
import { publishDueEditions } from './editions.server.ts';

/**
 * Worker task: publishes the scheduled editions whose time has come (one indexed query per tick; the editions
 * are few). An edition is published at most one tick (WORKER_INTERVAL_MS) after its scheduled time.
 */
export function editionPublishTask(): WorkerTask {
  return {
    name: 'edition-publish',
    run: ({ db, now }) => publishDueEditions(db, now),
  };
}
