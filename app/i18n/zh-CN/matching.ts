/**
 * The Chinese strings of the matching modules (app/features/matching/*): labels of match states, actions,
 * actors, sides, contract types, interest statuses and decline reasons; form messages; recommendation
 * reasons. Code values are the keys; functions build the sentences that carry a value.
 */
export const matchingZh = {
  state: {
    proposed: '待双方确认',
    accepted: '双方已接受',
    negotiating: '洽谈中',
    contract_signed: '已签订合同',
    registered: '合同已登记',
    in_execution: '执行中',
    closed: '已完成',
    declined: '已婉拒',
    withdrawn: '已撤回',
  },
  action: {
    accept: '接受对接',
    start_negotiation: '开始洽谈',
    sign_contract: '签订合同',
    register: '登记合同',
    start_execution: '开始执行',
    close: '完成结项',
    decline: '婉拒',
    withdraw: '撤回',
  },
  actor: {
    party: '对接方',
    manager: '技术经理人',
    staff: '科技局工作人员',
    system: '系统',
  },
  side: { need: '需求方', offer: '成果方' },
  /** 民法典 technology contract categories. */
  contractType: {
    development: '技术开发',
    transfer: '技术转让',
    license: '技术许可',
    consulting: '技术咨询',
    service: '技术服务',
  },
  interestStatus: {
    pending: '待回复',
    accepted: '已接受',
    declined: '已婉拒',
    withdrawn: '已撤回',
  },
  /** Shown beside a pending interest whose response deadline has passed (computed, not a status). */
  overdue: '已超过回复期限',
  declineReason: {
    not_fit: '不符合需求',
    immature: '技术不成熟',
    price: '价格不合适',
    has_partner: '已有合作方',
    insufficient_info: '信息不足',
    other: '其他',
  },
  /** Messages of the refusals of `decide` (match-state.ts), one per code. */
  decideError: {
    not_allowed_from_state: (state: string, action: string) => `当前状态“${state}”不能执行“${action}”`,
    actor_not_allowed: (actor: string, action: string) => `${actor}无权执行“${action}”`,
    already_accepted: (side: string) => `${side}已接受此对接，请等待对方确认`,
  },
  form: {
    interest: {
      messageRequired: '请填写意向说明',
      messageTooShort: '意向说明至少10个字，请说明您能提供什么或需要什么',
      messageTooLong: '意向说明不能超过1000个字',
    },
    decline: {
      reasonRequired: '请选择婉拒原因',
      textRequired: '选择“其他”时请填写具体原因',
      textTooShort: '具体原因至少5个字',
      textTooLong: '具体原因不能超过500个字',
    },
    contract: {
      typeRequired: '请选择合同类型',
      amountRequired: '请填写合同金额（万元）',
      signedOnRequired: '请填写合同签订日期',
      signedOnFuture: '签订日期不能晚于今天',
    },
    registration: {
      numberRequired: '请填写技术合同登记号',
      numberInvalid: '登记号应为16位数字：4位年份、6位登记地区代码、6位流水号',
      certifiedAmountRequired: '请填写核定技术交易额（万元）',
      registeredOnRequired: '请填写登记日期',
      registeredOnFuture: '登记日期不能晚于今天',
      registeredBeforeSigned: '登记日期不能早于合同签订日期',
      officeRequired: '请填写登记机构',
      officeTooShort: '登记机构名称至少2个字',
      officeTooLong: '登记机构名称不能超过60个字',
    },
    amountInvalid: '请填写数字（单位：万元），最多两位小数',
    amountPositive: '金额须大于0',
    amountTooLarge: '金额不能超过1,000,000万元',
    dateInvalid: '请按“年-月-日”格式填写日期，如 2026-11-26',
  },
  /** Short names of the transfer / cooperation modes (db/schema.ts MODES) used in recommendation reasons. */
  modeShort: {
    transfer: '转让',
    license: '许可',
    equity: '作价投资',
    joint_development: '合作开发',
    commissioned: '委托开发',
    service: '技术服务',
    consulting: '技术咨询',
    self: '自行实施',
  },
  /** What a region string must contain to count as local (recommend-score.ts locality). */
  locality: { county: '和林格尔', city: '呼和浩特' },
  /** Joins items in running text. */
  separator: '、',
  /** Reasons of a recommendation (recommend-score.ts); each is a short phrase. */
  reason: {
    keywords: (words: string) => `关键词：${words}`,
    textRelated: '内容描述相近',
    sameField: (fields: string) => `同属${fields}领域`,
    trlMeetsPilot: (trl: number) => `技术就绪度${trl}级满足中试需求`,
    trlMeetsNeed: (trl: number, min: number) => `技术就绪度${trl}级满足需求（不低于${min}级）`,
    priceWithinBudget: '报价在预算之内',
    priceNegotiable: '价格可面议',
    modeMatch: (modes: string) => `转化方式匹配：${modes}`,
    modeRelated: (modes: string) => `转化方式相近：${modes}`,
    localCounty: '本县单位',
    localCity: '呼和浩特市单位',
    fresh: '近30天内发布',
  },
  /** The recommendations panel (components/recommendations.tsx). */
  recommend: {
    heading: '推荐匹配',
    intro: {
      demand: '以下科技成果与本需求较为匹配，按匹配度从高到低排列。',
      scenario: '以下科技成果与本场景较为匹配，按匹配度从高到低排列。',
      achievement: '以下技术需求和应用场景与本成果较为匹配，按匹配度从高到低排列。',
    },
    score: (score: number) => `匹配度 ${Math.round(score)}`,
    scoreLabel: (score: number) => `匹配度${Math.round(score)}分（满分100分）`,
    reasons: '推荐理由：',
    reasonSeparator: ' · ',
    empty: '暂无合适的推荐。补充关键词、产业领域和转化方式后，推荐会更准确。',
    unpublished: '信息发布后，这里将显示与之匹配的推荐。',
  },
} as const;
