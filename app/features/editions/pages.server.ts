import type { AppLoadContext } from '@remix-run/node';
import type { Params } from '@remix-run/react';
import { zhCN } from '../../i18n/zh-CN.ts';
import { notFound } from '../../server/responses.ts';
import { formatDate } from '../../ui/format.ts';
import { listPublishedEditions, loadPublishedEdition } from './editions.server.ts';
import { editionParamsSchema } from './rules.ts';
import { editionModel } from './view-model.ts';

/* Loaders of the public list pages: the archive by year, an edition, its print view. */

export async function loadArchive(context: AppLoadContext) {
  const editions = await listPublishedEditions(context.db);
  const years = new Map<number, typeof items>();
  const items = editions.map((e) => ({
    id: e.id,
    year: e.year,
    number: e.number,
    title: e.title,
    publishedOn: formatDate(e.published_at!),
    demand: Number(e.demand_count ?? 0),
    supply: Number(e.supply_count ?? 0),
    hasErrata: e.last_erratum_at !== null,
  }));
  for (const item of items) years.set(item.year, [...(years.get(item.year) ?? []), item]);
  return { years: [...years].sort((a, b) => b[0] - a[0]).map(([year, list]) => ({ year, editions: list })) };
}

/** A published edition's page model, or a Chinese 404. */
export async function loadEditionPage(context: AppLoadContext, params: Params) {
  const key = editionParamsSchema.safeParse(params).data;
  if (!key) throw notFound(zhCN.editions.notFound);
  const loaded = await loadPublishedEdition(context.db, key.year, key.number);
  if (!loaded) throw notFound(zhCN.editions.notFound);
  return editionModel(loaded);
}
