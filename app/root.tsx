import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import { hasPermission } from './features/accounts/permissions.ts';
import { unreadCount } from './features/notifications/notify.server.ts';
import { zhCN } from './i18n/zh-CN.ts';
import { getPrincipal } from './server/auth.server.ts';
import styles from './styles/app.css?url';
import { SiteFooter, SiteHeader } from './ui/layout.tsx';
import { useNonce } from './ui/nonce.tsx';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

/** Who is signed in and how many unread notices they have, for the header (every page). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await getPrincipal(request, context);
  return {
    user: principal
      ? {
          displayName: principal.displayName,
          bureau: hasPermission(principal, 'read:bureau-area:any'),
          unread: await unreadCount(context.db, principal.userId),
        }
      : null,
  };
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>('root');
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          {zhCN.site.skipToContent}
        </a>
        <SiteHeader user={data?.user ?? null} />
        <main id="main" className="container">
          {children}
        </main>
        <SiteFooter />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title: string = zhCN.errors.serverTitle;
  let message: string = zhCN.errors.server;
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = zhCN.errors.notFoundTitle;
      message = typeof error.data === 'string' && error.data ? error.data : zhCN.errors.notFound;
    } else if (error.status === 503) {
      title = zhCN.errors.unavailableTitle;
      message = typeof error.data === 'string' && error.data ? error.data : zhCN.errors.unavailable;
    } else if (error.status >= 400 && error.status < 500) {
      title = zhCN.errors.badRequestTitle;
      message = typeof error.data === 'string' && error.data ? error.data : title;
    }
  }
  return (
    <div className="error-page">
      <title>{`${title} - ${zhCN.site.shortName}`}</title>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <Link to="/">{zhCN.errors.backHome}</Link>
      </p>
    </div>
  );
}
