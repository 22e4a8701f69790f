import { runIndexerBatch } from '../../../search/indexer.ts';
import type { WorkerTask } from '../../server/worker.ts';

/** Worker task: keeps the search index in step with the listings through the outbox (search/indexer.ts). */
export function searchIndexerTask(): WorkerTask {
  return {
    name: 'search-indexer',
    async run({ db, search, logger }) {
      try {
        return await runIndexerBatch(db, search, { limit: 200 });
      } catch (error) {
        // The rows are rescheduled with backoff and keep their error; the loop goes on with other work.
        logger.warn({ err: error, engine: search.name }, 'search indexing failed; will retry');
        return 0;
      }
    },
  };
}
