import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import { zhCN } from '../../i18n/zh-CN.ts';
import { getPrincipal, requirePermission, requireUser } from '../../server/auth.server.ts';
import { formFailure, formObject, parseWith } from '../../server/forms.server.ts';
import { idParamSchema, notFound, requireIdParam, siteOrigin } from '../../server/responses.ts';
import { formatDate, formatDateIso } from '../../ui/format.ts';
import { declineSchema, interestSchema } from './interest-rules.ts';
import {
  expressInterest,
  interestOf,
  myInterests,
  respondToInterest,
  withdrawInterest,
} from './interests.server.ts';

/* Loaders and actions of the interest UI: the panel on a listing page and 我的意向. */

const t = zhCN.deals.interest;

export type InterestPanel =
  | { mode: 'signIn' | 'notVerified' | 'own' }
  | { mode: 'already'; status: string }
  | { mode: 'form'; organisations: { id: number; name: string }[] };

/** What the listing page offers the viewer: a form, or why not. */
export async function loadInterestPanel(
  { request, context }: LoaderFunctionArgs,
  listingId: number,
): Promise<InterestPanel> {
  const principal = await getPrincipal(request, context);
  if (!principal) return { mode: 'signIn' };
  const listing = await context.db
    .selectFrom('listing')
    .select(['id', 'organisation_id'])
    .where('id', '=', listingId)
    .executeTakeFirstOrThrow();
  if (principal.memberships.some((m) => m.organisationId === listing.organisation_id)) return { mode: 'own' };
  const verified = principal.memberships.filter((m) => m.verified).map((m) => m.organisationId);
  if (verified.length === 0) return { mode: 'notVerified' };
  const existing = await interestOf(context.db, principal, listing.id);
  if (existing) return { mode: 'already', status: existing.status };
  const organisations = await context.db
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where('id', 'in', verified)
    .orderBy('name')
    .execute();
  return { mode: 'form', organisations };
}

const expressForm = z.object({ organisation: idParamSchema });

/** POST on a listing page: express interest. */
export async function expressInterestAction({ request, params, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'create:interest:own');
  const listingId = requireIdParam(params.id);
  const values = await formObject(request);
  const message = parseWith(interestSchema, values);
  const org = expressForm.safeParse(values);
  if (!message.ok) return formFailure(400, values, { fieldErrors: message.fieldErrors });
  if (!org.success) return formFailure(400, values, { formError: t.errors.notVerified });
  const result = await expressInterest(context.db, {
    principal,
    listingId,
    organisationId: org.data.organisation,
    message: message.data.message,
    ip: context.clientIp,
    responseDays: context.config.INTEREST_RESPONSE_DAYS,
    origin: siteOrigin(context.config, request),
  });
  if (!result.ok) {
    if (result.status === 404) throw notFound(result.formError);
    return formFailure(result.status, values, { formError: result.formError });
  }
  return redirect(`/my/interests?done=sent`);
}

export async function loadMyInterests({ request, context }: LoaderFunctionArgs) {
  const principal = await requireUser(request, context);
  const { received, sent } = await myInterests(context.db, principal);
  const view = (r: (typeof received)[number]) => ({
    id: r.id,
    status: r.status,
    version: r.version,
    message: r.message,
    listingId: r.listing_id,
    listingTitle: r.listing_title,
    requester: t.from(zhCN.organisationType[r.requester_type], r.requester_region),
    respondBy: formatDate(r.respond_by),
    respondedAt: r.responded_at ? formatDateIso(r.responded_at) : null,
    overdue: r.overdue,
    declineLabel: r.declineLabel,
    matchId: r.match_id,
  });
  return {
    received: received.map(view),
    sent: sent.map(view),
    done: new URL(request.url).searchParams.get('done'),
  };
}

const respondForm = z.object({
  intent: z.enum(['accept', 'decline', 'withdraw']),
  id: idParamSchema,
  // Within a database integer (tests/fuzz: 2147483648 reached SQL in withdrawInterest and failed with 500).
  version: z.coerce.number().int().min(1).max(2_147_483_647),
});

/** POST on 我的意向: accept, decline (reason required) or withdraw. */
export async function myInterestsAction({ request, context }: ActionFunctionArgs) {
  const principal = await requireUser(request, context);
  const values = await formObject(request);
  const head = respondForm.safeParse(values);
  if (!head.success) return formFailure(400, values, { formError: t.errors.notFound });
  const { intent, id, version } = head.data;
  const common = { principal, interestId: id, version, ip: context.clientIp };
  let result: { ok: true } | { ok: false; status: number; formError: string };
  if (intent === 'withdraw') result = await withdrawInterest(context.db, common);
  else if (intent === 'accept') {
    const r = await respondToInterest(context.db, {
      ...common,
      decision: { accept: true },
      origin: siteOrigin(context.config, request),
    });
    if (r.ok && r.matchId) return redirect(`/matches/${r.matchId}?done=accepted`);
    result = r;
  } else {
    const reason = parseWith(declineSchema, values);
    if (!reason.ok) return formFailure(400, values, { fieldErrors: reason.fieldErrors });
    result = await respondToInterest(context.db, {
      ...common,
      decision: { accept: false, ...reason.data },
      origin: siteOrigin(context.config, request),
    });
  }
  if (!result.ok) return formFailure(result.status, values, { formError: result.formError });
  return redirect(`/my/interests?done=${intent === 'decline' ? 'declined' : 'withdrawn'}`);
}
