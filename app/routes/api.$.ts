import { zhCN } from '../i18n/zh-CN.ts';
import { jsonError } from '../server/responses.ts';

/** Unknown API paths answer in JSON, not with the HTML 404 page. */
export function loader() {
  return jsonError(404, zhCN.errors.notFound);
}
