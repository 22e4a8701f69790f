import { Form, NavLink } from '@remix-run/react';
import type { ReactNode } from 'react';
import { zhCN } from '../i18n/zh-CN.ts';

const NAV: { to: string; label: string; end?: boolean }[] = [
  { to: '/', label: zhCN.nav.home, end: true },
  { to: '/demands', label: zhCN.nav.demand },
  { to: '/achievements', label: zhCN.nav.achievement },
  { to: '/scenarios', label: zhCN.nav.scenario },
  { to: '/lists', label: zhCN.nav.lists },
  { to: '/statistics', label: zhCN.statistics.nav },
];

export interface HeaderUser {
  displayName: string;
  bureau: boolean;
  /** Unread notices: the 消息 link shows them as a badge. */
  unread: number;
}

export function SiteHeader({ user }: { user: HeaderUser | null }) {
  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <a href="/" className="brand">
          <span className="brand__name">{zhCN.site.shortName}</span>
          <span className="brand__node">{zhCN.site.node}</span>
        </a>
        {/* biome-ignore lint/a11y/useSemanticElements: <search> is not in React 18's element types; the role says the same. */}
        <form method="get" action="/search" role="search" className="header-search">
          <label htmlFor="header-q" className="visually-hidden">
            {zhCN.search.label}
          </label>
          <input id="header-q" type="search" name="q" maxLength={200} placeholder={zhCN.search.placeholder} />
          <button type="submit" className="button button--small">
            {zhCN.search.submit}
          </button>
        </form>
        <nav aria-label={zhCN.site.menu} className="site-nav">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end} prefetch="intent">
                  {item.label}
                </NavLink>
              </li>
            ))}
            {user ? (
              <>
                {user.bureau ? (
                  <li>
                    <NavLink to="/bureau">{zhCN.nav.bureau}</NavLink>
                  </li>
                ) : null}
                <li>
                  <NavLink
                    to="/account/notices"
                    data-testid="header-notices"
                    aria-label={
                      user.unread > 0
                        ? zhCN.notifications.header.label + zhCN.notifications.header.unread(user.unread)
                        : undefined
                    }
                  >
                    {zhCN.notifications.header.label}
                    {user.unread > 0 ? (
                      <span className="nav-badge" aria-hidden="true">
                        {zhCN.notifications.header.badge(user.unread)}
                      </span>
                    ) : null}
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/account" className="site-nav__login">
                    {zhCN.nav.account}
                  </NavLink>
                </li>
                <li>
                  <Form method="post" action="/logout">
                    <button type="submit" className="button--link">
                      {zhCN.nav.logout}
                    </button>
                  </Form>
                </li>
              </>
            ) : (
              <>
                <li>
                  <NavLink to="/login" className="site-nav__login">
                    {zhCN.nav.login}
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/register">{zhCN.nav.register}</NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}

export function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="container">{zhCN.site.footer}</div>
    </footer>
  );
}

export function PageHeading({
  title,
  lead,
  children,
}: {
  title: string;
  lead?: string;
  children?: ReactNode;
}) {
  return (
    <div className="page-heading">
      <h1>{title}</h1>
      {lead ? <p className="lead">{lead}</p> : null}
      {children}
    </div>
  );
}
