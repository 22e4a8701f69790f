import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { overdueInterests } from '../features/matching/interests.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formatDateIso } from '../ui/format.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const b = zhCN.deals.board;

/** The bureau's view of interests left unanswered past their deadline (policy: no reply is the common complaint). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'read:bureau-area:any');
  const rows = await overdueInterests(context.db);
  return {
    overdue: rows.map((r) => ({
      id: r.id,
      listingId: r.listing_id,
      title: r.title,
      owner: r.owner_name,
      respondBy: formatDateIso(r.respond_by),
      received: formatDateIso(r.created_at),
    })),
  };
}

export default function BureauMatching() {
  const { overdue } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeading title={b.overdueInterests} />
      {overdue.length === 0 ? (
        <p className="empty">{zhCN.deals.interest.none}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{zhCN.deals.match.listing}</th>
                <th scope="col">
                  {zhCN.deals.match.need}/{zhCN.deals.match.offer}
                </th>
                <th scope="col">{zhCN.deals.interest.received}</th>
                <th scope="col">{zhCN.matching.overdue}</th>
              </tr>
            </thead>
            <tbody>
              {overdue.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/listings/${r.listingId}`}>{r.title}</Link>
                  </td>
                  <td>{r.owner}</td>
                  <td>{r.received}</td>
                  <td>{r.respondBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(b.overdueInterests) }];
