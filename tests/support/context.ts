import { loadConfig } from '../../app/server/config.ts';
import type { AppContext } from '../../app/server/context.ts';
import { createLogger } from '../../app/server/logger.ts';
import type { DbHandle } from '../../db/client.ts';
import { createPostgresEngine } from '../../search/postgres.ts';

/** The load context a loader or action gets from server.ts, for calling them directly in tests. */
export function testContext(handle: DbHandle, overrides: Partial<AppContext> = {}): AppContext {
  return {
    db: handle.db,
    config: loadConfig({ NODE_ENV: 'test' }),
    logger: createLogger('silent'),
    search: createPostgresEngine(handle.db),
    clientIp: '203.0.113.10',
    cspNonce: 'test-nonce',
    ...overrides,
  };
}
