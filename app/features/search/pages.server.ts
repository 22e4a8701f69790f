import type { LoaderFunctionArgs } from '@remix-run/node';
import type { z } from 'zod';
import { zhCN } from '../../i18n/zh-CN.ts';
import { jsonError } from '../../server/responses.ts';
import { searchParamsSchema, searchParamsToObject, toSearchQuery } from './rules.ts';

/**
 * Field-level messages, with unknown parameters named one by one. Collected in a Map: a parameter named
 * `toString` or `__proto__` must not meet Object.prototype (tests/fuzz: ?toString=… answered 500).
 */
function searchErrors(error: z.ZodError): Record<string, string[]> {
  const out = new Map<string, string[]>();
  for (const issue of error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [String(issue.path[0] ?? '_')];
    for (const key of keys) out.set(key, [...(out.get(key) ?? []), issue.message]);
  }
  return Object.fromEntries(out);
}

/** GET /search: the page. Unknown parameters are ignored (shared links may carry tracking parameters). */
export async function loadSearchPage({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const parsed = searchParamsSchema.safeParse(searchParamsToObject(url.searchParams, { dropUnknown: true }));
  if (!parsed.success) {
    return { ok: false as const, errors: searchErrors(parsed.error), params: url.search };
  }
  const [result, fields] = await Promise.all([
    context.search.search(toSearchQuery(parsed.data)),
    context.db
      .selectFrom('field')
      .select(['code', 'name'])
      .where('active', '=', true)
      .orderBy('sort_order')
      .execute(),
  ]);
  return { ok: true as const, query: parsed.data, result, fields, params: url.search };
}

/** GET /api/v1/search — documented in docs/api.md. Unknown parameters are a 400 (a typo must not be ignored). */
export async function apiSearch({ request, context }: LoaderFunctionArgs): Promise<Response> {
  const url = new URL(request.url);
  const parsed = searchParamsSchema.safeParse(searchParamsToObject(url.searchParams));
  if (!parsed.success) return jsonError(400, zhCN.api.invalidParameter, searchErrors(parsed.error));
  const result = await context.search.search(toSearchQuery(parsed.data));
  return Response.json({
    hits: result.hits,
    total: result.total,
    facets: result.facets,
    took_ms: result.tookMs,
    page: parsed.data.page,
    per_page: parsed.data.per_page,
  });
}
