import type { LoaderFunctionArgs } from '@remix-run/node';
import { zhCN } from '../../i18n/zh-CN.ts';
import { fieldErrors, jsonError } from '../../server/responses.ts';
import { browseListings, UnknownFieldError, viewListing } from './listings.server.ts';
import { ANONYMOUS, apiListQuerySchema, listingIdSchema, searchParamsObject } from './rules.ts';

/** GET /api/v1/listings — documented in docs/api.md. */
export async function apiListListings({ request, context }: LoaderFunctionArgs): Promise<Response> {
  const url = new URL(request.url);
  const parsed = apiListQuerySchema.safeParse(searchParamsObject(url.searchParams));
  if (!parsed.success) return jsonError(400, zhCN.api.invalidParameter, fieldErrors(parsed.error));
  const q = parsed.data;
  try {
    const result = await browseListings(context.db, {
      kind: q.kind,
      fieldCode: q.field,
      page: q.page,
      perPage: q.per_page,
      viewer: ANONYMOUS,
    });
    return Response.json({
      data: result.items,
      meta: { page: result.page, per_page: result.perPage, total: result.total, pages: result.pages },
    });
  } catch (error) {
    if (error instanceof UnknownFieldError) {
      return jsonError(400, zhCN.api.invalidParameter, { field: [zhCN.api.unknownField] });
    }
    throw error;
  }
}

/** GET /api/v1/listings/:id — documented in docs/api.md. */
export async function apiGetListing({ params, context }: LoaderFunctionArgs): Promise<Response> {
  const id = listingIdSchema.safeParse(params.id);
  if (!id.success) return jsonError(400, zhCN.api.invalidParameter, { id: [zhCN.api.mustBeInteger] });
  const listing = await viewListing(context.db, id.data, ANONYMOUS);
  if (!listing) return jsonError(404, zhCN.api.notFound);
  return Response.json({ data: listing });
}
