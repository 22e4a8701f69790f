import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import {
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { listFieldsWithCounts } from '../../db/queries/fields.ts';
import {
  deleteAttachment,
  listAttachments,
  removeListingFiles,
  storeAttachment,
} from '../features/attachments/attachments.server.ts';
import { MAX_ATTACHMENT_BYTES } from '../features/attachments/rules.ts';
import { completeness } from '../features/listings/completeness.ts';
import { ListingForm } from '../features/listings/components/listing-form.tsx';
import { collectFormValues, toFormValues } from '../features/listings/form.ts';
import { ownerActions } from '../features/listings/lifecycle.ts';
import { deleteDraft, ownListing } from '../features/listings/manage.server.ts';
import { handleEdit, handleOwnerAction } from '../features/listings/owner-pages.server.ts';
import { Recommendations } from '../features/matching/components/recommendations.tsx';
import { recommendationsOrNull } from '../features/matching/recommend.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formFailure, readForm } from '../server/forms.server.ts';
import { badRequest, idParamSchema, notFound, requireIdParam } from '../server/responses.ts';
import { formatDate, formatDateTime } from '../ui/format.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const t = zhCN.myListings;
const lc = zhCN.lifecycle;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const principal = await requirePermission(request, context, 'read:member-area:own');
  const id = requireIdParam(params.id);
  const listing = await ownListing(context.db, principal, id);
  if (!listing) throw notFound();
  const codes = listing.fields.map((f) => f.code);
  const [fields, attachments, recommendations] = await Promise.all([
    listFieldsWithCounts(context.db, { now: new Date() }),
    listAttachments(context.db, id),
    // Without the search engine (down, timing out) the page opens without recommendations.
    listing.status === 'published' ? recommendationsOrNull(context, id) : null,
  ]);
  return {
    id,
    kind: listing.kind,
    title: listing.title,
    status: listing.status,
    version: listing.version,
    rejectionReason: listing.rejection_reason,
    expiresAt: listing.expires_at ? new Date(listing.expires_at).toISOString() : null,
    values: toFormValues(listing as unknown as Record<string, unknown>, codes),
    completeness: completeness(listing),
    fields: fields.map((f) => ({ code: f.code, name: f.name })),
    events: listing.events,
    actions: ownerActions(listing.status),
    attachments: attachments.map((a) => ({ ...a, created_at: a.created_at.toISOString() })),
    recommendations,
  };
}

export async function action(args: ActionFunctionArgs) {
  const { request, params, context } = args;
  const principal = await requirePermission(request, context, 'create:listing:own');
  const id = requireIdParam(params.id);
  const listing = await ownListing(context.db, principal, id);
  if (!listing) throw notFound();

  if (request.headers.get('Content-Type')?.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(
        request,
        unstable_createMemoryUploadHandler({ maxPartSize: MAX_ATTACHMENT_BYTES + 1 }),
      );
    } catch (error) {
      if (error instanceof MaxPartSizeExceededError) {
        return formFailure(413, {}, { fieldErrors: { file: [zhCN.attachments.errors.tooLarge] } });
      }
      // A broken multipart body is the client's mistake (found by tests/fuzz): 400, not 500.
      throw badRequest(zhCN.errors.badForm);
    }
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) {
      return formFailure(400, {}, { fieldErrors: { file: [zhCN.attachments.errors.empty] } });
    }
    const stored = await storeAttachment(context.db, {
      dataDir: context.config.DATA_DIR,
      listingId: id,
      uploadedBy: principal.userId,
      name: file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
    if (!stored.ok) return formFailure(stored.status, {}, { fieldErrors: { file: [stored.message] } });
    return { uploaded: true };
  }

  const values = collectFormValues(await readForm(request));
  const intent = String(values.intent ?? '');
  if (intent === 'save') return handleEdit(args, principal, id, listing.kind, values);
  if (intent === 'delete-draft') {
    const deleted = await deleteDraft(context.db, { principal, id, ip: context.clientIp });
    if (!deleted.ok) return formFailure(deleted.status, {}, deleted);
    await removeListingFiles(context.config.DATA_DIR, deleted.storageNames);
    return redirect('/my/listings');
  }
  if (intent === 'delete-attachment') {
    // A malformed id names no attachment (found by tests/fuzz: Number('x') reached SQL as NaN → 500).
    const attachmentId = idParamSchema.safeParse(values.attachmentId);
    if (!attachmentId.success) throw notFound();
    const removed = await deleteAttachment(context.db, context.config.DATA_DIR, {
      listingId: id,
      attachmentId: attachmentId.data,
    });
    if (!removed) throw notFound();
    return { removed: true };
  }
  return handleOwnerAction(args, principal, { intent, id: String(id) });
}

export default function EditListing() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const failure = result && 'fieldErrors' in result ? result : undefined;
  const saved = result && 'saved' in result ? result.saved : params.get('saved') ? 'ok' : null;
  return (
    <>
      <PageHeading title={zhCN.listingForm.editTitle(zhCN.kind[data.kind])}>
        <p>
          <span className={`badge badge--status-${data.status}`} data-testid="listing-status">
            {lc.status[data.status]}
          </span>{' '}
          {data.status === 'published' && data.expiresAt ? (
            <span className="muted">
              {zhCN.index.expiresOn} {formatDate(data.expiresAt)}
            </span>
          ) : null}{' '}
          {data.status === 'published' ? <Link to={`/listings/${data.id}`}>{t.view}</Link> : null}
        </p>
        {data.status === 'rejected' && data.rejectionReason ? (
          <p className="notice" role="note" data-testid="rejection-reason">
            {lc.rejectionReason(data.rejectionReason)}
          </p>
        ) : null}
      </PageHeading>
      {saved ? (
        <p className="notice notice--ok" role="status">
          {saved === 'review' ? zhCN.listingForm.savedBackToReview : zhCN.listingForm.saved}
        </p>
      ) : null}
      {result && 'done' in result ? (
        <p className="notice notice--ok" role="status">
          {lc.done[result.done]}
        </p>
      ) : null}
      {data.actions.length ? (
        <div className="row-links">
          {data.actions.map((a) => (
            <Form method="post" className="inline-form" key={a}>
              <button type="submit" name="intent" value={a} className="button">
                {lc.actions[a]}
              </button>
            </Form>
          ))}
          {data.status === 'draft' ? (
            <Form method="post" className="inline-form">
              <button type="submit" name="intent" value="delete-draft" className="button button--danger">
                {t.deleteDraft}
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}
      <ListingForm
        key={data.version}
        kind={data.kind}
        values={failure?.values && Object.keys(failure.values).length ? failure.values : data.values}
        errors={failure?.fieldErrors ?? {}}
        formError={failure && !failure.fieldErrors.file ? failure.formError : undefined}
        fields={data.fields}
        version={data.version}
        completeness={data.completeness}
        submitLabel={zhCN.listingForm.save}
      />
      <Recommendations data={data.recommendations} unpublished={data.status !== 'published'} />
      <section className="panel" aria-labelledby="attachments-heading">
        <h2 id="attachments-heading">{t.attachments}</h2>
        <ul className="plain-list">
          {data.attachments.map((a) => (
            <li key={a.id}>
              <a href={`/listings/${data.id}/attachments/${a.id}`}>{a.original_name}</a>{' '}
              <span className="muted">{Math.ceil(a.size_bytes / 1024)} KB</span>
              <Form method="post" className="inline-form">
                <input type="hidden" name="attachmentId" value={a.id} />
                <button
                  type="submit"
                  name="intent"
                  value="delete-attachment"
                  className="button button--small"
                >
                  {zhCN.orgs.remove}
                </button>
              </Form>
            </li>
          ))}
        </ul>
        <Form method="post" encType="multipart/form-data" className="form form--inline">
          <div className={failure?.fieldErrors.file ? 'field field--invalid' : 'field'}>
            <label htmlFor="f-file">{zhCN.attachments.upload}</label>
            <p className="field__hint" id="f-file-hint">
              {zhCN.attachments.uploadHint}
            </p>
            <input
              id="f-file"
              type="file"
              name="file"
              accept="application/pdf,image/jpeg,image/png"
              aria-describedby={failure?.fieldErrors.file ? 'f-file-hint f-file-error' : 'f-file-hint'}
            />
            {failure?.fieldErrors.file ? (
              <p className="field__error" id="f-file-error" role="alert">
                {failure.fieldErrors.file.join('；')}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button">
            {zhCN.attachments.uploadButton}
          </button>
        </Form>
      </section>
      <section className="panel" aria-labelledby="history-heading">
        <h2 id="history-heading">{t.history}</h2>
        <ol className="history">
          {data.events.map((e) => (
            <li key={e.id}>
              <span className="muted">{formatDateTime(e.created_at)}</span>{' '}
              {lc.events[e.type as keyof typeof lc.events] ?? e.type}
              {e.display_name ? ` · ${e.display_name}` : ''}
              {e.type === 'rejected' && e.note ? ` · ${lc.rejectionReason(e.note)}` : ''}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.title ?? t.title) }];
