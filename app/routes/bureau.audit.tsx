import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData, useLocation } from '@remix-run/react';
import { AUDIT_PAGE_SIZE, readAudit } from '../features/bureau/bureau.server.ts';
import { auditFilterSchema } from '../features/bureau/rules.ts';
import { pageCount, searchParamsObject } from '../features/listings/rules.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { badRequest } from '../server/responses.ts';
import { formatDateTime } from '../ui/format.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';
import { Pagination } from '../ui/pagination.tsx';

const b = zhCN.bureau;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'read:audit:any');
  const parsed = auditFilterSchema.safeParse(searchParamsObject(new URL(request.url).searchParams));
  if (!parsed.success) throw badRequest(b.invalidFilter);
  const { rows, total } = await readAudit(context.db, parsed.data);
  return {
    filter: parsed.data,
    total,
    pages: pageCount(total, AUDIT_PAGE_SIZE),
    rows: rows.map((r) => ({ ...r, at: r.at.toISOString(), details: JSON.stringify(r.details) })),
  };
}

export default function AuditPage() {
  const { filter, rows, total, pages } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <>
      <PageHeading title={b.auditTitle} />
      <Form method="get" className="filter-bar filter-bar--grid">
        <label>
          {b.auditAction}
          <input name="action" defaultValue={filter.action ?? ''} placeholder="auth.login" />
        </label>
        <label>
          {b.auditOutcome}
          <select name="outcome" defaultValue={filter.outcome ?? ''}>
            <option value="">{b.anyOutcome}</option>
            {(['success', 'failure', 'denied'] as const).map((o) => (
              <option key={o} value={o}>
                {b.outcomes[o]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {b.auditActor}
          <input name="actor" defaultValue={filter.actor ?? ''} />
        </label>
        <label>
          {b.auditFrom}
          <input type="date" name="from" defaultValue={filter.from ?? ''} />
        </label>
        <label>
          {b.auditTo}
          <input type="date" name="to" defaultValue={filter.to ?? ''} />
        </label>
        <button type="submit" className="button">
          {b.filter}
        </button>
        <output className="filter-bar__total">{zhCN.index.total(total)}</output>
      </Form>
      <div className="table-wrap">
        <table className="dense">
          <thead>
            <tr>
              <th scope="col">{b.auditAt}</th>
              <th scope="col">{b.auditAction}</th>
              <th scope="col">{b.auditOutcome}</th>
              <th scope="col">{b.auditActor}</th>
              <th scope="col">{b.auditIp}</th>
              <th scope="col">{b.auditEntity}</th>
              <th scope="col">{b.auditDetails}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{formatDateTime(r.at)}</td>
                <td>
                  <code>{r.action}</code>
                </td>
                <td>{b.outcomes[r.outcome]}</td>
                <td>{r.actor_email ?? '—'}</td>
                <td>{r.ip}</td>
                <td>{r.entity_type ? `${r.entity_type} ${r.entity_id ?? ''}` : ''}</td>
                <td className="muted">
                  <code>{r.details}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination page={filter.page} pages={pages} params={new URLSearchParams(location.search)} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(b.auditTitle) }];
