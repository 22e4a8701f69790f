import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data as withStatus } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useLocation } from '@remix-run/react';
import { inbox, markRead } from '../features/notifications/notify.server.ts';
import { inboxActionSchema, inboxQuerySchema } from '../features/notifications/rules.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formObject } from '../server/forms.server.ts';
import { badRequest } from '../server/responses.ts';
import { formatDateTime } from '../ui/format.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';
import { Pagination } from '../ui/pagination.tsx';

const n = zhCN.notifications;

/** 消息: the signed-in person's notices, unread first, 20 per page. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requirePermission(request, context, 'read:member-area:own');
  const query = inboxQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw badRequest(n.errors.invalidPage);
  const page = await inbox(context.db, principal.userId, { page: query.data.page });
  return {
    ...page,
    items: page.items.map((item) => ({ ...item, createdAt: item.createdAt.toISOString() })),
  };
}

/** 标为已读 (one notice of the person's own) and 全部标为已读. */
export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'update:account:own');
  const parsed = inboxActionSchema.safeParse(await formObject(request));
  if (!parsed.success) {
    return withStatus({ error: parsed.error.issues[0]?.message ?? n.errors.unknownIntent }, { status: 400 });
  }
  if (parsed.data.intent === 'read') {
    await markRead(context.db, principal.userId, [parsed.data.id]);
    return { message: n.inbox.markedRead };
  }
  return { message: n.inbox.allMarkedRead(await markRead(context.db, principal.userId, 'all')) };
}

/** A stored link, shown only when it is a local path. */
function localLink(link: string | null): string | null {
  return link && /^\/(?!\/)/.test(link) ? link : null;
}

export default function NoticesPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  return (
    <>
      <PageHeading title={n.inbox.title} lead={n.inbox.lead}>
        <p className="row-links">
          <Link to="/account/notifications">{n.inbox.preferences}</Link>
        </p>
      </PageHeading>
      {result && 'message' in result ? (
        <p className="notice notice--ok" role="status">
          {result.message}
        </p>
      ) : null}
      {result && 'error' in result ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      {data.total === 0 ? (
        <p className="empty">{n.inbox.empty}</p>
      ) : (
        <section className="panel" aria-labelledby="inbox-heading">
          <h2 id="inbox-heading" className="visually-hidden">
            {n.inbox.title}
          </h2>
          <p data-testid="inbox-summary">{n.inbox.summary(data.total, data.unread)}</p>
          {data.unread > 0 ? (
            <Form method="post">
              <input type="hidden" name="intent" value="read-all" />
              <button type="submit" className="button">
                {n.inbox.markAllRead}
              </button>
            </Form>
          ) : null}
          <ul className="plain-list">
            {data.items.map((item) => {
              const link = localLink(item.link);
              return (
                <li
                  key={item.id}
                  className={`inbox-item ${item.read ? 'inbox-item--read' : 'inbox-item--unread'}`}
                  data-testid="inbox-item"
                  data-read={item.read ? 'true' : 'false'}
                >
                  <p className="inbox-item__title">{item.title}</p>
                  <p className="inbox-item__meta muted">
                    {item.read ? null : <span className="badge badge--unread">{n.inbox.unread}</span>}
                    <span className="badge">{item.kindLabel}</span>
                    <span>
                      {n.inbox.time}：<time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
                    </span>
                  </p>
                  {item.body ? <p>{item.body}</p> : null}
                  {link ? (
                    <p className="row-links">
                      <Link to={link}>
                        {n.inbox.open}
                        <span className="visually-hidden">：{item.title}</span>
                      </Link>
                    </p>
                  ) : null}
                  {item.read ? null : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="read" />
                      <input type="hidden" name="id" value={item.id} />
                      <button type="submit" className="button button--small">
                        {n.inbox.markRead}
                        <span className="visually-hidden">：{item.title}</span>
                      </button>
                    </Form>
                  )}
                </li>
              );
            })}
          </ul>
          <Pagination page={data.page} pages={data.pages} params={new URLSearchParams(location.search)} />
        </section>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(zhCN.notifications.inbox.title) }];
