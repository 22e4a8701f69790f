import { z } from 'zod';
import { zhCN } from '../i18n/zh-CN.ts';
import type { Config } from './config.ts';

/** Field-level messages from a zod error: { per_page: ['每页条数须在 1 到 100 之间'] }. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  // A Map, not an object literal: a key such as `toString` or `__proto__` must not meet Object.prototype.
  const out = new Map<string, string[]>();
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_';
    out.set(key, [...(out.get(key) ?? []), issue.message]);
  }
  return Object.fromEntries(out);
}

/** Thrown from HTML loaders: the root ErrorBoundary renders it in Chinese. */
export function notFound(message: string = zhCN.errors.notFound): Response {
  return new Response(message, { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

export function badRequest(message: string): Response {
  return new Response(message, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** JSON API error body: { error: { message, fields? } }. */
export function jsonError(status: number, message: string, fields?: Record<string, string[]>): Response {
  return Response.json({ error: fields ? { message, fields } : { message } }, { status });
}

/** A route's numeric id parameter (a database integer), or a 404: a malformed id names nothing. */
export const idParamSchema = z.coerce.number().int().min(1).max(2_147_483_647);

export function requireIdParam(raw: string | undefined, message?: string): number {
  const id = idParamSchema.safeParse(raw);
  if (!id.success) throw notFound(message);
  return id.data;
}

/**
 * The site's origin for absolute links (exports, feeds, mails): PUBLIC_ORIGIN when set (production), else the
 * request's own (what server.ts also compares Origin headers with), else — in the worker, which has no request —
 * http://localhost:PORT. No trailing slash: `https://kjcg.example.cn`.
 */
export function siteOrigin(config: Pick<Config, 'PUBLIC_ORIGIN' | 'PORT'>, request?: Request): string {
  if (config.PUBLIC_ORIGIN) return new URL(config.PUBLIC_ORIGIN).origin;
  if (request) return new URL(request.url).origin;
  return `http://localhost:${config.PORT}`;
}
