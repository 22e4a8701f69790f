import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import { LISTING_KINDS } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import type { SignedIn } from '../../server/auth.server.ts';
import { formFailure, readForm } from '../../server/forms.server.ts';
import { idParamSchema, notFound } from '../../server/responses.ts';
import { collectFormValues, parseListingForm, todayInBeijing } from './form.ts';
import { createListing, transitionListing, updateListing } from './manage.server.ts';

/* Loader and action bodies of 我的发布 (thin routes call these). */

export const kindParam = z.enum(LISTING_KINDS);
const ownerAction = z.object({ intent: z.enum(['submit', 'renew', 'withdraw']), id: idParamSchema });

/** The organisations the principal may post for (active membership of a verified organisation). */
export function postingOrganisations(principal: SignedIn): number[] {
  return principal.memberships.filter((m) => m.verified).map((m) => m.organisationId);
}

export async function handleCreate(
  args: ActionFunctionArgs,
  principal: SignedIn,
  kind: (typeof LISTING_KINDS)[number],
) {
  const { request, context } = args;
  const values = collectFormValues(await readForm(request));
  const plain = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
  );
  const parsed = parseListingForm(kind, values, todayInBeijing());
  if (!parsed.ok) return formFailure(400, plain, { fieldErrors: parsed.fieldErrors });
  const organisationId = Number(values.organisationId);
  const result = await createListing(context.db, {
    principal,
    organisationId,
    listing: parsed.data,
    ip: context.clientIp,
  });
  if (!result.ok) return formFailure(result.status, plain, result);
  return redirect(`/my/listings/${result.id}?saved=1`);
}

export async function handleOwnerAction(
  args: ActionFunctionArgs,
  principal: SignedIn,
  form: Record<string, string>,
) {
  const parsed = ownerAction.safeParse(form);
  if (!parsed.success) return formFailure(400, form, { formError: zhCN.listingForm.errors.notAllowed });
  const result = await transitionListing(args.context.db, {
    principal,
    id: parsed.data.id,
    action: parsed.data.intent,
    ip: args.context.clientIp,
    ttlDays: args.context.config.LISTING_TTL_DAYS,
  });
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return formFailure(result.status, form, result);
  }
  return { done: parsed.data.intent };
}

export async function handleEdit(
  args: ActionFunctionArgs,
  principal: SignedIn,
  id: number,
  kind: (typeof LISTING_KINDS)[number],
  values: ReturnType<typeof collectFormValues>,
) {
  const plain = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
  );
  const parsed = parseListingForm(kind, values, todayInBeijing());
  if (!parsed.ok) return formFailure(400, plain, { fieldErrors: parsed.fieldErrors });
  const result = await updateListing(args.context.db, {
    principal,
    id,
    version: Number(values.version),
    listing: parsed.data,
    ip: args.context.clientIp,
  });
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return formFailure(result.status, plain, result);
  }
  return { saved: result.backToReview ? 'review' : 'ok' };
}
