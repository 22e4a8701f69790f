import { NavLink } from '@remix-run/react';
import type { ReactNode } from 'react';
import { zhCN } from '../i18n/zh-CN.ts';

const NAV: { to: string; label: string; end?: boolean }[] = [
  { to: '/', label: zhCN.nav.home, end: true },
  { to: '/demands', label: zhCN.nav.demand },
  { to: '/achievements', label: zhCN.nav.achievement },
  { to: '/scenarios', label: zhCN.nav.scenario },
  { to: '/lists', label: zhCN.nav.lists },
];

export function SiteHeader() {
  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <a href="/" className="brand">
          <span className="brand__name">{zhCN.site.shortName}</span>
          <span className="brand__node">{zhCN.site.node}</span>
        </a>
        <nav aria-label={zhCN.site.menu} className="site-nav">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end} prefetch="intent">
                  {item.label}
                </NavLink>
              </li>
            ))}
            <li>
              <NavLink to="/login" className="site-nav__login">
                {zhCN.nav.login}
              </NavLink>
            </li>
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
