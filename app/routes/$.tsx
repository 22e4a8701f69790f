import type { MetaFunction } from '@remix-run/node';
import { zhCN } from '../i18n/zh-CN.ts';
import { notFound } from '../server/responses.ts';
import { pageTitle } from '../ui/meta.ts';

/** Every unknown path: a Chinese 404 page through the root ErrorBoundary. */
export function loader() {
  throw notFound();
}

export default function NotFound() {
  return null;
}

export const meta: MetaFunction = () => [{ title: pageTitle(zhCN.errors.notFoundTitle) }];
