import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { VERIFICATIONS } from '../../db/schema.ts';
import { verificationQueue } from '../features/bureau/bureau.server.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { requirePermission } from '../server/auth.server.ts';
import { formatDateIso } from '../ui/format.ts';
import { PageHeading } from '../ui/layout.tsx';
import { pageTitle } from '../ui/meta.ts';

const b = zhCN.bureau;
const stateSchema = z.enum(VERIFICATIONS).catch('pending');

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'verify:organisation:any');
  const state = stateSchema.parse(new URL(request.url).searchParams.get('state') ?? 'pending');
  return { state, organisations: await verificationQueue(context.db, state) };
}

export default function VerificationQueue() {
  const { state, organisations } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeading title={b.verificationTitle} />
      <nav className="tabs" aria-label={b.verificationTitle}>
        {VERIFICATIONS.map((s) => (
          <Link key={s} to={`?state=${s}`} aria-current={s === state ? 'page' : undefined}>
            {b.states[s]}
          </Link>
        ))}
      </nav>
      {organisations.length === 0 ? (
        <p className="empty">{b.empty}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{b.name}</th>
                <th scope="col">{b.type}</th>
                <th scope="col">{b.uscc}</th>
                <th scope="col">{b.region}</th>
                <th scope="col">{b.owner}</th>
                <th scope="col">{b.appliedAt}</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link to={`/bureau/organisations/${o.id}`}>{o.name}</Link>
                  </td>
                  <td>{zhCN.organisationType[o.type]}</td>
                  <td>{o.uscc}</td>
                  <td>{o.region}</td>
                  <td>{o.owner_name}</td>
                  <td>{formatDateIso(o.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: pageTitle(b.verificationTitle) }];
