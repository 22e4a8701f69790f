import type { LoaderFunctionArgs } from '@remix-run/node';
import type { ListingKind } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { getPrincipal } from '../../server/auth.server.ts';
import { badRequest, notFound } from '../../server/responses.ts';
import { listAttachments } from '../attachments/attachments.server.ts';
import { viewerOf } from './access.server.ts';
import { viewListing } from './listings.server.ts';
import { indexQuerySchema, listingIdSchema, PAGE_SIZE, pageCount, searchParamsObject } from './rules.ts';

/** Loaders of the HTML listing pages: parse the URL with zod, call the use case, map errors to 400/404. */

/**
 * The index page of one kind, served by the search engine (the same engine as 搜索): newest first, field filter,
 * field counts from the engine's facets.
 */
export async function loadKindIndex(kind: ListingKind, { request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const parsed = indexQuerySchema.safeParse(searchParamsObject(url.searchParams));
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? zhCN.api.invalidParameter);
  const { page, field } = parsed.data;
  const fields = await context.db
    .selectFrom('field')
    .select(['code', 'name'])
    .where('active', '=', true)
    .orderBy('sort_order')
    .execute();
  if (field !== undefined && !fields.some((f) => f.code === field)) throw notFound(zhCN.api.unknownField);
  const base = { q: '', kind, sort: 'newest' as const, perPage: PAGE_SIZE };
  const [result, all] = await Promise.all([
    context.search.search({ ...base, fields: field ? [field] : [], page }),
    // Field counts over the whole kind, also while one field is selected.
    field ? context.search.search({ ...base, page: 1, perPage: 1 }) : undefined,
  ]);
  const counts = (all ?? result).facets.field;
  return {
    items: result.hits,
    total: result.total,
    page,
    pages: pageCount(result.total, PAGE_SIZE),
    fieldCode: field ?? null,
    fields: fields.map((f) => ({ ...f, live_count: counts[f.code] ?? 0 })),
  };
}

export async function loadListingPage({ request, params, context }: LoaderFunctionArgs) {
  const id = listingIdSchema.safeParse(params.id);
  if (!id.success) throw notFound(zhCN.errors.listingNotFound);
  const principal = await getPrincipal(request, context);
  const listing = await viewListing(context.db, id.data, viewerOf(principal));
  if (!listing) throw notFound(zhCN.errors.listingNotFound);
  const attachments = listing.detail ? await listAttachments(context.db, id.data) : [];
  return {
    listing,
    attachments: attachments.map((a) => ({
      id: a.id,
      name: a.original_name,
      sizeKb: Math.ceil(a.size_bytes / 1024),
    })),
  };
}
