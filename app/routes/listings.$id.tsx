import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { ListingDetail } from '../features/listings/components/listing-detail.tsx';
import { loadListingPage } from '../features/listings/pages.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { pageTitle } from '../ui/meta.ts';

export function loader(args: LoaderFunctionArgs) {
  return loadListingPage(args);
}

export default function ListingPage() {
  const { listing, attachments } = useLoaderData<typeof loader>();
  return <ListingDetail listing={listing} attachments={attachments} />;
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [{ title: pageTitle(data.listing.title) }, { name: 'description', content: data.listing.summary }]
    : [{ title: pageTitle(zhCN.errors.notFoundTitle) }];
