import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import type { ListingKind } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { requirePermission } from '../../server/auth.server.ts';
import { formFailure, formWithLists, parseWith } from '../../server/forms.server.ts';
import { idParamSchema, notFound, requireIdParam } from '../../server/responses.ts';
import { formatDateTime } from '../../ui/format.ts';
import { searchParamsSchema, searchParamsToObject, toSearchQuery } from '../search/rules.ts';
import {
  type Actor,
  addEntries,
  addErratum,
  cancelSchedule,
  createEdition,
  type EditionError,
  listEditions,
  loadEditionForStaff,
  moveEntry,
  newEditionDefaults,
  publishEdition,
  removeEntry,
  scheduleEdition,
  updateEditionMeta,
  updateEntry,
} from './editions.server.ts';
import {
  editionMetaSchema,
  entryNoteSchema,
  erratumSchema,
  parseScheduleTime,
  yearInChina,
} from './rules.ts';
import { editionModel } from './view-model.ts';

/*
 * The bureau's curation pages: the list of editions with the "new edition" form, and one edition's workbench
 * (details, entries, adding from a search, scheduling, publishing, errata). Routes stay thin: they call these.
 */

const e = zhCN.editions.errors;

/* ---------- /bureau/editions ---------- */

export async function loadEditionList({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'curate:edition:any');
  const [editions, defaults] = await Promise.all([
    listEditions(context.db),
    newEditionDefaults(context.db, yearInChina(new Date())),
  ]);
  return {
    defaults,
    editions: editions.map((x) => ({
      id: x.id,
      title: x.title,
      year: x.year,
      number: x.number,
      status: x.status,
      entries: Number(x.entries ?? 0),
      scheduledAt: x.scheduled_at ? formatDateTime(x.scheduled_at) : null,
      publishedAt: x.published_at ? formatDateTime(x.published_at) : null,
    })),
  };
}

export async function createEditionAction({ request, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'curate:edition:any');
  const { values } = await formWithLists(request, []);
  const parsed = parseWith(editionMetaSchema, values);
  if (!parsed.ok) return formFailure(400, values, { fieldErrors: parsed.fieldErrors });
  const result = await createEdition(context.db, {
    actor: { userId: principal.userId, ip: context.clientIp },
    meta: parsed.data,
  });
  if (!result.ok) return formFailure(result.status, values, result);
  return redirect(`/bureau/editions/${result.id}?done=created`);
}

/* ---------- /bureau/editions/:id ---------- */

export async function loadWorkbench({ request, params, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, 'curate:edition:any');
  const id = requireIdParam(params.id);
  const loaded = await loadEditionForStaff(context.db, id);
  if (!loaded) throw notFound();
  const { edition, entries } = loaded;
  const url = new URL(request.url);
  const inEdition = new Set(entries.map((x) => x.listingId));
  // The search panel: the same search and filters as /search, over live listings only (the index holds no other).
  let search: null | {
    q: string;
    kind: string;
    total: number;
    hits: {
      id: number;
      kind: ListingKind;
      title: string;
      organisation: string | null;
      fields: string;
      added: boolean;
    }[];
  } = null;
  if (edition.status === 'draft' && (url.searchParams.has('q') || url.searchParams.has('kind'))) {
    const parsed = searchParamsSchema.safeParse(
      searchParamsToObject(url.searchParams, { dropUnknown: true }),
    );
    if (parsed.success) {
      const result = await context.search.search(toSearchQuery({ ...parsed.data, per_page: 50 }));
      search = {
        q: parsed.data.q,
        kind: parsed.data.kind ?? '',
        total: result.total,
        hits: result.hits.map((h) => ({
          id: h.id,
          kind: h.kind,
          title: h.title,
          organisation: h.organisation_name,
          fields: h.field_names.join(zhCN.listSeparator),
          added: inEdition.has(h.id),
        })),
      };
    }
  }
  return {
    edition: {
      id: edition.id,
      title: edition.title,
      year: edition.year,
      number: edition.number,
      period_start: edition.period_start,
      period_end: edition.period_end,
      introduction: edition.introduction,
      status: edition.status,
      version: edition.version,
      scheduledAt: edition.scheduled_at ? formatDateTime(edition.scheduled_at) : null,
      publicPath: edition.status === 'published' ? `/lists/${edition.year}/${edition.number}` : null,
    },
    entries: entries.map((x) => ({
      id: x.id,
      listingId: x.listingId,
      section: x.section,
      chainAction: x.chainAction,
      fieldName: x.fieldName,
      note: x.note,
      title: x.doc.title,
      kind: x.doc.kind,
      liveState: x.liveState,
    })),
    model: editionModel(loaded),
    search,
    done: url.searchParams.get('done'),
  };
}

const INTENTS = [
  'meta',
  'add',
  'remove',
  'move',
  'entry',
  'publish',
  'schedule',
  'unschedule',
  'erratum',
] as const;
// A version beyond a database integer would reach SQL and fail there (found by tests/fuzz): refused here.
const base = z.object({
  intent: z.enum(INTENTS),
  version: z.coerce.number().int().min(1).max(2_147_483_647),
});
const entryRef = z.object({ entry: idParamSchema });
const listingIds = z.array(idParamSchema).max(200);

export async function workbenchAction({ request, params, context }: ActionFunctionArgs) {
  const principal = await requirePermission(request, context, 'curate:edition:any');
  const id = requireIdParam(params.id);
  const { values, lists } = await formWithLists(request, ['listing']);
  const head = base.safeParse(values);
  // The erratum form names no version: a published edition has no draft to protect.
  if (values.intent === 'erratum') {
    const parsed = parseWith(erratumSchema, values);
    if (!parsed.ok) return formFailure(400, values, { fieldErrors: parsed.fieldErrors });
    const actor: Actor = { userId: principal.userId, ip: context.clientIp };
    const result = await addErratum(context.db, { actor, id, body: parsed.data.body });
    return finish(result, values, id, 'erratum');
  }
  if (!head.success) return formFailure(400, values, { formError: e.unknownIntent });
  const { intent, version } = head.data;
  const actor: Actor = { userId: principal.userId, ip: context.clientIp };
  const db = context.db;
  switch (intent) {
    case 'meta': {
      const parsed = parseWith(editionMetaSchema, values);
      if (!parsed.ok) return formFailure(400, values, { fieldErrors: parsed.fieldErrors });
      return finish(
        await updateEditionMeta(db, { actor, id, version, meta: parsed.data }),
        values,
        id,
        intent,
      );
    }
    case 'add': {
      const parsed = listingIds.safeParse(lists.listing);
      if (!parsed.success) return formFailure(400, values, { formError: e.listingMissing });
      const result = await addEntries(db, { actor, id, version, listingIds: parsed.data });
      return finish(result, values, id, intent, result.ok ? `&n=${result.added}` : '');
    }
    case 'remove':
    case 'move':
    case 'entry': {
      const ref = entryRef.safeParse(values);
      if (!ref.success) return formFailure(400, values, { formError: e.unknownIntent });
      const entryId = ref.data.entry;
      if (intent === 'remove')
        return finish(await removeEntry(db, { actor, id, version, entryId }), values, id, intent);
      if (intent === 'move') {
        const direction = values.direction === 'up' ? 'up' : 'down';
        return finish(await moveEntry(db, { actor, id, version, entryId, direction }), values, id, intent);
      }
      const parsed = parseWith(entryNoteSchema, values);
      if (!parsed.ok)
        return formFailure(400, values, { fieldErrors: parsed.fieldErrors, formError: e.noteTooLong });
      const result = await updateEntry(db, {
        actor,
        id,
        version,
        entryId,
        note: parsed.data.note,
        chainAction: parsed.data.chain_action,
      });
      return finish(result, values, id, intent);
    }
    case 'publish':
      return finish(await publishEdition(db, { actor, id, version }), values, id, intent);
    case 'schedule': {
      const at = parseScheduleTime(values.scheduled_at, new Date());
      if (!at.ok) return formFailure(400, values, { fieldErrors: { scheduled_at: [at.error] } });
      return finish(await scheduleEdition(db, { actor, id, version, at: at.at }), values, id, intent);
    }
    case 'unschedule':
      return finish(await cancelSchedule(db, { actor, id, version }), values, id, intent);
  }
}

/** Success → back to the workbench with a message (post/redirect/get); refusal → the form with its message. */
function finish(
  result: { ok: true } | EditionError,
  values: Record<string, string>,
  id: number,
  intent: string,
  extra = '',
) {
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return formFailure(result.status, values, result);
  }
  return redirect(`/bureau/editions/${id}?done=${intent}${extra}#${intent === 'add' ? 'entries' : 'top'}`);
}
