import type { LoaderFunctionArgs } from '@remix-run/node';
import { readAttachment } from '../features/attachments/attachments.server.ts';
import { attachmentParamsSchema, contentDisposition } from '../features/attachments/rules.ts';
import { canSeeListingDetail } from '../features/listings/access.server.ts';
import { getPrincipal } from '../server/auth.server.ts';
import { notFound } from '../server/responses.ts';

/*
 * Resource route: downloads one attachment of a listing. Whoever may not see the listing's detail tier gets
 * the same 404 as for an attachment that does not exist (existence is not revealed). Links to it need
 * `reloadDocument` (or a plain <a>), since there is no component.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs): Promise<Response> {
  const parsed = attachmentParamsSchema.safeParse(params);
  if (!parsed.success) throw notFound();
  const { id: listingId, attachmentId } = parsed.data;
  const principal = await getPrincipal(request, context);
  if (!(await canSeeListingDetail(context.db, listingId, principal))) throw notFound();
  const file = await readAttachment(context.db, context.config.DATA_DIR, { listingId, attachmentId });
  if (!file) throw notFound();
  return new Response(file.stream, {
    status: 200,
    headers: {
      'Content-Type': file.mimeType,
      'Content-Disposition': contentDisposition(file.originalName),
      'Content-Length': String(file.size),
      'X-Content-Type-Options': 'nosniff',
      // Not public (members only, staff only, a draft …): no cache may keep it, not even the browser's.
      'Cache-Control': file.listingPublic ? 'public, max-age=300' : 'private, max-age=0, no-store',
      'Content-Security-Policy': "sandbox; default-src 'none'",
    },
  });
}
