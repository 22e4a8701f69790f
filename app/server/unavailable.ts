import type { ServerBuild } from '@remix-run/node';
import { zhCN } from '../i18n/zh-CN.ts';
import type { AppContext } from './context.ts';

/*
 * The database is down (restarted, failing over, unreachable): every page and API answers 503 with Retry-After and
 * a Chinese message instead of a 500, until the pool reconnects on its own (docs/reliability.md "Faults",
 * tests/e2e/faults.spec.ts). server.ts wraps the loaders and actions of the Remix build with this; a thrown 503
 * Response is what Remix sends for a resource route (the API) and what the root ErrorBoundary renders for a page.
 */

/** Seconds a client should wait before trying again (Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

/** Network errors of the pg client and its socket when the server cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or not there yet: class 08 connection exceptions (not 08P01, a protocol
 * violation), 57P01 (terminated by an administrator: a fast shutdown), 57P02 (crash shutdown), 57P03 (cannot
 * connect now: starting or shutting down), 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(0800[0-46]|57P0[123]|53300)$/;

/** Messages of node-postgres for a connection that died or could not be made in time. */
const POOL_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Connection ended unexpectedly',
];

/** True when the error means "the database cannot be reached now", not a bug or a bad query. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  if (typeof message === 'string' && POOL_MESSAGES.some((m) => message.includes(m))) return true;
  // Node reports a refused connection to every address of a name as an AggregateError.
  if (Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

/** The 503: JSON under /api/ (as jsonError writes it), plain text for pages (shown by the root ErrorBoundary). */
export function unavailableResponse(request: Request): Response {
  const headers = { 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' };
  const message = zhCN.errors.unavailable;
  if (new URL(request.url).pathname.startsWith('/api/')) {
    return Response.json({ error: { message } }, { status: 503, headers });
  }
  return new Response(message, {
    status: 503,
    headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

type Handler = (args: { request: Request; context: unknown }) => unknown;

function guard<F>(handler: F | undefined): F | undefined {
  if (typeof handler !== 'function') return handler;
  const wrapped: Handler = async (args) => {
    try {
      return await (handler as Handler)(args);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      (args.context as Partial<AppContext> | undefined)?.logger?.warn(
        { err: error, url: args.request.url },
        'database unavailable: answered 503',
      );
      throw unavailableResponse(args.request);
    }
  };
  return wrapped as F;
}

/** The build with every loader and action answering 503 (not 500) while the database cannot be reached. */
export function withDatabaseUnavailable(build: ServerBuild): ServerBuild {
  const routes: ServerBuild['routes'] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    routes[id] = {
      ...route,
      module: { ...route.module, loader: guard(route.module.loader), action: guard(route.module.action) },
    };
  }
  return { ...build, routes };
}
