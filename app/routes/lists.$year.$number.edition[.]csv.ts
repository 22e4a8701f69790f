import type { LoaderFunctionArgs } from '@remix-run/node';
import { editionExportLoader } from '../features/editions/export.server.ts';

/* Resource route: GET /lists/:year/:number/edition.csv, a published supply–demand list as .csv (docs/api.md). */
export function loader(args: LoaderFunctionArgs): Promise<Response> {
  return editionExportLoader(args, 'csv');
}
