import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { MKJ_SYNC_STATUSES, type MkjSyncEntity } from '../../db/schema.ts';
import { syncPageAction, syncPageLoader } from '../features/mkj/sync-page.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { FormError } from '../ui/form.tsx';
import { formatDateTime } from '../ui/format.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const s = zhCN.mkj.sync;

export const loader = (args: LoaderFunctionArgs) => syncPageLoader(args);
export const action = (args: ActionFunctionArgs) => syncPageAction(args);

/** Where staff look at the record itself. */
function recordLink(type: MkjSyncEntity, id: number): string {
  if (type === 'listing') return `/bureau/review/${id}`;
  if (type === 'organisation') return `/bureau/organisations/${id}`;
  return `/matches/${id}`;
}

export default function BureauMkjSync() {
  const { endpoint, counts, failed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <PageHeading title={s.title} lead={s.lead} />
      <p className={endpoint ? 'notice' : 'notice notice--quiet'} role="note">
        {endpoint ? s.on(endpoint) : s.off}
      </p>
      {result && 'message' in result ? (
        <p className="notice notice--ok" role="status">
          {result.message}
        </p>
      ) : null}
      <FormError message={result && 'error' in result ? result.error : undefined} />
      <ul className="stat-tiles" aria-label={s.countsLabel}>
        {MKJ_SYNC_STATUSES.map((status) => (
          <li key={status} className="stat-tile">
            <span className="stat-tile__label">{s.status[status]}</span>
            <span className="stat-tile__value" data-testid={`mkj-sync-${status}`}>
              {counts[status]}
            </span>
          </li>
        ))}
      </ul>
      <section className="panel" aria-labelledby="mkj-failed-heading">
        <h2 id="mkj-failed-heading">{s.failedTitle}</h2>
        {failed.length === 0 ? (
          <p className="empty">{s.noneFailed}</p>
        ) : (
          <>
            {counts.failed > failed.length ? <p>{s.failedMore(failed.length, counts.failed)}</p> : null}
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="retry-all" />
              <button type="submit" className="button">
                {s.retryAll}
              </button>
            </Form>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{s.columns.record}</th>
                    <th scope="col">{s.columns.type}</th>
                    <th scope="col">{s.columns.error}</th>
                    <th scope="col">{s.columns.attempts}</th>
                    <th scope="col">{s.columns.lastAttempt}</th>
                    <th scope="col">{s.columns.actions}</th>
                  </tr>
                </thead>
                <tbody>
                  {failed.map((r) => {
                    const name = r.name ?? `#${r.id}${s.missing}`;
                    return (
                      <tr key={`${r.type}-${r.id}`}>
                        <td>{r.name ? <Link to={recordLink(r.type, r.id)}>{name}</Link> : name}</td>
                        <td>{s.entity[r.type]}</td>
                        <td>{r.error}</td>
                        <td>{r.attempts}</td>
                        <td>{r.lastAttemptAt ? formatDateTime(r.lastAttemptAt) : '—'}</td>
                        <td>
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="intent" value="retry" />
                            <input type="hidden" name="type" value={r.type} />
                            <input type="hidden" name="id" value={r.id} />
                            <button
                              type="submit"
                              className="button button--small"
                              aria-label={s.retryLabel(name)}
                            >
                              {s.retry}
                            </button>
                          </Form>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(s.title) }];
