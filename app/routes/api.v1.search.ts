import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiSearch } from '../features/search/pages.server.ts';

export function loader(args: LoaderFunctionArgs) {
  return apiSearch(args);
}
