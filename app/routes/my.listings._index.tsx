import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { LISTING_KINDS } from '../../db/schema.ts';
import { CompletenessBadge } from '../features/listings/components/listing-form.tsx';
import { ownerActions } from '../features/listings/lifecycle.ts';
import { myListings } from '../features/listings/manage.server.ts';
import { handleOwnerAction, postingOrganisations } from '../features/listings/owner-pages.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formObject } from '../server/forms.server.ts';
import { FormError } from '../ui/form.tsx';
import { formatDateIso } from '../ui/format.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const t = zhCN.myListings;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requirePermission(request, context, 'read:member-area:own');
  return {
    canPost: postingOrganisations(principal).length > 0,
    listings: (await myListings(context.db, principal)).map((l) => ({
      ...l,
      actions: ownerActions(l.status),
    })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const principal = await requirePermission(args.request, args.context, 'create:listing:own');
  return handleOwnerAction(args, principal, await formObject(args.request));
}

export default function MyListings() {
  const { canPost, listings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <PageHeading title={t.title} lead={t.lead}>
        {canPost ? (
          <p className="row-links">
            {LISTING_KINDS.map((k) => (
              <Link key={k} className="button" to={`/my/listings/new?kind=${k}`}>
                {t.new(zhCN.kind[k])}
              </Link>
            ))}
          </p>
        ) : (
          <p className="notice">{t.noOrganisation}</p>
        )}
      </PageHeading>
      {result && 'done' in result ? (
        <p className="notice notice--ok" role="status">
          {zhCN.lifecycle.done[result.done]}
        </p>
      ) : null}
      <FormError message={result && 'formError' in result ? result.formError : undefined} />
      {listings.length === 0 ? (
        <p className="empty">{t.empty}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.columns.title}</th>
                <th scope="col">{t.columns.kind}</th>
                <th scope="col">{t.columns.status}</th>
                <th scope="col">{t.columns.completeness}</th>
                <th scope="col">{t.columns.expires}</th>
                <th scope="col">{t.columns.actions}</th>
              </tr>
            </thead>
            <tbody>
              {listings.map((l) => (
                <tr key={l.id} data-testid={`my-listing-${l.id}`}>
                  <td>
                    <Link to={`/my/listings/${l.id}`}>{l.title}</Link>
                    {l.status === 'rejected' && l.rejection_reason ? (
                      <p className="field__error">{zhCN.lifecycle.rejectionReason(l.rejection_reason)}</p>
                    ) : null}
                  </td>
                  <td>{zhCN.kind[l.kind]}</td>
                  <td>
                    <span className={`badge badge--status-${l.status}`}>
                      {zhCN.lifecycle.status[l.status]}
                    </span>
                  </td>
                  <td>
                    <CompletenessBadge score={l.completeness} />
                  </td>
                  <td>{l.expires_at && l.status === 'published' ? formatDateIso(l.expires_at) : '—'}</td>
                  <td>
                    {l.actions.map((a) => (
                      <Form method="post" className="inline-form" key={a}>
                        <input type="hidden" name="id" value={l.id} />
                        <button type="submit" name="intent" value={a} className="button button--small">
                          {zhCN.lifecycle.actions[a]}
                        </button>
                      </Form>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(t.title) }];
