import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiGetListing } from '../features/listings/api.server.ts';

export function loader(args: LoaderFunctionArgs) {
  return apiGetListing(args);
}
