import { type Kysely, sql } from 'kysely';

/*
 * The industry-field taxonomy (产业领域), seeded from the county plan (shared/domain.md, policy articles
 * 9–12). Reference data, needed in production as well as in the demo, hence a migration and not the demo
 * seed. Bureau staff edit it later; this migration is frozen.
 * Chain action: 强链 strengthen (dairy, green agri-food), 建链 build (new energy, materials, computing),
 * 布链 layout (low-altitude economy and future industries).
 */
const fields: [code: string, name: string, chain: 'strengthen' | 'build' | 'layout'][] = [
  ['dairy', '乳业及营养健康', 'strengthen'],
  ['probiotics', '益生菌', 'strengthen'],
  ['agri-food', '绿色农畜产品加工', 'strengthen'],
  ['modern-agriculture', '现代农业', 'strengthen'],
  ['future-food', '未来食品', 'strengthen'],
  ['new-energy', '新能源', 'build'],
  ['energy-storage', '新型储能', 'build'],
  ['hydrogen', '氢能', 'build'],
  ['virtual-power-plant', '虚拟电厂', 'build'],
  ['transport-energy', '交能融合', 'build'],
  ['new-materials', '新材料', 'build'],
  ['composites', '高性能复合材料', 'build'],
  ['computing-hardware', '国产智算硬件', 'build'],
  ['ai', '人工智能', 'build'],
  ['industrial-software', '工业软件', 'build'],
  ['low-altitude', '低空经济', 'layout'],
  ['synthetic-biology', '合成生物', 'layout'],
  ['quantum', '量子科技', 'layout'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [index, [code, name, chain]] of fields.entries()) {
    await sql`insert into field (code, name, chain_action, sort_order)
              values (${code}, ${name}, ${chain}, ${(index + 1) * 10})
              on conflict (code) do nothing`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from field where code = any(${fields.map((f) => f[0])})`.execute(db);
}
