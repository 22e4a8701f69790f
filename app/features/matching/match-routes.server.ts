import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import { ACTIVITY_KINDS } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { forbidden, requireUser } from '../../server/auth.server.ts';
import { formFailure, formObject, parseWith } from '../../server/forms.server.ts';
import { idParamSchema, notFound, requireIdParam, siteOrigin } from '../../server/responses.ts';
import { formatDateIso } from '../../ui/format.ts';
import { isStaff } from '../listings/access.server.ts';
import { contractSchema, declineSchema, registrationSchema } from './interest-rules.ts';
import { loadMatchPage, managerBoard, myMatches } from './match-pages.server.ts';
import { MATCH_ACTIONS } from './match-state.ts';
import {
  actOnMatch,
  assignManager,
  logActivity,
  type MatchActionInput,
  proposeMatch,
} from './matches.server.ts';

/* Loaders and actions of the match pages, the managers' board and the bureau's brokering overview. */

const e = zhCN.deals.match.errors;

export async function loadMatch({ request, params, context }: LoaderFunctionArgs) {
  const principal = await requireUser(request, context);
  const id = requireIdParam(params.id);
  const page = await loadMatchPage(context.db, principal, id);
  if (!page) throw notFound(e.notFound);
  return { ...page, done: new URL(request.url).searchParams.get('done'), today: formatDateIso(new Date()) };
}

const head = z.object({
  intent: z.enum([...MATCH_ACTIONS, 'take', 'assign', 'activity']),
  version: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
});
const noteSchema = z.object({ note: z.string().trim().max(1000, { error: e.noteTooLong }).optional() });
const activitySchema = (today: string) =>
  z.object({
    kind: z.enum(ACTIVITY_KINDS, { error: e.activityKind }),
    minutes: z.coerce
      .number({ error: e.minutes })
      .int({ error: e.minutes })
      .min(0, { error: e.minutes })
      .max(1440, {
        error: e.minutes,
      }),
    occurred_on: z
      .string({ error: e.date })
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: e.date })
      .refine((v) => v <= today && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), { error: e.date }),
    note: z.string({ error: e.note }).trim().min(1, { error: e.note }).max(1000, { error: e.note }),
  });

export async function matchAction({ request, params, context }: ActionFunctionArgs) {
  const principal = await requireUser(request, context);
  const matchId = requireIdParam(params.id);
  const values = await formObject(request);
  const parsed = head.safeParse(values);
  if (!parsed.success) return formFailure(400, values, { formError: zhCN.editions.errors.unknownIntent });
  const { intent } = parsed.data;
  const version = parsed.data.version ?? 0;
  const today = formatDateIso(new Date());
  const origin = siteOrigin(context.config, request);
  const db = context.db;
  let result:
    | { ok: true }
    | { ok: false; status: number; formError?: string; fieldErrors?: Record<string, string[]> };
  if (intent === 'activity') {
    const activity = parseWith(activitySchema(today), values);
    if (!activity.ok) return formFailure(400, values, { fieldErrors: activity.fieldErrors });
    result = await logActivity(db, { principal, matchId, activity: activity.data, ip: context.clientIp });
  } else if (intent === 'take' || intent === 'assign') {
    const managerUserId = intent === 'take' ? principal.userId : idParamSchema.safeParse(values.manager).data;
    if (!managerUserId) return formFailure(400, values, { fieldErrors: { manager: [e.notAManager] } });
    result = await assignManager(db, {
      principal,
      matchId,
      version,
      managerUserId,
      ip: context.clientIp,
      origin,
    });
  } else {
    const note = parseWith(noteSchema, values);
    if (!note.ok) return formFailure(400, values, { fieldErrors: note.fieldErrors });
    let act: MatchActionInput;
    if (intent === 'decline') {
      const d = parseWith(declineSchema, values);
      if (!d.ok) return formFailure(400, values, { fieldErrors: d.fieldErrors });
      act = { action: 'decline', decline: d.data, note: note.data.note };
    } else if (intent === 'sign_contract') {
      const c = parseWith(contractSchema(today), values);
      if (!c.ok) return formFailure(400, values, { fieldErrors: c.fieldErrors });
      act = { action: 'sign_contract', contract: c.data, note: note.data.note };
    } else if (intent === 'register') {
      const signed = await db
        .selectFrom('match')
        .select('contract_signed_on')
        .where('id', '=', matchId)
        .executeTakeFirst();
      const r = parseWith(registrationSchema(today, signed?.contract_signed_on ?? undefined), values);
      if (!r.ok) return formFailure(400, values, { fieldErrors: r.fieldErrors });
      act = { action: 'register', registration: r.data, note: note.data.note };
    } else {
      act = { action: intent, note: note.data.note };
    }
    result = await actOnMatch(db, { principal, matchId, version, act, ip: context.clientIp, origin });
  }
  if (!result.ok) {
    if (result.status === 404) throw notFound(e.notFound);
    return formFailure(result.status, values, result);
  }
  return redirect(`/matches/${matchId}?done=${intent}`);
}

export async function loadMyMatches({ request, context }: LoaderFunctionArgs) {
  const principal = await requireUser(request, context);
  return { matches: await myMatches(context.db, principal) };
}

function requireManager(principal: Awaited<ReturnType<typeof requireUser>>) {
  if (!principal.platformRoles.includes('manager') && !isStaff(principal)) throw forbidden();
}

export async function loadBoard({ request, context }: LoaderFunctionArgs) {
  const principal = await requireUser(request, context);
  requireManager(principal);
  const url = new URL(request.url);
  // A pair suggested by the recommendations (撮合这一对) pre-fills the proposal form.
  const prefill = { need: url.searchParams.get('need') ?? '', offer: url.searchParams.get('offer') ?? '' };
  return { ...(await managerBoard(context.db, principal)), prefill, done: url.searchParams.get('done') };
}

const proposeSchema = z.object({
  need: idParamSchema,
  offer: idParamSchema,
  note: z.string().trim().max(1000, { error: e.noteTooLong }).optional().default(''),
});

export async function proposeAction({ request, context }: ActionFunctionArgs) {
  const principal = await requireUser(request, context);
  requireManager(principal);
  const values = await formObject(request);
  const parsed = proposeSchema.safeParse(values);
  if (!parsed.success) {
    const fields = new Set(parsed.error.issues.map((i) => String(i.path[0])));
    const fieldErrors: Record<string, string[]> = {};
    if (fields.has('need')) fieldErrors.need = [e.notLive];
    if (fields.has('offer')) fieldErrors.offer = [e.notLive];
    if (fields.has('note')) fieldErrors.note = [e.noteTooLong];
    return formFailure(400, values, { fieldErrors });
  }
  const result = await proposeMatch(context.db, {
    principal,
    needListingId: parsed.data.need,
    offerListingId: parsed.data.offer,
    note: parsed.data.note,
    ip: context.clientIp,
    origin: siteOrigin(context.config, request),
  });
  if (!result.ok) return formFailure(result.status, values, result);
  return redirect(`/matches/${result.id}?done=proposed`);
}
