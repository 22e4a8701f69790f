import type { LoaderFunctionArgs } from '@remix-run/node';
import { mkjExportLoader } from '../features/mkj/export.server.ts';

/** GET /bureau/mkj/export/:what?format=csv|xlsx|json — organisations, listings or contracts for 蒙科聚. */
export const loader = (args: LoaderFunctionArgs) => mkjExportLoader(args);
