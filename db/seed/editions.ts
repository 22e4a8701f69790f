import type { Transaction } from 'kysely';
import { type StoredSnapshot, sectionOf } from '../../app/features/editions/rules.ts';
import { documentsOf } from '../../search/documents.ts';
import type { ChainAction, Database, ListingKind } from '../schema.ts';

/*
 * Demo editions of the supply–demand list: two published editions (2026年第1期 and 第2期, frozen snapshots of
 * listings that were live then) and a draft 第3期 for the bureau to curate. Inserted directly inside the seed's
 * transaction (the use cases in app/features/editions open their own transactions).
 */

const DAY_MS = 86_400_000;

const NOTES = [
  '县重点产业链急需，欢迎高校院所揭榜',
  '已在本县企业中试验证，可现场考察',
  '可提供首试首用场景',
];

interface Plan {
  number: number;
  daysAgo: number | null;
  take: Record<ListingKind, number>;
  skip: number;
}

const PLANS: Plan[] = [
  { number: 1, daysAgo: 75, take: { demand: 8, scenario: 4, achievement: 10 }, skip: 0 },
  { number: 2, daysAgo: 20, take: { demand: 10, scenario: 5, achievement: 12 }, skip: 8 },
  { number: 3, daysAgo: null, take: { demand: 3, scenario: 1, achievement: 3 }, skip: 20 },
];

export async function seedEditions(trx: Transaction<Database>, now: Date, adminId: number): Promise<number> {
  const year = Number(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(now),
  );
  const fields = await trx.selectFrom('field').select(['id', 'code', 'name', 'chain_action']).execute();
  const byCode = new Map(fields.map((f) => [f.code, f]));
  for (const plan of PLANS) {
    const publishedAt = plan.daysAgo === null ? null : new Date(now.getTime() - plan.daysAgo * DAY_MS);
    const cutoff = publishedAt ?? now;
    const picked: number[] = [];
    for (const kind of ['demand', 'scenario', 'achievement'] as const) {
      const rows = await trx
        .selectFrom('listing')
        .select('id')
        .where('kind', '=', kind)
        .where('status', '=', 'published')
        .where('expires_at', '>', now)
        .where('published_at', '<', cutoff)
        .orderBy('published_at')
        .orderBy('id')
        .offset(plan.skip)
        .limit(plan.take[kind])
        .execute();
      picked.push(...rows.map((r) => r.id));
    }
    const docs = await documentsOf(trx, picked, now);
    const edition = await trx
      .insertInto('edition')
      .values({
        year,
        number: plan.number,
        title: `${year}年第${plan.number}期场景供需清单`,
        period_start: null,
        period_end: null,
        introduction:
          plan.number === 1
            ? '围绕乳业、绿色农畜产品加工等强链产业和新能源、新材料等建链产业，汇集本县企业技术需求、开放应用场景和高校院所科技成果，供各方对接。'
            : '',
        status: publishedAt ? 'published' : 'draft',
        published_at: publishedAt,
        published_by: publishedAt ? adminId : null,
        created_by: adminId,
        created_at: publishedAt ? new Date(publishedAt.getTime() - 7 * DAY_MS) : now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const position = { demand: 0, supply: 0 };
    const entries = picked.flatMap((listingId, i) => {
      const current = docs.get(listingId);
      if (!current) return [];
      const doc = current.doc;
      const field = doc.field_codes[0] ? byCode.get(doc.field_codes[0]) : undefined;
      const section = sectionOf(doc.kind);
      position[section] += 1;
      const snapshot: StoredSnapshot = { document: doc, fieldName: field?.name ?? null };
      return [
        {
          edition_id: edition.id,
          listing_id: listingId,
          section,
          chain_action: (field?.chain_action ?? 'strengthen') as ChainAction,
          field_id: field?.id ?? null,
          position: position[section],
          note: i % 7 === 0 ? NOTES[(i / 7) % NOTES.length]! : '',
          added_by: adminId,
          snapshot: publishedAt ? (JSON.stringify(snapshot) as unknown as Record<string, unknown>) : null,
        },
      ];
    });
    if (entries.length) await trx.insertInto('edition_entry').values(entries).execute();
  }
  return PLANS.length;
}
