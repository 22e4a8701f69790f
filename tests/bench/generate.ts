import type { Insertable, Kysely } from 'kysely';
import { type RandomGenerator, unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import { REGIONS } from '../../app/features/orgs/rules.ts';
import type {
  AchievementType,
  Confidentiality,
  Database,
  DemandType,
  ListingKind,
  ListingTable,
  Mode,
  OrganisationTable,
  OrganisationType,
  ScenarioType,
} from '../../db/schema.ts';

/*
 * Deterministic synthetic listings for the search benchmark (issue 5, item 9). The same seed and N give the same
 * text, fields, amounts and date offsets (dates are relative to `now`, so that every listing stays live).
 *
 * Word frequencies are shaped on purpose: 技术 in about 80% of the indexed text, 乳 in about 20%, and rare words
 * (钙钛矿, 羊乳粉, 氢燃料, perovskite) in well under 0.5%. `generateListings` counts the real document frequency
 * of any words it is asked about, over the text an engine may index (title, summary, keywords, field names,
 * public detail).
 */

export const DEFAULT_SEED = 20261126;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------------------
// Randomness

export class Rng {
  private readonly gen: RandomGenerator;
  constructor(seed: number) {
    this.gen = xoroshiro128plus(seed);
  }
  /** Integer in [from, to]. */
  int(from: number, to: number): number {
    return unsafeUniformIntDistribution(from, to, this.gen);
  }
  /** Float in [0, 1). */
  float(): number {
    return unsafeUniformIntDistribution(0, 0x3fffffff, this.gen) / 0x40000000;
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  /** k distinct items (order as drawn). */
  sample<T>(items: readonly T[], k: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < k && pool.length > 0) out.push(pool.splice(this.int(0, pool.length - 1), 1)[0]!);
    return out;
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let x = this.float() * total;
    for (const [value, weight] of entries) {
      x -= weight;
      if (x < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }
  /** Log-uniform amount in [min, max], rounded to a believable step. */
  amount(min: number, max: number): number {
    const raw = Math.exp(Math.log(min) + this.float() * (Math.log(max) - Math.log(min)));
    const step = raw < 20 ? 1 : raw < 200 ? 5 : raw < 2000 ? 50 : 500;
    return Math.max(min, Math.round(raw / step) * step);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Vocabulary. Nothing below contains 技术 (added only through TECH_* phrases, to control its frequency), 乳
// outside the dairy, probiotics and agri-food material and DAIRY_MENTIONS, or any of the rare words (RARE).

interface FieldVocab {
  code: string;
  /** As in the taxonomy migration (the engine indexes field names too). */
  name: string;
  weight: number;
  /** Industry word in organisation names. */
  industry: string;
  objects: string[];
  processes: string[];
  /** A problem statement; {n} {m} are replaced by numbers. */
  problems: string[];
  /** A target; {n} {m} are replaced by numbers. */
  targets: string[];
  context: string[];
  latin?: string[];
}

const FIELDS: FieldVocab[] = [
  {
    code: 'dairy',
    name: '乳业及营养健康',
    weight: 9,
    industry: '乳业',
    objects: [
      '乳清蛋白',
      '巴氏杀菌乳',
      '发酵乳',
      '婴幼儿配方奶粉',
      '干酪',
      '原料奶',
      '乳铁蛋白',
      '常温酸奶',
      '奶粉',
      '生鲜乳',
    ],
    processes: [
      '膜分离',
      '喷雾干燥',
      '低温浓缩',
      '在线检测',
      '货架期延长',
      '冷链配送',
      '标准化生产',
      '杀菌工艺优化',
    ],
    problems: [
      '现有产品冷藏货架期仅{n}天，区外配送退货率超过{m}%',
      '收奶环节依赖实验室检测，出结果需{n}小时，无法在卸奶前按质分仓',
      '热处理导致蛋白变性率偏高，营养成分保留不足{m}%',
      '喷雾干燥塔排风温度高达{n}℃，余热直接排放，能耗偏高',
    ],
    targets: [
      '货架期由{n}天延长至{m}天',
      '单样检测时间不超过{n}秒，相对误差不超过{m}%',
      '蛋白质变性率降至{m}%以下，处理能力不低于{n}吨/小时',
    ],
    context: [
      '和林格尔县是自治区乳业产业集群的核心区，正在建设乳业全产业链创新示范基地',
      '适用于液态奶、发酵乳、奶粉和干酪生产企业及规模化牧场',
    ],
  },
  {
    code: 'probiotics',
    name: '益生菌',
    weight: 5,
    industry: '生物',
    objects: ['益生菌菌株', '乳酸菌', '双歧杆菌', '后生元', '益生菌菌粉', '冻干保护剂', '益生菌制剂'],
    processes: ['高密度发酵', '真空冻干', '微胶囊包埋', '菌株筛选', '活菌计数', '发酵工艺放大'],
    problems: [
      '菌粉冻干存活率仅{m}%，常温储存{n}个月后活菌数下降一个数量级',
      '自有菌株数量少，功能评价数据不足，难以进入高端市场',
    ],
    targets: ['冻干存活率不低于{m}%', '发酵活菌数达到{n}亿CFU/g', '完成{n}株以上菌株的功能评价'],
    context: ['园区已有益生菌发酵车间和菌种保藏库', '面向发酵乳、固体饮料和保健食品企业'],
  },
  {
    code: 'agri-food',
    name: '绿色农畜产品加工',
    weight: 8,
    industry: '食品',
    objects: ['牛羊肉', '马铃薯', '燕麦', '杂粮', '肉制品', '屠宰副产物', '牛乳蛋白肽', '沙棘'],
    processes: ['精深加工', '冷鲜保鲜', '精细分割', '综合利用', '质量追溯', '低温干燥'],
    problems: ['副产物利用率不足{m}%，附加值低', '产品保鲜期短，冷链损耗达{m}%'],
    targets: ['副产物综合利用率达到{m}%以上', '保鲜期延长至{n}天'],
    context: ['依托县域农畜产品资源，打造绿色农畜产品精深加工基地', '适用于肉类、杂粮和特色农产品加工企业'],
  },
  {
    code: 'modern-agriculture',
    name: '现代农业',
    weight: 8,
    industry: '农牧',
    objects: ['设施农业', '智慧牧场', '优质饲草', '青贮玉米', '节水灌溉', '奶牛养殖', '种业', '病虫害防治'],
    processes: ['精准饲喂', '遥感监测', '水肥一体化', '良种繁育', '数字化管理'],
    problems: ['饲草产量波动大，亩产不足{n}吨', '牧场人工成本占比达{m}%，管理粗放'],
    targets: ['单产提高{m}%以上', '节水{m}%，覆盖面积不少于{n}亩'],
    context: ['全县耕地和草场面积较大，现代农牧业示范园正在扩建', '面向规模化牧场、合作社和家庭农场'],
  },
  {
    code: 'future-food',
    name: '未来食品',
    weight: 4,
    industry: '食品',
    objects: ['植物基饮品', '细胞培养肉', '功能性食品', '代餐粉', '特医食品', '精准营养配方'],
    processes: ['风味调控', '质构重组', '3D打印', '营养评价'],
    problems: ['植物基产品口感粗糙，消费者复购率低于{m}%'],
    targets: ['感官评分提高{m}%', '形成{n}个以上可量产配方'],
    context: ['面向未来食品与营养健康新赛道，布局研发中试平台'],
  },
  {
    code: 'new-energy',
    name: '新能源',
    weight: 9,
    industry: '新能源',
    objects: ['光伏组件', '风电机组', '光伏电站', '风光互补系统', '逆变器', '风机叶片', '功率预测系统'],
    processes: ['智能运维', '并网调度', '清洗机器人', '发电量提升', '故障诊断'],
    problems: ['沙尘天气导致组件发电效率下降{m}%', '风机故障停机时间年均{n}小时'],
    targets: ['发电效率提升{m}%', '故障预警准确率不低于{m}%'],
    context: ['全县风光资源丰富，新能源装机规模持续扩大', '适用于集中式和分布式新能源电站'],
  },
  {
    code: 'energy-storage',
    name: '新型储能',
    weight: 7,
    industry: '储能',
    objects: ['储能电池', '锂电池', '液流电池', '压缩空气储能', '储能电站', '电池管理系统', '储能变流器'],
    processes: ['梯次利用', '安全预警', '热管理', '容量衰减评估', '低温适应性改进'],
    problems: ['冬季低温下电池可用容量下降{m}%', '储能电站热失控风险缺乏早期预警'],
    targets: ['零下{n}℃可用容量不低于{m}%', '热失控预警提前{n}分钟'],
    context: ['新型储能是全县建链重点，配套新能源基地建设', '面向电源侧、电网侧和用户侧储能项目'],
  },
  {
    code: 'hydrogen',
    name: '氢能',
    weight: 5,
    industry: '氢能',
    objects: ['电解槽', '绿氢', '制氢装置', '储氢瓶', '加氢站', '燃料电池', '氢能重卡'],
    processes: ['碱性电解', 'PEM电解', '高压储运', '风光制氢', '系统集成'],
    problems: ['电解槽单位能耗达{n}千瓦时/标方，制氢成本偏高', '加氢站建设成本高，利用率不足{m}%'],
    targets: ['单位能耗降至{n}千瓦时/标方以下', '产能达到{n}标方/小时'],
    context: ['依托风光资源发展风光制氢一体化项目', '面向化工、交通和冶金用户'],
    latin: ['green hydrogen', 'PEM'],
  },
  {
    code: 'virtual-power-plant',
    name: '虚拟电厂',
    weight: 3,
    industry: '电力',
    objects: ['虚拟电厂', '可调节负荷', '需求响应平台', '源网荷储', '分布式资源'],
    processes: ['负荷聚合', '聚合调控', '负荷预测', '电力交易辅助决策'],
    problems: ['园区可调节负荷分散，响应能力不足{n}兆瓦'],
    targets: ['聚合可调节负荷不少于{n}兆瓦', '负荷预测误差低于{m}%'],
    context: ['正在探索园区级虚拟电厂运营模式'],
  },
  {
    code: 'transport-energy',
    name: '交能融合',
    weight: 3,
    industry: '能源',
    objects: ['高速公路光伏', '充换电站', '电动重卡', '光储充一体化', '服务区微电网'],
    processes: ['能源路由', '智能调度', '站点选址', '运营优化'],
    problems: ['重卡换电站日均服务不足{n}车次'],
    targets: ['服务能力提升至{n}车次/日'],
    context: ['交通与能源融合发展，京藏、京新通道沿线布局'],
  },
  {
    code: 'new-materials',
    name: '新材料',
    weight: 8,
    industry: '材料',
    objects: ['稀土永磁', '石墨烯', '碳化硅', '高纯石英砂', '电子级多晶硅', '单晶硅片', '石墨负极'],
    processes: ['提纯', '晶体生长', '粉体制备', '表面改性', '性能表征'],
    problems: ['产品纯度仅{m}%，难以满足下游要求', '单晶生长良率不足{m}%'],
    targets: ['纯度达到{n}个9', '良率提升至{m}%以上'],
    context: ['依托自治区资源优势，发展新材料产业集群'],
  },
  {
    code: 'composites',
    name: '高性能复合材料',
    weight: 4,
    industry: '材料',
    objects: ['碳纤维', '玄武岩纤维', '树脂基复合材料', '预浸料', '复合材料叶片'],
    processes: ['热压成型', '缠绕成型', '无损检测', '回收再利用'],
    problems: ['复合材料构件成型周期长达{n}小时'],
    targets: ['成型周期缩短至{n}小时以内', '拉伸强度不低于{n}兆帕'],
    context: ['面向风电、轨道交通和航空制造的高性能复合材料需求'],
  },
  {
    code: 'computing-hardware',
    name: '国产智算硬件',
    weight: 6,
    industry: '数据',
    objects: ['智算中心', 'GPU服务器', '液冷机柜', '国产芯片', '算力调度平台', '数据中心'],
    processes: ['液冷散热', '能效优化', '算力调度', '国产化适配', '运维自动化'],
    problems: ['数据中心PUE为{n}，能耗偏高', '国产加速卡适配工作量大'],
    targets: ['PUE降至1.{n}以下', '完成{n}类主流模型适配'],
    context: ['和林格尔新区是全国一体化算力网络国家枢纽节点集群所在地'],
    latin: ['GPU', 'PUE'],
  },
  {
    code: 'ai',
    name: '人工智能',
    weight: 9,
    industry: '智能',
    objects: ['大模型', '机器视觉', '知识图谱', '智能质检', '智能客服', '语音识别', '视觉巡检'],
    processes: ['模型训练', '场景落地', '边缘部署', '数据标注', '模型压缩'],
    problems: ['人工质检漏检率达{m}%', '标注数据不足{n}万条'],
    targets: ['识别准确率不低于{m}%', '推理时延低于{n}毫秒'],
    context: ['依托智算资源发展人工智能应用，面向农牧、能源和政务场景'],
    latin: ['AI', 'LLM'],
  },
  {
    code: 'industrial-software',
    name: '工业软件',
    weight: 5,
    industry: '软件',
    objects: ['MES系统', '工业互联网平台', '数字孪生', 'PLC控制', 'SCADA系统', '设备管理系统'],
    processes: ['国产化替代', '数据采集', '流程优化', '系统集成'],
    problems: ['车间数据采集覆盖率不足{m}%'],
    targets: ['数据采集覆盖率达到{m}%', '接入设备不少于{n}台'],
    context: ['推动规上企业数字化转型'],
    latin: ['MES', 'PLC', 'SCADA'],
  },
  {
    code: 'low-altitude',
    name: '低空经济',
    weight: 4,
    industry: '航空',
    objects: ['无人机', '低空物流', 'eVTOL', '通用机场', '植保无人机', '无人机巡检'],
    processes: ['航线规划', '空域管理', '续航提升', '自主起降'],
    problems: ['无人机续航仅{n}分钟，难以覆盖长距离线路'],
    targets: ['续航不少于{n}分钟', '载重不低于{n}公斤'],
    context: ['布局低空经济，建设无人机试飞和应用场景'],
    latin: ['eVTOL', 'UAV'],
  },
  {
    code: 'synthetic-biology',
    name: '合成生物',
    weight: 2,
    industry: '生物',
    objects: ['合成生物', '酶制剂', '底盘细胞', '生物基材料', '氨基酸', '微生物蛋白'],
    processes: ['代谢工程', '发酵放大', '分离纯化', '高通量筛选'],
    problems: ['发酵转化率仅{m}%，成本偏高'],
    targets: ['转化率提高到{m}%以上', '产物浓度达到{n}克/升'],
    context: ['依托发酵产业基础布局合成生物未来产业'],
  },
  {
    code: 'quantum',
    name: '量子科技',
    weight: 1,
    industry: '量子',
    objects: ['量子通信', '量子计算', '量子传感', '量子密钥分发', '光量子芯片'],
    processes: ['样机研制', '组网测试', '应用示范'],
    problems: ['政务专网缺少量子安全加密手段'],
    targets: ['组网节点不少于{n}个'],
    context: ['面向政务和电力专网的量子安全应用'],
  },
];

const TECH_TITLE_SUFFIX: Record<ListingKind, string[]> = {
  demand: ['技术需求', '技术攻关', '关键技术需求', '技术合作需求'],
  achievement: ['技术', '关键技术', '技术及装备', '技术成果'],
  scenario: ['技术应用场景', '新技术示范场景'],
};
const PLAIN_TITLE_SUFFIX: Record<ListingKind, string[]> = {
  demand: ['需求', '攻关', '改造需求', '合作需求', '难题征集'],
  achievement: ['工艺', '装置', '系统', '方法', '成套装备'],
  scenario: ['应用场景', '示范场景', '场景开放', '创新场景'],
};
const TECH_PHRASES = [
  '寻求高校院所技术合作',
  '希望与具备技术积累的团队联合攻关',
  '技术成熟度较高，可快速落地',
  '已完成中试，技术指标稳定',
  '需要技术团队驻场服务',
  '欢迎技术转移机构对接',
  '配套技术培训和售后服务',
];
const PLAIN_PHRASES = [
  '寻求合作单位共同推进',
  '已完成中试验证，可开展小批量生产',
  '欢迎有意向的单位对接洽谈',
  '企业可提供场地、样品和试验条件',
  '项目周期约{n}个月',
  '可按阶段分期付款',
  '优先考虑区内单位',
];
/** Mentions of the dairy cluster outside the dairy fields (to reach ~20% documents with 乳). */
const DAIRY_MENTIONS = ['可服务乳业企业', '已在乳品企业试用', '兼顾乳制品加工场景'];

const PLACES = ['内蒙古', '和林格尔', '呼和浩特', '盛乐', '蒙', '北方', '草原', '塞北', '青城', '敕勒川'];
const CORES = [
  '蒙源',
  '金川',
  '盛和',
  '云谷',
  '北辰',
  '天骄',
  '大青山',
  '黄河',
  '瑞丰',
  '恒泰',
  '华晟',
  '新元',
];
const UNIVERSITIES = [
  '内蒙古农业大学',
  '内蒙古大学',
  '内蒙古工业大学',
  '内蒙古科技大学',
  '内蒙古师范大学',
  '中国农业大学',
  '江南大学',
  '北京化工大学',
  '西北农林科技大学',
];
const INSTITUTES = [
  '内蒙古自治区农牧业科学院',
  '中国科学院过程工程研究所',
  '中国科学院大连化学物理研究所',
  '内蒙古自治区计量测试研究院',
  '和林格尔新区产业研究院',
];
const DEPARTMENTS = [
  '食品科学与工程学院',
  '能源与动力工程学院',
  '材料科学与工程学院',
  '计算机学院',
  '生命科学学院',
];
const ISSUERS = ['和林格尔县人民政府', '和林格尔新区管委会', '县工业和信息化局', '县农牧局', '县交通运输局'];

const DEMAND_TYPES: DemandType[] = ['research', 'process', 'product', 'testing', 'transfer', 'consulting'];
const ACHIEVEMENT_TYPES: AchievementType[] = [
  'invention_patent',
  'utility_model',
  'software',
  'plant_variety',
  'know_how',
  'process',
  'material',
  'equipment',
  'other',
];
const SCENARIO_TYPES: ScenarioType[] = ['production', 'government', 'urban', 'livelihood'];
const DEMAND_MODES: Mode[] = [
  'joint_development',
  'commissioned',
  'transfer',
  'license',
  'service',
  'consulting',
];
const TRANSFER_MODES: Mode[] = ['transfer', 'license', 'equity', 'joint_development', 'self'];
const SCENARIO_MODES: Mode[] = ['joint_development', 'commissioned', 'service'];

/** Regions weighted towards the county and the city. */
const REGION_WEIGHTS: [string, number][] = REGIONS.map((r, i) => [
  r,
  i === 0 ? 35 : i === 1 ? 20 : i < 5 ? 6 : 2,
]);

// ---------------------------------------------------------------------------------------------------------
// Rare words: each inserted into a small share of one field's documents, never anywhere else.

interface RareWord {
  field: string;
  /** Probability within that field's documents. */
  p: number;
  sentence: string;
}
const RARE: RareWord[] = [
  { field: 'new-energy', p: 0.025, sentence: '采用钙钛矿叠层电池组件，转换效率较晶硅提升明显' },
  { field: 'new-energy', p: 0.015, sentence: '钙钛矿（perovskite）薄膜稳定性已通过{n}小时湿热老化测试' },
  { field: 'dairy', p: 0.03, sentence: '产品线包括羊乳粉和驼乳粉，需解决膻味和溶解性问题' },
  { field: 'hydrogen', p: 0.05, sentence: '用于氢燃料电池重卡示范运营，单车续航{n}公里' },
  { field: 'hydrogen', p: 0.15, sentence: '项目以可再生能源制取绿氢（green hydrogen）为主' },
];

// ---------------------------------------------------------------------------------------------------------
// Organisations and listings

export interface GeneratedOrganisation {
  row: Insertable<OrganisationTable>;
  field: string;
}

export interface GeneratedListing {
  row: Insertable<ListingTable>;
  fieldCodes: string[];
}

function fill(template: string, rng: Rng): string {
  return template
    .replace(/\{n\}/g, () => String(rng.int(2, 90)))
    .replace(/\{m\}/g, () => String(rng.int(5, 95)));
}

function companyName(rng: Rng, industry: string): string {
  const suffix = rng.pick(['有限公司', '股份有限公司', '科技有限公司', '集团有限公司']);
  return `${rng.pick(PLACES)}${rng.pick(CORES)}${industry}${suffix}`;
}

export function generateOrganisations(count: number, seed = DEFAULT_SEED): GeneratedOrganisation[] {
  const rng = new Rng(seed ^ 0x5bd1e995);
  const out: GeneratedOrganisation[] = [];
  for (let i = 0; i < count; i++) {
    const field = FIELDS[i % FIELDS.length]!;
    const type = rng.weighted<OrganisationType>([
      ['enterprise', 70],
      ['university', 12],
      ['institute', 10],
      ['agency', 4],
      ['public_body', 4],
    ]);
    const name =
      type === 'university'
        ? `${rng.pick(UNIVERSITIES)}${rng.pick(DEPARTMENTS)}`
        : type === 'institute'
          ? rng.pick(INSTITUTES)
          : type === 'public_body'
            ? rng.pick(ISSUERS)
            : type === 'agency'
              ? `${rng.pick(PLACES)}${rng.pick(CORES)}科技服务有限公司`
              : companyName(rng, field.industry);
    out.push({
      field: field.code,
      row: {
        type,
        name,
        region: rng.weighted(REGION_WEIGHTS),
        description: `${name}主要从事${field.objects.slice(0, 3).join('、')}等方面的研发与生产`,
        verification: 'verified',
        verified_at: new Date('2026-10-01T00:00:00Z'),
      },
    });
  }
  return out;
}

const FIELD_NAMES = new Map(FIELDS.map((f) => [f.code, f.name]));

/** The text an engine may index for a listing: title, summary, keywords, field names, public detail. */
export function indexedText({ row, fieldCodes }: GeneratedListing): string {
  const detail =
    row.confidentiality === 'public' || row.confidentiality === undefined ? (row.detail ?? '') : '';
  const fieldNames = fieldCodes.map((c) => FIELD_NAMES.get(c) ?? '');
  return [row.title, row.summary, (row.keywords ?? []).join(' '), fieldNames.join(' '), detail].join('\n');
}

export class ListingFactory {
  private readonly rng: Rng;
  private readonly fieldWeights: [FieldVocab, number][];

  constructor(
    private readonly orgsByField: Map<string, { id: number; region: string; type: OrganisationType }[]>,
    private readonly now: Date,
    seed = DEFAULT_SEED,
  ) {
    this.rng = new Rng(seed);
    this.fieldWeights = FIELDS.map((f) => [f, f.weight]);
  }

  next(): GeneratedListing {
    const rng = this.rng;
    const kind = rng.weighted<ListingKind>([
      ['demand', 45],
      ['achievement', 40],
      ['scenario', 15],
    ]);
    const field = rng.weighted(this.fieldWeights);
    const fieldCodes = [field.code];
    if (rng.chance(0.25)) {
      const other = rng.weighted(this.fieldWeights);
      if (other.code !== field.code) fieldCodes.push(other.code);
    }
    const orgs = this.orgsByField.get(field.code)!;
    const org = rng.pick(orgs);
    const hasTech = rng.chance(0.8);
    const object = rng.pick(field.objects);
    const process = rng.pick(field.processes);
    const techInTitle = hasTech && rng.chance(0.5);

    // Title
    let title: string;
    if (kind === 'scenario') {
      const place = rng.pick(['和林格尔县', '和林格尔新区', '盛乐经济园区', '县城', '示范园']);
      const suffix = rng.pick((techInTitle ? TECH_TITLE_SUFFIX : PLAIN_TITLE_SUFFIX).scenario);
      title = `${place}${object}${suffix}`;
    } else {
      const suffix = rng.pick((techInTitle ? TECH_TITLE_SUFFIX : PLAIN_TITLE_SUFFIX)[kind]);
      title = `${object}${process}${suffix}`;
    }
    if (field.latin && rng.chance(field.code === 'ai' ? 0.5 : 0.15))
      title = `${rng.pick(field.latin)} ${title}`;

    // Summary: problem or capability, target, one or two phrases.
    const parts: string[] = [];
    if (kind === 'demand')
      parts.push(fill(rng.pick(field.problems), rng), `目标：${fill(rng.pick(field.targets), rng)}`);
    else if (kind === 'achievement')
      parts.push(`本成果围绕${object}开展${process}研究`, `主要指标：${fill(rng.pick(field.targets), rng)}`);
    else parts.push(`拟在${object}领域开放${process}应用场景`, fill(rng.pick(field.problems), rng));
    if (hasTech) parts.push(rng.pick(TECH_PHRASES));
    parts.push(fill(rng.pick(PLAIN_PHRASES), rng));
    if (field.code !== 'dairy' && field.code !== 'probiotics' && rng.chance(0.03))
      parts.push(rng.pick(DAIRY_MENTIONS));
    if (field.code === 'ai' && rng.chance(0.3)) parts.push('提供AI模型训练和部署服务');
    for (const rare of RARE)
      if (rare.field === field.code && rng.chance(rare.p)) parts.push(fill(rare.sentence, rng));
    const summary = `${parts.join('，')}。`.slice(0, 600);

    // Detail: context, more specifics.
    const detailParts = [
      rng.pick(field.context),
      fill(rng.pick(field.problems), rng),
      fill(rng.pick(field.targets), rng),
    ];
    if (hasTech && rng.chance(0.5)) detailParts.push(rng.pick(TECH_PHRASES));
    detailParts.push(
      `${rng.pick(field.processes)}与${rng.pick(field.objects)}相结合`,
      fill(rng.pick(PLAIN_PHRASES), rng),
    );
    const detail = `${detailParts.join('。')}。`;

    const keywords = rng.sample([object, process, ...rng.sample(field.objects, 2)], rng.int(2, 4));
    const confidentiality = rng.weighted<Confidentiality>([
      ['public', 75],
      ['members', 20],
      ['staff', 5],
    ]);
    const publishedAt = new Date(this.now.getTime() - rng.int(0, 170 * 24 * 60) * 60_000);
    const expiresAt = new Date(publishedAt.getTime() + 180 * DAY);
    const row: Insertable<ListingTable> = {
      kind,
      status: 'published',
      organisation_id: org.id,
      title,
      summary: summary.length >= 10 ? summary : `${summary}（详见附件说明）`,
      detail,
      keywords,
      region: rng.chance(0.85) ? org.region : rng.weighted(REGION_WEIGHTS),
      confidentiality,
      submitted_at: new Date(publishedAt.getTime() - rng.int(1, 7) * DAY),
      published_at: publishedAt,
      expires_at: expiresAt,
      contact_name: '联系人',
      contact_phone: '0471-0000000',
    };
    if (kind === 'demand') {
      row.demand_type = rng.pick(DEMAND_TYPES);
      const max = rng.amount(5, 3000);
      row.budget_max_wan = max;
      row.budget_min_wan = rng.chance(0.6) ? Math.round(max * (0.3 + rng.float() * 0.5)) : null;
      row.cooperation_modes = rng.sample(DEMAND_MODES, rng.int(1, 3));
      row.deadline = new Date(expiresAt.getTime() + rng.int(0, 365) * DAY).toISOString().slice(0, 10);
    } else if (kind === 'achievement') {
      row.achievement_type = rng.pick(ACHIEVEMENT_TYPES);
      row.trl = rng.weighted([
        [1, 2],
        [2, 4],
        [3, 8],
        [4, 14],
        [5, 18],
        [6, 18],
        [7, 16],
        [8, 12],
        [9, 8],
      ]);
      row.price_negotiable = rng.chance(0.3);
      row.price_wan = row.price_negotiable && rng.chance(0.5) ? null : rng.amount(2, 5000);
      row.transfer_modes = rng.sample(TRANSFER_MODES, rng.int(1, 3));
      row.team = `${rng.pick(UNIVERSITIES)}${rng.pick(['团队', '课题组', '研发中心'])}`;
    } else {
      row.scenario_type = rng.pick(SCENARIO_TYPES);
      row.investment_wan = rng.amount(20, 50000);
      row.first_trial = rng.chance(0.3);
      row.issuing_unit = rng.pick(ISSUERS);
      row.cooperation_modes = rng.sample(SCENARIO_MODES, rng.int(1, 2));
    }
    return { row, fieldCodes };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Loading into the database

export interface GenerateOptions {
  n: number;
  seed?: number;
  now?: Date;
  batchSize?: number;
  /** Words whose document frequency (share of listings whose indexed text contains them) is counted. */
  countWords?: string[];
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateStats {
  listings: number;
  organisations: number;
  /** Per query string: listings whose indexed text holds every part of it (see `matcher`). */
  df: Record<string, number>;
  kinds: Record<string, number>;
}

/** Every space-separated part occurs (Chinese: as a substring; Latin: as a whole word, any case). */
function matcher(query: string): (text: string) => boolean {
  const tests = query
    .split(/\s+/)
    .filter(Boolean)
    .map((part): ((text: string) => boolean) => {
      if (/^[\x21-\x7e]+$/.test(part)) {
        const escaped = part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const re = new RegExp(`(^|[^A-Za-z])${escaped}($|[^A-Za-z])`, 'i');
        return (text) => re.test(text);
      }
      return (text) => text.includes(part);
    });
  return (text) => tests.every((t) => t(text));
}

/** Inserts organisations, then N published listings with their fields, in batches (default 1 000). */
export async function generateListings(
  db: Kysely<Database>,
  options: GenerateOptions,
): Promise<GenerateStats> {
  const { n, seed = DEFAULT_SEED, now = new Date(), batchSize = 1000 } = options;
  const fieldIds = new Map(
    (await db.selectFrom('field').select(['id', 'code']).execute()).map((f) => [f.code, f.id]),
  );
  for (const f of FIELDS)
    if (!fieldIds.has(f.code)) throw new Error(`field ${f.code} is missing: migrate first`);

  const orgCount = Math.max(FIELDS.length * 3, Math.round(n / 40));
  const orgs = generateOrganisations(orgCount, seed);
  const orgsByField = new Map<string, { id: number; region: string; type: OrganisationType }[]>();
  for (let i = 0; i < orgs.length; i += batchSize) {
    const chunk = orgs.slice(i, i + batchSize);
    const ids = await db
      .insertInto('organisation')
      .values(chunk.map((o) => o.row))
      .returning('id')
      .execute();
    chunk.forEach((o, j) => {
      const list = orgsByField.get(o.field) ?? [];
      list.push({ id: ids[j]!.id, region: o.row.region, type: o.row.type });
      orgsByField.set(o.field, list);
    });
    await db
      .insertInto('organisation_field')
      .values(chunk.map((o, j) => ({ organisation_id: ids[j]!.id, field_id: fieldIds.get(o.field)! })))
      .execute();
  }

  const factory = new ListingFactory(orgsByField, now, seed);
  const words = (options.countWords ?? []).map((w) => [w, matcher(w)] as const);
  const df: Record<string, number> = Object.fromEntries(words.map(([w]) => [w, 0]));
  const kinds: Record<string, number> = { demand: 0, achievement: 0, scenario: 0 };
  for (let done = 0; done < n; ) {
    const size = Math.min(batchSize, n - done);
    const batch: GeneratedListing[] = [];
    for (let i = 0; i < size; i++) batch.push(factory.next());
    for (const listing of batch) {
      kinds[listing.row.kind] = (kinds[listing.row.kind] ?? 0) + 1;
      const text = indexedText(listing);
      for (const [word, test] of words) if (test(text)) df[word] = (df[word] ?? 0) + 1;
    }
    // RETURNING of a multi-row VALUES insert comes back in VALUES order.
    const ids = await db
      .insertInto('listing')
      .values(batch.map((b) => b.row))
      .returning('id')
      .execute();
    await db
      .insertInto('listing_field')
      .values(
        batch.flatMap((b, j) =>
          b.fieldCodes.map((code) => ({ listing_id: ids[j]!.id, field_id: fieldIds.get(code)! })),
        ),
      )
      .execute();
    done += size;
    options.onProgress?.(done, n);
  }
  return { listings: n, organisations: orgCount, df, kinds };
}
