import type { LoaderFunctionArgs } from '@remix-run/node';
import { evaluationExportLoader } from '../features/statistics/evaluation.server.ts';

/* Resource route: GET /bureau/dashboard/evaluation.xlsx?from=…&to=… — the evaluation data of a period (bureau only). */
export function loader(args: LoaderFunctionArgs): Promise<Response> {
  return evaluationExportLoader(args);
}
