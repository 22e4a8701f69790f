import type { LoaderFunctionArgs } from '@remix-run/node';
import { editionsFeedLoader } from '../features/editions/export.server.ts';

/* Resource route: GET /lists/feed.atom, the Atom feed of published supply–demand lists (docs/api.md). */
export function loader(args: LoaderFunctionArgs): Promise<Response> {
  return editionsFeedLoader(args);
}
