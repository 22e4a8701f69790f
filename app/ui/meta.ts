import { zhCN } from '../i18n/zh-CN.ts';

/** <title> of every page: "页面 - 和林技术市场". */
export function pageTitle(title: string): string {
  return `${title} - ${zhCN.site.shortName}`;
}
