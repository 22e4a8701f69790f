import { describe, expect, it } from 'vitest';
import { readCsv, readJson, xlsxCellText } from '../../app/features/mkj/files.server.ts';
import {
  classifyTable,
  cleanCell,
  type FieldRef,
  type ImportRows,
  LISTING_EXPORT_KEYS,
  listingCells,
  listingColumnOf,
  listingHeader,
  mapRows,
  normaliseDate,
  normaliseHeader,
  normaliseRegion,
  normaliseTrl,
  ORGANISATION_EXPORT_KEYS,
  organisationCells,
  organisationColumnOf,
  splitList,
  validateListing,
} from '../../app/features/mkj/mapping.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';

const mz = zhCN.mkj;
const e = mz.import.errors;
const FIELDS: FieldRef[] = [
  { code: 'dairy', name: '乳业及营养健康', active: true },
  { code: 'probiotics', name: '益生菌', active: true },
  { code: 'new-materials', name: '新材料', active: true },
  { code: 'old-field', name: '旧领域', active: false },
];

function rows(headers: string[], ...data: string[][]): ImportRows {
  return {
    format: 'csv',
    tables: [{ sheet: null, headers, rows: data.map((cells, i) => ({ line: i + 2, cells })) }],
    issues: [],
    warnings: [],
  };
}

function sheet(name: string, headers: string[], ...data: string[][]): ImportRows {
  return { ...rows(headers, ...data), tables: [{ ...rows(headers, ...data).tables[0]!, sheet: name }] };
}

const ACHIEVEMENT_HEADERS = [
  '蒙科聚编号',
  '类型',
  '成果名称',
  '统一社会信用代码',
  '简介',
  '产业领域',
  '成果类型',
  '技术就绪度',
  '转化方式',
  '价格（万元）',
];
const achievement = (overrides: Partial<Record<string, string>> = {}) =>
  ACHIEVEMENT_HEADERS.map(
    (h) =>
      overrides[h] ??
      {
        蒙科聚编号: 'MKJ-CG-1',
        类型: '科技成果',
        成果名称: '乳清蛋白低温膜分离工艺',
        统一社会信用代码: '91150123MA0N072775',
        简介: '多级陶瓷膜低温分离乳清蛋白，纯度95%以上。',
        产业领域: '乳业及营养健康',
        成果类型: '新工艺',
        技术就绪度: '6',
        转化方式: '技术许可',
        '价格（万元）': '120',
      }[h]!,
  );

describe('headers', () => {
  it('normalises width, brackets, spaces, case and required markers', () => {
    expect(normaliseHeader('价格（万元）')).toBe(normaliseHeader('价格(万元)'));
    expect(normaliseHeader(' *价格 / 万元 ')).toBe(normaliseHeader('价格万元'));
    expect(normaliseHeader('\uFEFFMKJ_ID')).toBe('mkjid');
  });

  it('knows the Chinese headers, their aliases and the English names', () => {
    expect(listingColumnOf('成果名称')).toBe('title');
    expect(listingColumnOf('需求名称')).toBe('title');
    expect(listingColumnOf('title')).toBe('title');
    expect(listingColumnOf('价格(万元)')).toBe('price');
    expect(listingColumnOf('TRL')).toBe('trl');
    expect(listingColumnOf('专利/登记号')).toBe('patent_numbers');
    expect(listingColumnOf('单位名称')).toBe('org_name');
    expect(organisationColumnOf('单位名称')).toBe('name');
    expect(organisationColumnOf('USCC')).toBe('uscc');
    expect(organisationColumnOf('Organisation Type')).toBe('type');
    expect(listingColumnOf('备注')).toBeUndefined();
  });

  it('classifies a table by its sheet name, else by a title column, else by an organisation name column', () => {
    expect(classifyTable({ sheet: '单位', headers: [] })).toEqual({ type: 'organisations' });
    expect(classifyTable({ sheet: '科技成果', headers: [] })).toEqual({
      type: 'listings',
      kind: 'achievement',
    });
    expect(classifyTable({ sheet: '需求', headers: [] })).toEqual({ type: 'listings', kind: 'demand' });
    expect(classifyTable({ sheet: null, headers: ['场景名称', '单位名称'] })).toEqual({
      type: 'listings',
      kind: 'scenario',
    });
    expect(classifyTable({ sheet: null, headers: ['名称', '类型'] })).toEqual({
      type: 'listings',
      kind: null,
    });
    expect(classifyTable({ sheet: 'Sheet1', headers: ['单位名称', '统一社会信用代码'] })).toEqual({
      type: 'organisations',
    });
    expect(classifyTable({ sheet: null, headers: ['甲'] })).toBeUndefined();
  });
});

describe('cell values', () => {
  it('takes off the formula guard the export adds, and trims', () => {
    expect(cleanCell("'=SUM(A1)")).toBe('=SUM(A1)');
    expect(cleanCell("'-40℃")).toBe('-40℃');
    expect(cleanCell("  it's ")).toBe("it's");
  });

  it('normalises regions to the form list', () => {
    expect(normaliseRegion('内蒙古自治区呼和浩特市和林格尔县')).toBe('和林格尔县');
    expect(normaliseRegion('呼和浩特市赛罕区')).toBe('呼和浩特市');
    expect(normaliseRegion('锡林郭勒盟')).toBe('内蒙古其他盟市');
    expect(normaliseRegion('北京市海淀区')).toBe('北京市');
    expect(normaliseRegion('陕西省西安市')).toBe('陕西省');
    expect(normaliseRegion('湖南省长沙市')).toBe('其他省份');
    expect(normaliseRegion('火星')).toBeNull();
    expect(normaliseRegion('')).toBeNull();
  });

  it('reads dates, TRL and lists the ways people write them', () => {
    expect(normaliseDate('2027/6/30')).toBe('2027-06-30');
    expect(normaliseDate('2027年6月3日')).toBe('2027-06-03');
    expect(normaliseDate('2027.06.30 00:00:00')).toBe('2027-06-30');
    expect(normaliseDate('明年')).toBe('明年');
    expect(normaliseTrl('TRL 6 级')).toBe('6');
    expect(normaliseTrl('6级：相关环境中系统样机演示')).toBe('6');
    expect(normaliseTrl('12')).toBe('12');
    expect(splitList('乳业及营养健康、益生菌;新材料\n氢能')).toEqual([
      '乳业及营养健康',
      '益生菌',
      '新材料',
      '氢能',
    ]);
  });

  it('reads .xlsx cell objects as text', () => {
    expect(xlsxCellText(6)).toBe('6');
    expect(xlsxCellText(new Date(Date.UTC(2027, 5, 30)))).toBe('2027-06-30');
    expect(xlsxCellText({ richText: [{ text: '乳' }, { text: '业' }] })).toBe('乳业');
    expect(xlsxCellText({ text: 'MKJ-1', hyperlink: 'https://x' })).toBe('MKJ-1');
    expect(xlsxCellText({ formula: 'A1', result: 3 } as never)).toBe('3');
    expect(xlsxCellText(true)).toBe(mz.common.yes);
    expect(xlsxCellText(null)).toBe('');
  });
});

describe('reading files', () => {
  it('reads CSV with or without BOM and counts lines from the header (a cell with a line break spans two)', () => {
    const text = '\uFEFF名称,简介\r\n甲方案,"第一行\r\n第二行"\r\n\r\n乙方案,说明\r\n';
    const read = readCsv(new TextEncoder().encode(text));
    expect(read.issues).toEqual([]);
    expect(read.tables[0]!.headers).toEqual(['名称', '简介']);
    expect(read.tables[0]!.rows.map((r) => [r.line, r.cells[0]])).toEqual([
      [2, '甲方案'],
      [4, ''],
      [5, '乙方案'],
    ]);
    const lf = readCsv(new TextEncoder().encode('名称,简介\n甲,"x\ny"\n乙,z'));
    expect(lf.tables[0]!.rows.map((r) => r.line)).toEqual([2, 4]);
  });

  it('reads JSON arrays and objects of arrays; line = index + 2', () => {
    const array = readJson(
      new TextEncoder().encode(
        '[{"名称":"甲","产业领域":["乳业及营养健康","益生菌"]},{"名称":"乙","技术就绪度":6}]',
      ),
    );
    expect(array.tables[0]!.headers).toEqual(['名称', '产业领域', '技术就绪度']);
    expect(array.tables[0]!.rows).toEqual([
      { line: 2, cells: ['甲', '乳业及营养健康\n益生菌', ''] },
      { line: 3, cells: ['乙', '', '6'] },
    ]);
    const object = readJson(new TextEncoder().encode('{"单位":[{"单位名称":"甲"}],"成果":[]}'));
    expect(object.tables.map((t) => t.sheet)).toEqual(['单位', '成果']);
    expect(readJson(new TextEncoder().encode('[1]')).issues).toEqual([
      { sheet: null, line: 2, column: null, reason: mz.import.file.jsonRow },
    ]);
  });
});

describe('rows → records', () => {
  it('maps an achievement row to form values with codes', () => {
    const mapped = mapRows(rows(ACHIEVEMENT_HEADERS, achievement()), FIELDS);
    expect(mapped.issues).toEqual([]);
    const [record] = mapped.listings;
    expect(record).toMatchObject({
      kind: 'achievement',
      mkj_id: 'MKJ-CG-1',
      mkj_url: undefined,
      title: '乳清蛋白低温膜分离工艺',
      org_uscc: '91150123MA0N072775',
      org_mkj_id: null,
    });
    expect(record!.form).toMatchObject({
      fieldCodes: ['dairy'],
      achievement_type: 'process',
      trl: '6',
      transfer_modes: ['license'],
      price_wan: '120',
      price_negotiable: '',
    });
  });

  it('reports each bad cell with its line, the file’s header and a Chinese reason', () => {
    const mapped = mapRows(
      rows(
        ACHIEVEMENT_HEADERS,
        achievement({ 统一社会信用代码: '91150123MA0N072770' }),
        achievement({ 产业领域: '乳业及营养健康、风电回收' }),
        achievement({ 产业领域: '旧领域' }),
        achievement({ 成果类型: '论文' }),
        achievement({ 成果名称: '' }),
        achievement({ 类型: '技术需求', 技术就绪度: '', 转化方式: '', '价格（万元）': '' }),
        achievement({ 转化方式: '委托开发' }),
        achievement({ 蒙科聚编号: 'MKJ 1' }),
      ),
      FIELDS,
    );
    expect(mapped.listings).toEqual([]);
    expect(mapped.issues.map((i) => [i.line, i.column, i.reason])).toEqual([
      [2, '统一社会信用代码', e.usccInvalid('91150123MA0N072770')],
      [3, '产业领域', e.unknownField('风电回收')],
      [4, '产业领域', e.inactiveField('旧领域')],
      [5, '成果类型', e.unknownValue('论文', Object.values(zhCN.achievementType).join('、'))],
      [6, '成果名称', e.required],
      [7, '类型', e.kindMismatch(zhCN.kind.achievement)],
      [7, '成果类型', e.notForKind(zhCN.kind.achievement)],
      [8, '转化方式', e.modeNotAllowed(zhCN.mode.commissioned, zhCN.kind.achievement)],
      [9, '蒙科聚编号', e.mkjIdInvalid('MKJ 1')],
    ]);
  });

  it('takes the kind from the sheet and checks it against a 类型 cell', () => {
    const onSheet = mapRows(sheet('成果', ACHIEVEMENT_HEADERS, achievement({ 类型: '' })), FIELDS);
    expect(onSheet.listings[0]!.kind).toBe('achievement');
    const mismatch = mapRows(sheet('需求', ACHIEVEMENT_HEADERS, achievement()), FIELDS);
    expect(mismatch.issues[0]).toMatchObject({ sheet: '需求', line: 2, column: '类型' });
    const none = mapRows(rows(['名称', '统一社会信用代码'], ['甲乙丙丁', '91150123MA0N072775']), FIELDS);
    expect(none.issues.map((i) => i.reason)).toEqual([e.noKind]);
  });

  it('reads budgets, 面议 and yes/no the ways they are written', () => {
    const headers = ['类型', '名称', '统一社会信用代码', '预算（万元）', '首试首用', '价格（万元）'];
    const mapped = mapRows(
      rows(
        headers,
        ['技术需求', '需求一二三四', '91150123MA0N072775', '50–120万元', '', ''],
        ['技术需求', '需求一二三五', '91150123MA0N072775', '120', '否', ''],
        ['技术需求', '需求一二三六', '91150123MA0N072775', '50-', '', ''],
        ['应用场景', '场景一二三四', '91150123MA0N072775', '', '是', ''],
        ['科技成果', '成果一二三四', '91150123MA0N072775', '', '', '面议'],
        ['技术需求', '需求一二三七', '91150123MA0N072775', '约五十万', '', ''],
        ['应用场景', '场景一二三五', '91150123MA0N072775', '', '也许', ''],
      ),
      FIELDS,
    );
    expect(mapped.listings.map((l) => l.form)).toEqual([
      { title: '需求一二三四', budget_min_wan: '50', budget_max_wan: '120' },
      { title: '需求一二三五', budget_min_wan: '', budget_max_wan: '120' },
      { title: '需求一二三六', budget_min_wan: '50', budget_max_wan: '' },
      { title: '场景一二三四', first_trial: 'on' },
      { title: '成果一二三四', price_wan: '', price_negotiable: 'on' },
    ]);
    expect(mapped.issues.map((i) => [i.line, i.reason])).toEqual([
      [7, e.budgetInvalid],
      [8, e.notABoolean('也许')],
    ]);
  });

  it('maps organisation rows and asks for a key', () => {
    const mapped = mapRows(
      rows(
        ['蒙科聚编号', '单位名称', '统一社会信用代码', '单位类型', '所在地区', '企业资质', '网址'],
        ['MKJ-ORG-1', '甲乙科技有限公司', '91150123MA0N072775', '高新技术企业?', '和林格尔县', '', ''],
        ['', '丙丁大学', '', '大学', '呼和浩特市新城区', '', ''],
        ['MKJ-ORG-2', '戊己研究院', '', '研究院', '北京市', '高企、小巨人', 'https://x.example'],
      ),
      FIELDS,
    );
    expect(mapped.issues.map((i) => [i.line, i.column, i.reason])).toEqual([
      [2, '单位类型', e.unknownValue('高新技术企业?', '企业、高校、科研院所、技术转移服务机构、政府部门')],
      [3, '统一社会信用代码', e.noKey],
    ]);
    expect(mapped.organisations.map((o) => o.values)).toEqual([
      {
        mkj_id: 'MKJ-ORG-2',
        name: '戊己研究院',
        uscc: null,
        type: 'institute',
        region: '北京市',
        growth_tiers: ['high_tech', 'little_giant'],
        website: 'https://x.example',
      },
    ]);
  });

  it('warns about unknown columns and refuses a table with a column twice', () => {
    const mapped = mapRows(rows([...ACHIEVEMENT_HEADERS, '备注'], [...achievement(), '随便']), FIELDS);
    expect(mapped.warnings).toEqual([mz.import.warnings.ignoredColumns('', '备注')]);
    const twice = mapRows(rows(['名称', 'title'], ['甲乙丙丁', '甲乙丙丁']), FIELDS);
    expect(twice.issues).toEqual([
      { sheet: null, line: 1, column: 'title', reason: mz.import.file.duplicateHeader('title') },
    ]);
  });
});

describe('the listing form rules', () => {
  it('checks a new listing like the form does, naming the file’s columns', () => {
    const [record] = mapRows(
      rows(ACHIEVEMENT_HEADERS, achievement({ 技术就绪度: '12', 简介: '太短' })),
      FIELDS,
    ).listings;
    const checked = validateListing(record!, null, '和林格尔县');
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.issues.map((i) => [i.column, i.reason])).toEqual([
      ['简介', zhCN.listingForm.errors.summaryRequired],
      ['技术就绪度', zhCN.listingForm.errors.trlRange],
    ]);
  });

  it('makes a new listing public in its organisation’s region, and keeps a stored listing’s other values', () => {
    const [record] = mapRows(rows(ACHIEVEMENT_HEADERS, achievement()), FIELDS).listings;
    const created = validateListing(record!, null, '内蒙古自治区呼和浩特市和林格尔县');
    expect(created).toMatchObject({
      ok: true,
      input: { confidentiality: 'public', region: '和林格尔县', trl: 6, price_wan: 120 },
    });
    const stored = { team: '团队十人', confidentiality: 'members', region: '北京市', keywords: '乳清' };
    const merged = validateListing(record!, stored, '和林格尔县');
    expect(merged).toMatchObject({
      ok: true,
      input: { team: '团队十人', confidentiality: 'members', region: '北京市', keywords: ['乳清'] },
    });
  });

  it('accepts a demand whose deadline has passed (蒙科聚 keeps them)', () => {
    const headers = [
      '类型',
      '名称',
      '统一社会信用代码',
      '简介',
      '产业领域',
      '技术指标',
      '需求类型',
      '合作方式',
      '期望完成时间',
    ];
    const [record] = mapRows(
      rows(headers, [
        '技术需求',
        '低温干燥工艺需求',
        '91150123MA0N072775',
        '需要低温干燥工艺以保持活性成分。',
        '益生菌',
        '活菌保留率不低于90%',
        '工艺改进',
        '技术服务',
        '2020/1/1',
      ]),
      FIELDS,
    ).listings;
    expect(validateListing(record!, null, '和林格尔县')).toMatchObject({
      ok: true,
      input: { deadline: '2020-01-01' },
    });
  });
});

describe('records → cells (export) → records', () => {
  it('writes cells that read back to the same values', () => {
    const listing = {
      kind: 'demand' as const,
      mkj_id: 'MKJ-XQ-9',
      mkj_url: 'https://www.mengkeju.example/demand/9',
      title: '乳清粉结块控制技术需求',
      summary: '乳清粉仓储中易吸潮结块，需要改良工艺。',
      detail: '',
      keywords: ['乳清粉', '结块'],
      region: '和林格尔县',
      indicators: '=结块率≤1%，休止角≤35°',
      demand_type: 'process' as const,
      budget_min_wan: null,
      budget_max_wan: 50,
      deadline: '2027-06-30',
      cooperation_modes: ['commissioned' as const, 'service' as const],
      ip_expectation: null,
      achievement_type: null,
      innovation_points: [],
      patent_numbers: [],
      trl: null,
      transfer_modes: [],
      price_wan: null,
      price_negotiable: false,
      team: null,
      advantages: null,
      scenario_type: null,
      issuing_unit: null,
      location: null,
      expected_tech: null,
      investment_wan: null,
      first_trial: false,
      period_start: null,
      period_end: null,
      field_names: ['乳业及营养健康', '益生菌'],
      organisation: { mkj_id: null, uscc: '91150123MA0PK3T79C', name: '牧歌乳业' },
      published_on: '2026-11-01',
      expires_on: '2027-04-30',
      site_url: 'https://kjcg.example.cn/listings/9',
    };
    const cells = listingCells(listing);
    expect(cells).toMatchObject({
      budget: '50',
      kind: '技术需求',
      cooperation_modes: '委托开发、技术服务',
      trl: null,
    });
    const headers = LISTING_EXPORT_KEYS.map((k) => listingHeader(k));
    const raw = LISTING_EXPORT_KEYS.map((k) => {
      const v = cells[k];
      // What the CSV writer does to a formula-like cell.
      return v === null ? '' : typeof v === 'string' && v.startsWith('=') ? `'${v}` : String(v);
    });
    const mapped = mapRows(rows(headers, raw), FIELDS);
    expect(mapped.issues).toEqual([]);
    const checked = validateListing(mapped.listings[0]!, null, null);
    expect(checked).toMatchObject({
      ok: true,
      input: {
        kind: 'demand',
        title: listing.title,
        indicators: listing.indicators,
        budget_min_wan: null,
        budget_max_wan: 50,
        deadline: '2027-06-30',
        cooperation_modes: ['commissioned', 'service'],
        fieldCodes: ['dairy', 'probiotics'],
        keywords: ['乳清粉', '结块'],
      },
    });
    expect(mapped.listings[0]).toMatchObject({ mkj_id: 'MKJ-XQ-9', org_uscc: '91150123MA0PK3T79C' });
  });

  it('writes organisation cells with labels and reads them back', () => {
    const cells = organisationCells({
      mkj_id: 'MKJ-ORG-1',
      name: '敕勒川乳业科技有限公司',
      short_name: null,
      uscc: '91150123MA0N072775',
      type: 'enterprise',
      region: '和林格尔县',
      address: null,
      website: null,
      description: '',
      growth_tiers: ['high_tech'],
      mkj_url: null,
      field_names: ['乳业及营养健康'],
      site_url: 'https://kjcg.example.cn/orgs/1',
    });
    const headers = ORGANISATION_EXPORT_KEYS.map((k) => mz.common.columns.organisation[k]);
    const mapped = mapRows(
      rows(
        headers,
        ORGANISATION_EXPORT_KEYS.map((k) => String(cells[k] ?? '')),
      ),
      FIELDS,
    );
    expect(mapped.issues).toEqual([]);
    expect(mapped.organisations[0]!.values).toEqual({
      mkj_id: 'MKJ-ORG-1',
      name: '敕勒川乳业科技有限公司',
      short_name: null,
      uscc: '91150123MA0N072775',
      type: 'enterprise',
      region: '和林格尔县',
      address: null,
      website: null,
      description: '',
      fields: ['dairy'],
      growth_tiers: ['high_tech'],
      mkj_url: null,
    });
  });
});
