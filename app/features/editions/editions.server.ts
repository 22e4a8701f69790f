import { type Kysely, sql, type Transaction } from 'kysely';
import { isUniqueViolation } from '../../../db/errors.ts';
import { enqueue } from '../../../db/queries/outbox.ts';
import type { ChainAction, Database, EditionStatus } from '../../../db/schema.ts';
import { documentsOf } from '../../../search/documents.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import { audit } from '../../server/audit.server.ts';
import { Refused } from '../../server/refusal.ts';
import { notify } from '../notifications/notify.server.ts';
import {
  type EditionEntryView,
  type EditionMeta,
  editionPath,
  liveStateOf,
  neighbourFor,
  nextNumber,
  type StoredSnapshot,
  sectionOf,
} from './rules.ts';

/*
 * The supply–demand list's use cases: create and edit a draft edition, curate its entries, schedule and publish it
 * (the entries are frozen as snapshots), errata; and the reads behind the public pages and exports.
 * Every write runs in one transaction with its audit row. Two staff editing one draft: each write names the
 * version it was based on and bumps it; a stale version is refused (409) and nothing is written.
 */

const e = zhCN.editions.errors;

export type EditionError = {
  ok: false;
  status: 400 | 404 | 409;
  formError?: string;
  fieldErrors?: Record<string, string[]>;
};
type Ok<T = object> = { ok: true } & T;

function refuse(status: EditionError['status'], formError?: string): EditionError {
  return formError === undefined ? { ok: false, status } : { ok: false, status, formError };
}

/** Who acts: a bureau user, or the worker publishing a scheduled edition. */
export interface Actor {
  userId: number | null;
  ip: string | null;
}

/* ---------- bureau: editions ---------- */

export async function listEditions(db: Kysely<Database>) {
  return db
    .selectFrom('edition as ed')
    .select(['ed.id', 'ed.year', 'ed.number', 'ed.title', 'ed.status', 'ed.scheduled_at', 'ed.published_at'])
    .select((eb) =>
      eb
        .selectFrom('edition_entry as en')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('en.edition_id', '=', 'ed.id')
        .as('entries'),
    )
    .orderBy('ed.year', 'desc')
    .orderBy('ed.number', 'desc')
    .execute();
}

/** Defaults of the "new edition" form: this year's next number and its title. */
export async function newEditionDefaults(db: Kysely<Database>, year: number) {
  const used = await db.selectFrom('edition').select('number').where('year', '=', year).execute();
  const number = nextNumber(used.map((r) => r.number));
  return { year, number, title: zhCN.editions.defaultTitle(year, number) };
}

export async function createEdition(
  db: Kysely<Database>,
  input: { actor: Actor; meta: EditionMeta },
): Promise<Ok<{ id: number }> | EditionError> {
  const { actor, meta } = input;
  try {
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('edition')
        .values({
          year: meta.year,
          number: meta.number,
          title: meta.title,
          period_start: meta.period_start ?? null,
          period_end: meta.period_end ?? null,
          introduction: meta.introduction,
          created_by: actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(trx, {
        actorUserId: actor.userId,
        ip: actor.ip,
        action: 'edition.create',
        entityType: 'edition',
        entityId: row.id,
        details: { year: meta.year, number: meta.number },
      });
      return row.id;
    });
    return { ok: true, id };
  } catch (error) {
    if (isUniqueViolation(error))
      return { ok: false, status: 400, fieldErrors: { number: [e.numberTaken(meta.year, meta.number)] } };
    throw error;
  }
}

/**
 * Claims the right to change a draft: bumps its version if it is still the one the form was based on and the
 * edition is still a draft. Inside the caller's transaction, so a refused write leaves nothing behind.
 */
async function claimDraft(
  trx: Transaction<Database>,
  id: number,
  version: number,
  allowed: readonly EditionStatus[] = ['draft'],
): Promise<EditionError | null> {
  const row = await trx
    .updateTable('edition')
    .set({ version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', 'in', allowed)
    .returning('id')
    .executeTakeFirst();
  if (row) return null;
  const current = await trx
    .selectFrom('edition')
    .select(['status', 'version'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!current) return refuse(404);
  if (!allowed.includes(current.status)) return refuse(409, e.notDraft);
  return refuse(409, e.stale);
}

/** Runs a draft change in one transaction: version claim, the change, the audit row; any refusal rolls back. */
async function changeDraft<T extends { ok: true }>(
  db: Kysely<Database>,
  target: { id: number; version: number; actor: Actor; action: string; allowed?: readonly EditionStatus[] },
  change: (trx: Transaction<Database>) => Promise<T | EditionError>,
): Promise<T | EditionError> {
  try {
    return await db.transaction().execute(async (trx) => {
      const refused = await claimDraft(trx, target.id, target.version, target.allowed);
      if (refused) throw new Refused(refused);
      const result = await change(trx);
      if (!result.ok) throw new Refused(result);
      await audit(trx, {
        actorUserId: target.actor.userId,
        ip: target.actor.ip,
        action: target.action,
        entityType: 'edition',
        entityId: target.id,
      });
      return result;
    });
  } catch (error) {
    if (error instanceof Refused) return error.refusal as EditionError;
    throw error;
  }
}

export async function updateEditionMeta(
  db: Kysely<Database>,
  input: { actor: Actor; id: number; version: number; meta: EditionMeta },
) {
  const { actor, id, version, meta } = input;
  try {
    return await changeDraft(db, { id, version, actor, action: 'edition.update' }, async (trx) => {
      await trx
        .updateTable('edition')
        .set({
          year: meta.year,
          number: meta.number,
          title: meta.title,
          period_start: meta.period_start ?? null,
          period_end: meta.period_end ?? null,
          introduction: meta.introduction,
        })
        .where('id', '=', id)
        .execute();
      return { ok: true as const };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      return {
        ok: false as const,
        status: 400 as const,
        fieldErrors: { number: [e.numberTaken(meta.year, meta.number)] },
      };
    throw error;
  }
}

/** Adds published listings at the end of their section; listings already in the edition are left where they are. */
export async function addEntries(
  db: Kysely<Database>,
  input: { actor: Actor; id: number; version: number; listingIds: number[] },
) {
  const { actor, id, version } = input;
  const listingIds = [...new Set(input.listingIds)];
  if (listingIds.length === 0) return { ok: false as const, status: 400 as const, formError: e.noneSelected };
  return changeDraft(db, { id, version, actor, action: 'edition.add-entries' }, async (trx) => {
    const docs = await documentsOf(trx, listingIds);
    const missing = listingIds.filter((l) => !docs.has(l));
    if (missing.length) return refuse(400, e.listingMissing);
    const notLive = listingIds.filter((l) => !docs.get(l)!.live);
    if (notLive.length)
      return refuse(
        400,
        e.notPublished(notLive.map((l) => `“${docs.get(l)!.doc.title}”`).join(zhCN.listSeparator)),
      );
    const existing = await trx
      .selectFrom('edition_entry')
      .select(['listing_id', 'section', 'position'])
      .where('edition_id', '=', id)
      .execute();
    const have = new Set(existing.map((x) => x.listing_id));
    const last = { demand: 0, supply: 0 };
    for (const x of existing) last[x.section] = Math.max(last[x.section], x.position);
    const codes = [...new Set(listingIds.flatMap((l) => docs.get(l)!.doc.field_codes.slice(0, 1)))];
    const fields = codes.length
      ? await trx
          .selectFrom('field')
          .select(['id', 'code', 'chain_action'])
          .where('code', 'in', codes)
          .execute()
      : [];
    const byCode = new Map(fields.map((f) => [f.code, f]));
    const rows = listingIds
      .filter((l) => !have.has(l))
      .map((listingId) => {
        const doc = docs.get(listingId)!.doc;
        const section = sectionOf(doc.kind);
        // The primary field (the first in the taxonomy's order) decides the chain action; staff may change it.
        const field = doc.field_codes[0] ? byCode.get(doc.field_codes[0]) : undefined;
        last[section] += 1;
        return {
          edition_id: id,
          listing_id: listingId,
          section,
          chain_action: (field?.chain_action ?? 'strengthen') as ChainAction,
          field_id: field?.id ?? null,
          position: last[section],
          added_by: actor.userId,
        };
      });
    if (rows.length) await trx.insertInto('edition_entry').values(rows).execute();
    return { ok: true as const, added: rows.length };
  });
}

export async function removeEntry(
  db: Kysely<Database>,
  input: { actor: Actor; id: number; version: number; entryId: number },
) {
  return changeDraft(db, { ...input, action: 'edition.remove-entry' }, async (trx) => {
    const gone = await trx
      .deleteFrom('edition_entry')
      .where('id', '=', input.entryId)
      .where('edition_id', '=', input.id)
      .executeTakeFirst();
    return Number(gone.numDeletedRows) === 1 ? { ok: true as const } : refuse(404);
  });
}

export async function moveEntry(
  db: Kysely<Database>,
  input: { actor: Actor; id: number; version: number; entryId: number; direction: 'up' | 'down' },
) {
  return changeDraft(db, { ...input, action: 'edition.move-entry' }, async (trx) => {
    const entries = await trx
      .selectFrom('edition_entry')
      .select(['id', 'section', 'position'])
      .where('edition_id', '=', input.id)
      .execute();
    if (!entries.some((x) => x.id === input.entryId)) return refuse(404);
    const swap = neighbourFor(entries, input.entryId, input.direction);
    if (swap) {
      for (const x of [swap.a, swap.b])
        await trx.updateTable('edition_entry').set({ position: x.position }).where('id', '=', x.id).execute();
    }
    return { ok: true as const };
  });
}

export async function updateEntry(
  db: Kysely<Database>,
  input: {
    actor: Actor;
    id: number;
    version: number;
    entryId: number;
    note: string;
    chainAction: ChainAction;
  },
) {
  return changeDraft(db, { ...input, action: 'edition.update-entry' }, async (trx) => {
    const done = await trx
      .updateTable('edition_entry')
      .set({ note: input.note, chain_action: input.chainAction })
      .where('id', '=', input.entryId)
      .where('edition_id', '=', input.id)
      .executeTakeFirst();
    return Number(done.numUpdatedRows) === 1 ? { ok: true as const } : refuse(404);
  });
}

export async function scheduleEdition(
  db: Kysely<Database>,
  input: { actor: Actor; id: number; version: number; at: Date },
) {
  return changeDraft(db, { ...input, action: 'edition.schedule' }, async (trx) => {
    const count = await entryCount(trx, input.id);
    if (count === 0) return refuse(400, e.empty);
    await trx
      .updateTable('edition')
      .set({ status: 'scheduled', scheduled_at: input.at, scheduled_by: input.actor.userId })
      .where('id', '=', input.id)
      .execute();
    return { ok: true as const };
  });
}

export async function cancelSchedule(
  db: Kysely<Database>,
  input: { actor: Actor; id: number; version: number },
) {
  return changeDraft(db, { ...input, action: 'edition.unschedule', allowed: ['scheduled'] }, async (trx) => {
    await trx
      .updateTable('edition')
      .set({ status: 'draft', scheduled_at: null, scheduled_by: null })
      .where('id', '=', input.id)
      .execute();
    return { ok: true as const };
  });
}

async function entryCount(db: Kysely<Database>, editionId: number): Promise<number> {
  const row = await db
    .selectFrom('edition_entry')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('edition_id', '=', editionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Publishes a draft (a person) or a scheduled edition (the worker): freezes every entry as its public snapshot,
 * marks the edition published and queues the subscribers' mails, in one transaction.
 * A person is told which entries are no longer public and nothing changes. The worker drops such entries
 * (recorded in the audit row); if none is left the edition goes back to draft and its scheduler gets a notice.
 */
export async function publishEdition(
  db: Kysely<Database>,
  input: { actor: Actor; id: number; version: number; scheduled?: boolean; now?: Date },
): Promise<Ok<{ dropped: number; published: boolean }> | EditionError> {
  const now = input.now ?? new Date();
  const allowed: EditionStatus[] = input.scheduled ? ['scheduled'] : ['draft', 'scheduled'];
  return changeDraft(db, { ...input, action: 'edition.publish', allowed }, async (trx) => {
    const edition = await trx
      .selectFrom('edition')
      .select(['year', 'number', 'title', 'scheduled_by'])
      .where('id', '=', input.id)
      .executeTakeFirstOrThrow();
    const entries = await trx
      .selectFrom('edition_entry as en')
      .leftJoin('field as f', 'f.id', 'en.field_id')
      .select(['en.id', 'en.listing_id', 'f.name as field_name'])
      .where('en.edition_id', '=', input.id)
      .execute();
    if (entries.length === 0) return refuse(400, e.empty);
    const docs = await documentsOf(
      trx,
      entries.map((x) => x.listing_id),
      now,
    );
    const notLive = entries.filter((x) => !docs.get(x.listing_id)?.live);
    if (notLive.length && !input.scheduled) {
      const titles = notLive.map((x) => `“${docs.get(x.listing_id)?.doc.title ?? x.listing_id}”`);
      return refuse(400, e.notPublished(titles.join(zhCN.listSeparator)));
    }
    if (notLive.length) {
      await trx
        .deleteFrom('edition_entry')
        .where(
          'id',
          'in',
          notLive.map((x) => x.id),
        )
        .execute();
      await audit(trx, {
        actorUserId: null,
        ip: null,
        action: 'edition.publish.drop-entries',
        entityType: 'edition',
        entityId: input.id,
        details: { listingIds: notLive.map((x) => x.listing_id) },
      });
    }
    const kept = entries.filter((x) => docs.get(x.listing_id)?.live);
    if (kept.length === 0) {
      // Nothing left to publish: back to draft, and tell whoever scheduled it.
      await trx
        .updateTable('edition')
        .set({ status: 'draft', scheduled_at: null, scheduled_by: null })
        .where('id', '=', input.id)
        .execute();
      if (edition.scheduled_by)
        await notify(trx, {
          userIds: [edition.scheduled_by],
          kind: 'edition.schedule-failed',
          title: edition.title,
          body: e.empty,
          link: `/bureau/editions/${input.id}`,
          aggregate: { type: 'edition', id: input.id },
          mail: {
            subject: zhCN.notifications.mail.scheduleFailedSubject(edition.title),
            text: `${edition.title}\n\n${e.empty}`,
          },
        });
      return { ok: true as const, dropped: notLive.length, published: false };
    }
    for (const entry of kept) {
      const snapshot: StoredSnapshot = {
        document: docs.get(entry.listing_id)!.doc,
        fieldName: entry.field_name,
      };
      await trx
        .updateTable('edition_entry')
        .set({ snapshot: JSON.stringify(snapshot) as unknown as Record<string, unknown> })
        .where('id', '=', entry.id)
        .execute();
    }
    await trx
      .updateTable('edition')
      .set({ status: 'published', published_at: now, published_by: input.actor.userId, scheduled_at: null })
      .where('id', '=', input.id)
      .execute();
    await enqueue(trx, {
      topic: 'edition',
      aggregateType: 'edition',
      aggregateId: input.id,
      payload: { path: editionPath(edition) },
    });
    return { ok: true as const, dropped: notLive.length, published: true };
  });
}

/** The worker: publishes the scheduled editions that are due. Returns how many it handled. */
export async function publishDueEditions(db: Kysely<Database>, now: Date): Promise<number> {
  const due = await db
    .selectFrom('edition')
    .select(['id', 'version'])
    .where('status', '=', 'scheduled')
    .where('scheduled_at', '<=', now)
    .orderBy('scheduled_at')
    .limit(10)
    .execute();
  for (const edition of due)
    await publishEdition(db, {
      actor: { userId: null, ip: null },
      id: edition.id,
      version: edition.version,
      scheduled: true,
      now,
    });
  return due.length;
}

export async function addErratum(db: Kysely<Database>, input: { actor: Actor; id: number; body: string }) {
  return db.transaction().execute(async (trx) => {
    const edition = await trx
      .selectFrom('edition')
      .select('status')
      .where('id', '=', input.id)
      .forUpdate()
      .executeTakeFirst();
    if (!edition) return { ok: false as const, status: 404 as const };
    if (edition.status !== 'published')
      return { ok: false as const, status: 409 as const, formError: e.erratumOnlyPublished };
    await trx
      .insertInto('edition_erratum')
      .values({ edition_id: input.id, body: input.body, published_by: input.actor.userId })
      .execute();
    await audit(trx, {
      actorUserId: input.actor.userId,
      ip: input.actor.ip,
      action: 'edition.erratum',
      entityType: 'edition',
      entityId: input.id,
    });
    return { ok: true as const };
  });
}

/* ---------- reads ---------- */

function selectEdition(db: Kysely<Database>) {
  return db
    .selectFrom('edition')
    .select([
      'id',
      'year',
      'number',
      'title',
      'period_start',
      'period_end',
      'introduction',
      'status',
      'scheduled_at',
      'published_at',
      'version',
      'updated_at',
    ]);
}

/**
 * The entries of an edition as views. A published edition shows its snapshots; a draft shows the listings as
 * they are now (the preview). Either way each entry carries its listing's state now.
 */
async function entryViews(db: Kysely<Database>, editionId: number, now: Date): Promise<EditionEntryView[]> {
  const rows = await db
    .selectFrom('edition_entry as en')
    .leftJoin('field as f', 'f.id', 'en.field_id')
    .select([
      'en.id',
      'en.listing_id',
      'en.section',
      'en.chain_action',
      'en.position',
      'en.note',
      'en.snapshot',
      'f.name as field_name',
    ])
    .where('en.edition_id', '=', editionId)
    .orderBy('en.section')
    .orderBy('en.position')
    .orderBy('en.id')
    .execute();
  const docs = await documentsOf(
    db,
    rows.map((r) => r.listing_id),
    now,
  );
  return rows.flatMap((r) => {
    const stored = r.snapshot as StoredSnapshot | null;
    const current = docs.get(r.listing_id);
    const doc = stored?.document ?? current?.doc;
    if (!doc) return [];
    return [
      {
        id: r.id,
        listingId: r.listing_id,
        section: r.section,
        chainAction: r.chain_action,
        fieldName: stored ? stored.fieldName : r.field_name,
        position: r.position,
        note: r.note,
        doc,
        liveState: liveStateOf(current),
      },
    ];
  });
}

async function errataOf(db: Kysely<Database>, editionId: number) {
  return db
    .selectFrom('edition_erratum')
    .select(['id', 'body', 'published_at'])
    .where('edition_id', '=', editionId)
    .orderBy('published_at')
    .orderBy('id')
    .execute();
}

/** A bureau user's view of any edition (draft, scheduled or published) with its entries. */
export async function loadEditionForStaff(db: Kysely<Database>, id: number, now = new Date()) {
  const edition = await selectEdition(db).where('id', '=', id).executeTakeFirst();
  if (!edition) return null;
  const [entries, errata] = await Promise.all([entryViews(db, id, now), errataOf(db, id)]);
  return { edition, entries, errata };
}

/** A published edition by its stable address (year and number), for the public pages and exports. */
export async function loadPublishedEdition(
  db: Kysely<Database>,
  year: number,
  number: number,
  now = new Date(),
) {
  const edition = await selectEdition(db)
    .where('year', '=', year)
    .where('number', '=', number)
    .where('status', '=', 'published')
    .executeTakeFirst();
  if (!edition) return null;
  const [entries, errata] = await Promise.all([entryViews(db, edition.id, now), errataOf(db, edition.id)]);
  return { edition, entries, errata };
}
export type PublishedEdition = NonNullable<Awaited<ReturnType<typeof loadPublishedEdition>>>;

/** The public archive: published editions, newest first, with their entry counts per section. */
export async function listPublishedEditions(db: Kysely<Database>, limit = 500) {
  return db
    .selectFrom('edition as ed')
    .select([
      'ed.id',
      'ed.year',
      'ed.number',
      'ed.title',
      'ed.published_at',
      'ed.period_start',
      'ed.period_end',
    ])
    .select((eb) => [
      eb
        .selectFrom('edition_entry as en')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('en.edition_id', '=', 'ed.id')
        .where('en.section', '=', 'demand')
        .as('demand_count'),
      eb
        .selectFrom('edition_entry as en')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('en.edition_id', '=', 'ed.id')
        .where('en.section', '=', 'supply')
        .as('supply_count'),
      eb
        .selectFrom('edition_erratum as er')
        .select(sql<Date | null>`max(er.published_at)`.as('m'))
        .whereRef('er.edition_id', '=', 'ed.id')
        .as('last_erratum_at'),
    ])
    .where('ed.status', '=', 'published')
    .orderBy('ed.published_at', 'desc')
    .limit(limit)
    .execute();
}

/** Published listings' ids already in an edition (the curation page marks them in search results). */
export async function listingIdsIn(db: Kysely<Database>, editionId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('edition_entry')
    .select('listing_id')
    .where('edition_id', '=', editionId)
    .execute();
  return new Set(rows.map((r) => r.listing_id));
}
