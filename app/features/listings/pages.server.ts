import type { LoaderFunctionArgs } from '@remix-run/node';
import type { ListingKind } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { getPrincipal } from '../../server/auth.server.ts';
import { badRequest, notFound } from '../../server/responses.ts';
import { listAttachments } from '../attachments/attachments.server.ts';
import { viewerOf } from './access.server.ts';
import { kindIndex, UnknownFieldError, viewListing } from './listings.server.ts';
import { indexQuerySchema, listingIdSchema, PAGE_SIZE, searchParamsObject } from './rules.ts';

/** Loaders of the HTML listing pages: parse the URL with zod, call the use case, map errors to 400/404. */

export async function loadKindIndex(kind: ListingKind, { request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const parsed = indexQuerySchema.safeParse(searchParamsObject(url.searchParams));
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? zhCN.api.invalidParameter);
  try {
    return await kindIndex(context.db, {
      kind,
      fieldCode: parsed.data.field,
      page: parsed.data.page,
      perPage: PAGE_SIZE,
      viewer: viewerOf(await getPrincipal(request, context)),
    });
  } catch (error) {
    if (error instanceof UnknownFieldError) throw notFound(zhCN.api.unknownField);
    throw error;
  }
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
