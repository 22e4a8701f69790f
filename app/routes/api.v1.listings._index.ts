import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiListListings } from '../features/listings/api.server.ts';

export function loader(args: LoaderFunctionArgs) {
  return apiListListings(args);
}
