import type { LinksFunction } from '@remix-run/node';
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import { zhCN } from './i18n/zh-CN.ts';
import styles from './styles/app.css?url';
import { SiteFooter, SiteHeader } from './ui/layout.tsx';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export function Layout({ children }: { children: ReactNode }) {
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
        <SiteHeader />
        <main id="main" className="container">
          {children}
        </main>
        <SiteFooter />
        <ScrollRestoration />
        <Scripts />
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
