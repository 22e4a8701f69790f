import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { migrateToLatest, pendingMigrations } from '../../db/migrate.ts';
import { migrations } from '../../db/migrations/index.ts';
import { createTestDb } from '../support/db.ts';

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

describe('migrations', () => {
  it('are all applied, and running them again changes nothing', async () => {
    expect(await pendingMigrations(handle.db)).toEqual([]);
    expect(await migrateToLatest(handle.db)).toEqual([]);
    const executed = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      handle.db,
    );
    expect(executed.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
  });

  it('enable pg_trgm', async () => {
    const ext = await sql<{
      extname: string;
    }>`select extname from pg_extension where extname = 'pg_trgm'`.execute(handle.db);
    expect(ext.rows).toHaveLength(1);
  });

  it('comment every index that is not a primary key or unique constraint', async () => {
    const rows = await sql<{ index: string; comment: string | null }>`
      select i.relname as index, obj_description(i.oid, 'pg_class') as comment
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_namespace n on n.oid = i.relnamespace
      left join pg_constraint c on c.conindid = x.indexrelid
      where n.nspname = 'public' and c.oid is null and i.relname not like 'kysely_%'`.execute(handle.db);
    expect(rows.rows.length).toBeGreaterThan(5);
    expect(rows.rows.filter((r) => !r.comment).map((r) => r.index)).toEqual([]);
  });

  it('seed the field taxonomy from the county plan, with chain actions', async () => {
    const fields = await handle.db.selectFrom('field').select(['code', 'name', 'chain_action']).execute();
    expect(fields).toHaveLength(18);
    const byName = Object.fromEntries(fields.map((f) => [f.name, f.chain_action]));
    expect(byName.乳业及营养健康).toBe('strengthen');
    expect(byName.新能源).toBe('build');
    expect(byName.低空经济).toBe('layout');
  });
});

describe('constraints keep bad rows out', () => {
  async function org() {
    return handle.db
      .insertInto('organisation')
      .values({ type: 'enterprise', name: '测试企业有限公司', region: '和林格尔县' })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  it('refuses a budget whose minimum exceeds its maximum', async () => {
    const { id } = await org();
    await expect(
      handle.db
        .insertInto('listing')
        .values({
          kind: 'demand',
          organisation_id: id,
          title: '预算区间错误的需求',
          summary: '这是一条用于测试约束的需求摘要。',
          region: '和林格尔县',
          budget_min_wan: 100,
          budget_max_wan: 10,
        })
        .execute(),
    ).rejects.toThrow(/check constraint/);
  });

  it('refuses kind-specific columns on the wrong kind', async () => {
    const { id } = await org();
    await expect(
      handle.db
        .insertInto('listing')
        .values({
          kind: 'demand',
          organisation_id: id,
          title: '带有成果类型的需求',
          summary: '这是一条用于测试约束的需求摘要。',
          region: '和林格尔县',
          achievement_type: 'invention_patent',
        })
        .execute(),
    ).rejects.toThrow(/check constraint/);
  });

  it('refuses a published listing without dates and an unknown mode', async () => {
    const { id } = await org();
    const base = {
      kind: 'achievement' as const,
      organisation_id: id,
      title: '约束测试成果',
      summary: '这是一条用于测试约束的成果摘要。',
      region: '呼和浩特市',
    };
    await expect(
      handle.db
        .insertInto('listing')
        .values({ ...base, status: 'published' })
        .execute(),
    ).rejects.toThrow(/check constraint/);
    await expect(
      handle.db
        .insertInto('listing')
        .values({ ...base, transfer_modes: ['gift' as never] })
        .execute(),
    ).rejects.toThrow(/check constraint/);
  });

  it('refuses a malformed USCC and a duplicate one', async () => {
    await expect(
      handle.db
        .insertInto('organisation')
        .values({
          type: 'enterprise',
          name: '代码错误公司',
          region: '和林格尔县',
          uscc: '91150123OOOOOOOOOO',
        })
        .execute(),
    ).rejects.toThrow(/check constraint/);
    const values = { type: 'enterprise' as const, region: '和林格尔县', uscc: '91350100M000100Y43' };
    await handle.db
      .insertInto('organisation')
      .values({ ...values, name: '甲公司' })
      .execute();
    await expect(
      handle.db
        .insertInto('organisation')
        .values({ ...values, name: '乙公司' })
        .execute(),
    ).rejects.toThrow(/duplicate key/);
  });
});
