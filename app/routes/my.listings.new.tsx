import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { listFieldsWithCounts } from '../../db/queries/fields.ts';
import { ListingForm } from '../features/listings/components/listing-form.tsx';
import { handleCreate, kindParam, postingOrganisations } from '../features/listings/owner-pages.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { notFound } from '../server/responses.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

function kindOf(request: Request) {
  const kind = kindParam.safeParse(new URL(request.url).searchParams.get('kind'));
  if (!kind.success) throw notFound();
  return kind.data;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requirePermission(request, context, 'create:listing:own');
  const kind = kindOf(request);
  const orgIds = postingOrganisations(principal);
  const [fields, organisations] = await Promise.all([
    listFieldsWithCounts(context.db, { now: new Date() }),
    context.db
      .selectFrom('organisation')
      .select(['id', 'name'])
      .where('id', 'in', orgIds)
      .orderBy('id')
      .execute(),
  ]);
  return { kind, fields: fields.map((f) => ({ code: f.code, name: f.name })), organisations };
}

export async function action(args: ActionFunctionArgs) {
  const principal = await requirePermission(args.request, args.context, 'create:listing:own');
  return handleCreate(args, principal, kindOf(args.request));
}

export default function NewListing() {
  const { kind, fields, organisations } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeading title={zhCN.listingForm.newTitle(zhCN.kind[kind])} lead={zhCN.kindIntro[kind]} />
      <ListingForm
        kind={kind}
        values={failure?.values ?? {}}
        errors={failure?.fieldErrors ?? {}}
        formError={failure?.formError}
        fields={fields}
        organisations={organisations}
        submitLabel={zhCN.listingForm.saveDraft}
      />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data ? zhCN.listingForm.newTitle(zhCN.kind[data.kind]) : zhCN.errors.notFoundTitle) },
];
