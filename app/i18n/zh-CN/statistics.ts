/**
 * Strings of the statistics (issue 8): the public page /statistics (数据统计), the bureau dashboard
 * /bureau/dashboard (统计与评价), its evaluation export and the charts' summaries. Part of the one dictionary:
 * app/i18n/zh-CN.ts merges it as `zhCN.statistics`. The definitions of every number: docs/statistics.md.
 */
const STALE_MATCH_NOTE = '对接状态为进行中（未完成、未婉拒、未撤回），且最近一次对接事件距今已满';

export const statisticsZh = {
  nav: '数据统计',
  title: '数据统计',
  lead: '平台信息发布、对接和技术合同的实时统计，按北京时间统计，金额单位为万元。每张图表下方附有同样数字的数据表。',
  generatedAt: (time: string) => `统计时间：${time}`,
  unit: { item: '项', match: '个', wan: '万元', hour: '小时', minute: '分钟', edition: '期' },
  /** "12 项" — a count with its unit. */
  count: (n: number, unit: string) => `${n} ${unit}`,
  separator: '，',
  listSeparator: '、',
  none: '—',

  period: {
    legend: '统计期间',
    from: '起始月份',
    to: '结束月份',
    quarterField: '按季度',
    custom: '自定义期间（按月份）',
    submit: '查看',
    reset: '近12个月',
    hint: '月份格式为 2026-03；选择季度时以所选季度为准。',
    month: (year: number, month: number) => `${year}年${month}月`,
    quarter: (year: number, quarter: number) => `${year}年第${quarter}季度`,
    range: (from: string, to: string) => (from === to ? from : `${from}至${to}`),
    current: (label: string) => `统计期间：${label}`,
    partial: '（部分）',
    partialNote: '标有“（部分）”的季度只统计落在统计期间内的月份。',
  },
  errors: {
    month: '请按“年-月”格式填写月份，如 2026-03',
    quarter: '请选择列表中的季度，如 2026年第3季度',
    order: '结束月份不能早于起始月份',
    future: '月份不能晚于本月',
    tooLong: (months: number) => `统计期间最长为${months}个月`,
    range: '月份须在2000年至2100年之间',
    invalid: '统计期间填写有误，以下按近12个月显示。',
    badPeriod: '统计期间填写有误，请检查起始月份和结束月份。',
  },

  chart: {
    table: '数据表',
    empty: '暂无数据。',
    /** The aria-label of a chart: its title, then the summary sentence. */
    label: (title: string, summary: string) => `${title}图表。${summary}详细数字见图表下方的数据表。`,
  },

  live: {
    heading: '在架信息',
    lead: '当前已发布且在有效期内的信息。',
    total: '在架信息合计',
    byKind: '在架信息（按类型）',
    byField: '在架信息（按产业领域）',
    byFieldNote: '一条信息可以属于多个产业领域，各领域数量之和可能大于合计。',
    kind: '类型',
    field: '产业领域',
    chainAction: '产业链',
    count: '数量（项）',
    summary: (parts: string) => `共有${parts}。`,
  },
  newPerMonth: {
    heading: '每月新发布信息',
    chart: '每月新发布信息（按类型）',
    note: '按信息首次审核发布的时间（北京时间）计入当月；续期和修改后重新发布不重复计入。',
    month: '月份',
    total: '合计',
    summary: (total: number, max: string | null) =>
      max === null
        ? `统计期间内新发布信息共 ${total} 项。`
        : `统计期间内新发布信息共 ${total} 项，最多的是${max}。`,
  },
  matches: {
    heading: '对接项目',
    byState: '对接项目（按当前状态）',
    total: '对接项目合计',
    state: '状态',
    count: '数量（个）',
    note: '全部对接项目（来自对接意向或技术经理人推荐）按当前状态统计，不受统计期间影响。',
    summary: (total: number, parts: string) => `共 ${total} 个对接项目：${parts}。`,
  },
  contracts: {
    heading: '技术合同',
    perQuarter: '技术合同金额（按季度，万元）',
    quarter: '季度',
    signedCount: '签订合同（项）',
    signedAmount: '合同金额（万元）',
    registeredCount: '登记合同（项）',
    registeredAmount: '核定技术交易额（万元）',
    series: { signed: '合同金额', registered: '核定技术交易额' },
    note: '合同金额按合同签订日期计入季度，核定技术交易额按技术合同登记日期计入季度。',
    total: '合计',
    summary: (signed: string, registered: string) =>
      `统计期间内签订技术合同金额合计${signed}，核定技术交易额合计${registered}。`,
  },
  editions: {
    heading: '场景供需清单',
    perYear: '每年发布的供需清单期数',
    year: '年份',
    count: '发布期数',
    yearLabel: (year: number) => `${year}年`,
    note: '按每期清单的发布时间（北京时间）所在年份统计，不受统计期间影响。',
    summary: (total: number) => `已发布供需清单共 ${total} 期。`,
  },

  dashboard: {
    title: '统计与评价',
    tileLead: '对接漏斗、意向答复时间、逾期事项、待更新信息，技术经理人和服务机构评价及导出。',
    lead: '按统计期间查看对接成效；逾期事项和待更新信息按当前时间统计。技术经理人和服务机构评价只根据平台工作记录计算。',
    publicPage: '公开的数据统计页',
    definitions: '统计口径',
    funnel: {
      heading: '对接漏斗',
      chart: '对接漏斗（统计期间内各阶段数量）',
      stage: {
        published: '新发布信息',
        interests: '收到对接意向',
        accepted: '达成对接',
        contracts: '签订技术合同',
        registered: '完成合同登记',
      },
      stageHeader: '阶段',
      count: '数量',
      fromPrevious: '与上一阶段之比',
      fromFirst: '与首阶段之比',
      note:
        '各阶段分别统计本期间内发生的事项：新发布信息按首次发布时间，对接意向按提交时间，达成对接按双方均已接受的时间，' +
        '技术合同按签订日期，合同登记按登记日期。比值是同一期间内相邻阶段数量之比，不是同一批对接的转化率，可能超过100%。',
      summary: (parts: string) => `统计期间内${parts}。`,
    },
    response: {
      heading: '意向答复时间',
      median: '答复用时中位数',
      answered: '期间内答复的意向',
      onTime: '在答复期限内答复',
      hours: (hours: string) => `${hours} 小时`,
      days: (days: string) => `约 ${days} 天`,
      none: '统计期间内没有答复的意向。',
      note: '统计期间内作出答复（接受或婉拒）的意向，答复用时 = 答复时间 − 提交时间；撤回和尚未答复的不计入。',
    },
    overdue: {
      heading: '逾期事项',
      note: '按当前时间统计，不受统计期间影响。',
      interests: '超过答复期限未答复的意向',
      interestsNone: '没有超过答复期限的意向。',
      matches: (days: number) => `超过${days}天没有进展的对接`,
      matchesNone: '没有长期停滞的对接。',
      matchesNote: (days: number) => `${STALE_MATCH_NOTE}${days}天。`,
      listing: '信息',
      owner: '发布单位',
      received: '收到时间',
      respondBy: '答复期限',
      overdueDays: '逾期天数',
      match: '对接',
      matchTitle: (id: number) => `对接 #${id}`,
      state: '状态',
      manager: '技术经理人',
      unassigned: '未分配',
      lastEvent: '最近进展',
      idleDays: '停滞天数',
      shown: (shown: number, total: number) =>
        shown < total ? `共 ${total} 条，以下显示最早的 ${shown} 条。` : `共 ${total} 条。`,
    },
    stale: {
      heading: '待更新的信息',
      lead: (expiryDays: number, idleDays: number) =>
        `在架信息中${expiryDays}天内到期、或超过${idleDays}天没有更新的，请提醒发布单位续期或更新。`,
      none: '没有待更新的信息。',
      listing: '信息',
      kind: '类型',
      owner: '发布单位',
      expiresAt: '到期日期',
      updatedAt: '最近更新',
      reason: '原因',
      expiring: '即将到期',
      notUpdated: '长期未更新',
      total: (n: number) => `待更新信息共 ${n} 条`,
    },
    league: {
      managers: '技术经理人评价',
      agencies: '服务机构评价',
      note: '只根据平台工作记录计算（对接项目、对接事件和活动日志），按核定技术交易额、再按签订合同数从高到低排列。',
      rank: '排名',
      name: '姓名',
      grade: '等级',
      agency: '所属服务机构',
      agencyName: '服务机构',
      rating: '机构等级',
      managerCount: '技术经理人数',
      matches: '服务对接数',
      contracts: '签订合同数',
      registered: '核定技术交易额（万元）',
      enterprises: '服务企业数',
      response: '响应用时中位数（小时）',
      responses: '响应样本数',
      minutes: '记录工时（分钟）',
      none: '暂无技术经理人。',
      noAgencies: '暂无服务机构。',
    },
    export: '导出评价数据（.xlsx）',
  },

  grade: { junior: '初级', intermediate: '中级', senior: '高级' },
  rating: { level1: '一级', level2: '二级' },

  xlsx: {
    sheet: { managers: '技术经理人', agencies: '服务机构', notes: '说明' },
    title: '技术经理人和服务机构评价数据',
    fileName: (from: string, to: string) => `技术经理人和服务机构评价-${from}至${to}`,
    notes: {
      item: '项目',
      value: '说明',
      period: '统计期间',
      periodValue: (label: string, from: string, to: string) => `${label}（${from} 至 ${to}，含首尾两日）`,
      generated: '导出时间',
      timeZone: '时区',
      timeZoneValue: '北京时间（UTC+8），日期和月份均按北京时间划分',
      source: '数据来源',
      sourceValue: '和林格尔县科技成果转化对接平台的工作记录（对接项目、对接事件、活动日志）',
      order: '排序',
      orderValue: '按核定技术交易额从高到低，相同时按签订合同数，再按服务对接数',
    },
  },

  /** What each evaluation figure counts (the dashboard's 统计口径 and the export's 说明 sheet). */
  definitions: [
    [
      '服务对接数',
      '技术经理人负责（对接的技术经理人）或推荐（推荐人）的对接项目中，统计期间内至少有一条对接事件（含创建）的项目数。',
    ],
    [
      '签订合同数',
      '技术经理人负责或推荐的对接项目中，合同签订日期在统计期间内的项目数（不论该项目现在的状态）。',
    ],
    [
      '核定技术交易额',
      '技术经理人负责或推荐的对接项目中，技术合同登记日期在统计期间内的核定技术交易额之和（万元）。',
    ],
    ['服务企业数', '计入“服务对接数”的项目中，需求方或成果方为企业的不同单位数。'],
    [
      '响应用时中位数',
      '技术经理人推荐对接（推荐时间）或接手、被分配对接（最近一次分配时间）之后，到其本人第一次记录对接事件或活动日志的时间（小时）的中位数；' +
        '只统计起点在统计期间内、且已有响应的项目。',
    ],
    ['记录工时', '技术经理人本人记录的活动日志中，活动日期在统计期间内的时长之和（分钟）。'],
    [
      '服务机构',
      '所属技术经理人（技术经理人档案中的服务机构）数据的汇总：同一项目只计一次，响应用时取全部样本的中位数，工时相加。',
    ],
  ] as const,
} as const;
