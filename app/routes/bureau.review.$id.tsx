import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { listAttachments } from '../features/attachments/attachments.server.ts';
import { CompletenessPanel } from '../features/listings/components/listing-form.tsx';
import { reviewItem, transitionListing } from '../features/listings/manage.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formFailure, formObject } from '../server/forms.server.ts';
import { notFound, requireIdParam } from '../server/responses.ts';
import { TextAreaField } from '../ui/form.tsx';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const r = zhCN.review;
const f = zhCN.listingForm;
const decision = z.object({ intent: z.enum(['approve', 'reject']), reason: z.string().max(500).optional() });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'review:listing:any');
  const id = requireIdParam(params.id);
  const item = await reviewItem(context.db, id);
  if (!item) throw notFound();
  const { row } = item;
  return {
    id,
    kind: row.kind,
    status: row.status,
    title: row.title,
    summary: row.summary,
    detail: row.detail,
    indicators: row.indicators,
    organisation: row.organisation_name,
    confidentiality: row.confidentiality,
    fieldCodes: item.fieldCodes,
    changes: item.changes.map((c) => ({
      field: c.field,
      before: JSON.stringify(c.before),
      after: JSON.stringify(c.after),
    })),
    firstReview: row.approved_snapshot === null,
    completeness: item.completeness,
    attachments: (await listAttachments(context.db, id)).map((a) => ({ id: a.id, name: a.original_name })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'review:listing:any');
  const id = requireIdParam(params.id);
  const form = await formObject(request);
  const parsed = decision.safeParse(form);
  if (!parsed.success) return formFailure(400, form, { formError: f.errors.notAllowed });
  const result = await transitionListing(context.db, {
    principal,
    id,
    action: parsed.data.intent,
    reason: parsed.data.reason,
    ip: context.clientIp,
    ttlDays: context.config.LISTING_TTL_DAYS,
  });
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return formFailure(result.status, form, result);
  }
  return redirect(`/bureau/review?done=${parsed.data.intent}`);
}

const FIELD_LABELS: Record<string, string> = {
  title: f.title,
  fieldCodes: f.fields,
  indicators: f.indicators.demand,
  innovation_points: f.innovationPoint(1),
  trl: f.trl,
  patent_numbers: f.patentNumbers,
  budget_min_wan: f.budgetMin,
  budget_max_wan: f.budgetMax,
  price_wan: f.price,
  price_negotiable: f.priceNegotiable,
  investment_wan: f.investment,
  confidentiality: f.confidentiality,
};

export default function ReviewListing() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeading title={d.title}>
        <p>
          {zhCN.kind[d.kind]} · {d.organisation} ·{' '}
          <span className={`badge badge--status-${d.status}`}>{zhCN.lifecycle.status[d.status]}</span> ·{' '}
          {zhCN.confidentiality[d.confidentiality]}
        </p>
      </PageHeading>
      <CompletenessPanel completeness={d.completeness} />
      <section className="panel" aria-labelledby="changes-heading">
        <h2 id="changes-heading">{d.firstReview ? r.firstReview : r.changes}</h2>
        {d.changes.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{zhCN.bureau.auditEntity}</th>
                  <th scope="col">{r.before}</th>
                  <th scope="col">{r.after}</th>
                </tr>
              </thead>
              <tbody>
                {d.changes.map((c) => (
                  <tr key={c.field}>
                    <th scope="row">{FIELD_LABELS[c.field] ?? c.field}</th>
                    <td>
                      <del>{c.before}</del>
                    </td>
                    <td>
                      <ins>{c.after}</ins>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <section className="panel">
        <h2>{f.summary}</h2>
        <p>{d.summary}</p>
        <h2>{f.indicators[d.kind]}</h2>
        <p className="prose">{d.indicators}</p>
        <h2>{f.detail}</h2>
        <p className="prose">{d.detail}</p>
        {d.attachments.length ? (
          <>
            <h2>{zhCN.attachments.list}</h2>
            <ul>
              {d.attachments.map((a) => (
                <li key={a.id}>
                  <a href={`/listings/${d.id}/attachments/${a.id}`}>{a.name}</a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      {d.status === 'submitted' ? (
        <section className="panel">
          {failure?.formError ? (
            <p className="form-error" role="alert">
              {failure.formError}
            </p>
          ) : null}
          <Form method="post" className="form" noValidate>
            <button type="submit" name="intent" value="approve" className="button">
              {zhCN.lifecycle.actions.approve}
            </button>
          </Form>
          <Form method="post" className="form" noValidate>
            <TextAreaField
              name="reason"
              label={r.reason}
              required
              maxLength={500}
              rows={3}
              defaultValue={failure?.values.reason}
              errors={failure?.fieldErrors.reason}
            />
            <button type="submit" name="intent" value="reject" className="button button--danger">
              {zhCN.lifecycle.actions.reject}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.title ?? r.title) }];
