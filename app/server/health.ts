import type { Kysely } from 'kysely';
import { ping } from '../../db/client.ts';
import { pendingMigrations } from '../../db/migrate.ts';
import type { Database } from '../../db/schema.ts';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  pendingMigrations: string[];
}

/** /readyz: the database answers and every registered migration is applied. */
export async function checkReadiness(db: Kysely<Database>): Promise<Readiness> {
  try {
    await ping(db);
    const pending = await pendingMigrations(db);
    return { ready: pending.length === 0, database: 'ok', pendingMigrations: pending };
  } catch {
    return { ready: false, database: 'unreachable', pendingMigrations: [] };
  }
}
