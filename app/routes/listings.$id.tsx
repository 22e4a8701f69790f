import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { ListingDetail } from '../features/listings/components/listing-detail.tsx';
import { loadListingPage } from '../features/listings/pages.server.ts';
import { InterestPanel } from '../features/matching/components/interest-panel.tsx';
import { Recommendations } from '../features/matching/components/recommendations.tsx';
import { expressInterestAction, loadInterestPanel } from '../features/matching/interest-pages.server.ts';
import { recommendationsForViewer } from '../features/matching/recommend.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { pageTitle } from '../ui/meta.ts';

export async function loader(args: LoaderFunctionArgs) {
  const page = await loadListingPage(args);
  const [recommendations, interest] = await Promise.all([
    // Technology managers and bureau staff only (null for everyone else).
    recommendationsForViewer(args, page.listing.id),
    loadInterestPanel(args, page.listing.id),
  ]);
  return { ...page, recommendations, interest };
}

/** Express interest (意向) in this listing. */
export const action = (args: ActionFunctionArgs) => expressInterestAction(args);

export default function ListingPage() {
  const { listing, attachments, recommendations, interest } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <ListingDetail listing={listing} attachments={attachments} />
      <InterestPanel panel={interest} failure={failure} />
      <Recommendations data={recommendations} proposeLinks />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [{ title: pageTitle(data.listing.title) }, { name: 'description', content: data.listing.summary }]
    : [{ title: pageTitle(zhCN.errors.notFoundTitle) }];
