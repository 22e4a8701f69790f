import { type ActionFunctionArgs, data, type LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { MKJ_SYNC_ENTITIES } from '../../../db/schema.ts';
import { mkjZh } from '../../i18n/zh-CN/mkj.ts';
import { audit } from '../../server/audit.server.ts';
import { requirePermission } from '../../server/auth.server.ts';
import { formObject } from '../../server/forms.server.ts';
import { retryAllFailed, retrySync, syncOverview } from './sync.server.ts';

/* The bureau's 蒙科聚 sync page (/bureau/mkj/sync): counts per status, the failed records, "retry now". */

const s = mkjZh.sync;

const syncActionSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({
      intent: z.literal('retry'),
      type: z.enum(MKJ_SYNC_ENTITIES),
      id: z.coerce.number().int().min(1).max(2_147_483_647),
    }),
    z.object({ intent: z.literal('retry-all') }),
  ],
  { error: s.unknownIntent },
);

export async function syncPageLoader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'read:bureau-area:any');
  const overview = await syncOverview(context.db);
  const url = context.config.MKJ_SYNC_URL;
  return {
    // The host only: the path may carry a key, and the token is never shown.
    endpoint: url ? new URL(url).host : null,
    counts: overview.counts,
    failed: overview.failed.map((r) => ({
      type: r.entity_type,
      id: r.entity_id,
      name:
        r.entity_type === 'listing'
          ? r.listing_title
          : r.entity_type === 'organisation'
            ? r.organisation_name
            : r.match_id !== null
              ? s.contractName(r.match_id, r.registration_no)
              : null,
      attempts: r.attempts,
      error: r.last_error ?? '',
      lastAttemptAt: r.last_attempt_at ? new Date(r.last_attempt_at).toISOString() : null,
    })),
  };
}

export async function syncPageAction({ request, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'read:bureau-area:any');
  const parsed = syncActionSchema.safeParse(await formObject(request));
  if (!parsed.success) return data({ error: s.unknownIntent }, { status: 400 });
  if (parsed.data.intent === 'retry') {
    const { type, id } = parsed.data;
    if (!(await retrySync(context.db, type, id))) return data({ error: s.notFailed }, { status: 409 });
    await audit(context.db, {
      actorUserId: principal.userId,
      ip: context.clientIp,
      action: 'mkj.sync.retry',
      entityType: type,
      entityId: id,
    });
    return { message: s.retried };
  }
  const n = await retryAllFailed(context.db);
  await audit(context.db, {
    actorUserId: principal.userId,
    ip: context.clientIp,
    action: 'mkj.sync.retry_all',
    details: { records: n },
  });
  return { message: s.retriedAll(n) };
}
