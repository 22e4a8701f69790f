import type { ServerBuild } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../app/server/logger.ts';
import {
  isDatabaseUnavailable,
  RETRY_AFTER_SECONDS,
  withDatabaseUnavailable,
} from '../../app/server/unavailable.ts';
import type { DbHandle } from '../../db/client.ts';
import { claimOutbox, enqueue, errorText, holdOutboxRow } from '../../db/queries/outbox.ts';
import { createTestDb } from '../support/db.ts';

/*
 * The pieces the fault tests rely on, checked directly: which errors count as "the database is down" (→ 503 instead
 * of 500, tests/e2e/faults.spec.ts runs it against a real restart), the wrapped build, the attempt-number fence of
 * the mail sender (holdOutboxRow) and the error text kept in outbox.last_error.
 */

function pgError(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', pgError('ECONNRESET', 'read ECONNRESET')],
    ['a fast shutdown (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['a connection failure (08006)', pgError('08006')],
    ['too many connections (53300)', pgError('53300')],
    ['a dead pooled connection', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    [
      'refused on every address (AggregateError)',
      Object.assign(new AggregateError([pgError('ECONNREFUSED')], ''), { code: undefined }),
    ],
    ['a cause', new Error('wrapped', { cause: pgError('ECONNREFUSED') })],
  ])('%s → yes', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', pgError('23505', 'duplicate key value')],
    ['a statement timeout (57014)', pgError('57014', 'canceling statement due to statement timeout')],
    ['a protocol violation (08P01)', pgError('08P01')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a thrown Response', new Response('nope', { status: 404 })],
    ['nothing', undefined],
  ])('%s → no', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('withDatabaseUnavailable', () => {
  const down = () => Promise.reject(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'));
  const build = withDatabaseUnavailable({
    routes: {
      page: { id: 'page', path: 'page', module: { default: () => null, loader: down, action: down } },
      bug: { id: 'bug', path: 'bug', module: { loader: () => Promise.reject(new TypeError('bug')) } },
      plain: { id: 'plain', path: 'plain', module: { loader: () => ({ ok: true }) } },
    },
  } as unknown as ServerBuild);
  const context = { logger: createLogger('silent') };
  const call = (id: string, url: string, kind: 'loader' | 'action' = 'loader') =>
    (build.routes[id]!.module[kind] as (args: unknown) => Promise<unknown>)({
      request: new Request(url),
      params: {},
      context,
    });

  it('turns a database outage in a page loader or action into a 503 with Retry-After and a Chinese message', async () => {
    for (const kind of ['loader', 'action'] as const) {
      const thrown = await call('page', 'http://x/page', kind).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(Response);
      const response = thrown as Response;
      expect(response.status).toBe(503);
      expect(response.headers.get('Retry-After')).toBe(String(RETRY_AFTER_SECONDS));
      expect(await response.text()).toContain('数据库暂时无法访问');
    }
  });

  it('answers JSON under /api/', async () => {
    const response = (await call('page', 'http://x/api/v1/listings').catch((e: unknown) => e)) as Response;
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('数据库');
  });

  it('leaves other errors and results alone', async () => {
    await expect(call('bug', 'http://x/bug')).rejects.toThrow(TypeError);
    await expect(call('plain', 'http://x/plain')).resolves.toEqual({ ok: true });
    expect(build.routes.bug!.module.action).toBeUndefined();
  });
});

describe('the outbox pieces of the mail path', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(() => handle?.close());

  it('holdOutboxRow: a worker whose lease ran out and was taken over may not send the row', async () => {
    await enqueue(handle.db, { topic: 'mail', aggregateType: 'fence', aggregateId: 1, payload: {} });
    const [first] = await claimOutbox(handle.db, 'mail', 1);
    expect(await holdOutboxRow(handle.db, first!.id, first!.attempts + 1)).toBe(true);
    // The lease runs out (a very slow batch); a second worker claims the row.
    await handle.db
      .updateTable('outbox')
      .set({ available_at: new Date(0) })
      .where('id', '=', first!.id)
      .execute();
    const [second] = await claimOutbox(handle.db, 'mail', 1);
    expect(second!.id).toBe(first!.id);
    // The first worker comes back to it: fenced off. The second one holds it.
    expect(await holdOutboxRow(handle.db, first!.id, first!.attempts + 1)).toBe(false);
    expect(await holdOutboxRow(handle.db, second!.id, second!.attempts + 1)).toBe(true);
  });

  it('errorText keeps the cause of a client error (the reason a push or a mail failed)', () => {
    const error = new Error('Request to http://meili/indexes has failed', {
      cause: new Error('request timed out after 5000ms'),
    });
    expect(errorText(error)).toBe(
      'Request to http://meili/indexes has failed: request timed out after 5000ms',
    );
    expect(errorText('plain')).toBe('plain');
    // A cause that is not an Error (a client's parsed response body) adds nothing.
    expect(errorText(new Error('503: Service Unavailable', { cause: { code: 'x' } }))).toBe(
      '503: Service Unavailable',
    );
  });
});
