import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { CompletenessBadge } from '../features/listings/components/listing-form.tsx';
import { reviewQueue } from '../features/listings/manage.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const r = zhCN.review;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'review:listing:any');
  const now = Date.now();
  return {
    items: (await reviewQueue(context.db)).map((i) => ({
      ...i,
      waitingHours: i.submitted_at
        ? Math.max(0, Math.floor((now - Date.parse(i.submitted_at)) / 3600_000))
        : 0,
    })),
  };
}

export default function ReviewQueue() {
  const { items } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeading title={r.title} lead={r.lead} />
      {items.length === 0 ? (
        <p className="empty">{r.empty}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{zhCN.myListings.columns.title}</th>
                <th scope="col">{zhCN.myListings.columns.kind}</th>
                <th scope="col">{r.submittedBy}</th>
                <th scope="col">{zhCN.myListings.columns.completeness}</th>
                <th scope="col">{zhCN.bureau.appliedAt}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link to={`/bureau/review/${i.id}`}>{i.title}</Link>
                    {i.rereview ? <span className="badge">{r.changes}</span> : null}
                  </td>
                  <td>{zhCN.kind[i.kind]}</td>
                  <td>{i.organisation_name}</td>
                  <td>
                    <CompletenessBadge score={i.completeness} />
                  </td>
                  <td>{r.waiting(i.waitingHours)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(r.title) }];
