/**
 * Strings of the notifications (issue 7): the header link, the inbox (/account/notices), the mail preferences
 * (/account/notifications), the kinds' labels and the mail footer. Part of the one dictionary: app/i18n/zh-CN.ts
 * merges it as `zhCN.notifications`.
 */
export const notificationsZh = {
  header: {
    label: '消息',
    /** Read after the label by screen readers: “消息（3条未读）”. */
    unread: (n: number) => `（${n}条未读）`,
    badge: (n: number) => (n > 99 ? '99+' : String(n)),
  },
  inbox: {
    title: '消息',
    lead: '平台发给您的提醒：对接意向、答复期限、对接进展和发布信息的状态。',
    empty: '暂无消息。',
    summary: (total: number, unread: number) => `共 ${total} 条消息，其中 ${unread} 条未读。`,
    unread: '未读',
    time: '时间',
    open: '查看详情',
    markRead: '标为已读',
    markAllRead: '全部标为已读',
    markedRead: '已标为已读。',
    allMarkedRead: (n: number) => (n > 0 ? `已将 ${n} 条消息标为已读。` : '没有未读消息。'),
    preferences: '邮件提醒设置',
  },
  preferences: {
    title: '邮件提醒设置',
    lead: (email: string) =>
      `站内消息总会送达“消息”页面；勾选的类型还会同时发送邮件到 ${email}。新账户默认全部发送邮件。`,
    legend: '以下类型的提醒同时发送邮件',
    submit: '保存',
    saved: '保存成功',
    inbox: '返回消息',
  },
  /** Every notification kind: what it is called and when it comes. */
  kinds: {
    'listing.expiring': {
      label: '发布信息即将到期',
      description: '您单位发布的信息到期前14天提醒续期。',
    },
    'interest.received': {
      label: '收到对接意向',
      description: '有单位对您单位发布的信息表达了对接意向，需要在答复期限内接受或婉拒。',
    },
    'interest.due': {
      label: '意向答复期限将至',
      description: '收到的对接意向即将超过答复期限，请及时答复。',
    },
    'interest.overdue': {
      label: '意向答复已逾期',
      description: '收到的对接意向已超过答复期限仍未答复。',
    },
    'interest.accepted': {
      label: '意向已被接受',
      description: '您表达的对接意向被对方接受，对接随即开始。',
    },
    'interest.declined': {
      label: '意向已被婉拒',
      description: '您表达的对接意向被对方婉拒，附婉拒原因。',
    },
    'match.proposed': {
      label: '收到对接推荐',
      description: '技术经理人为您单位的信息推荐了对接方，需要您确认。',
    },
    'match.state': {
      label: '对接进展',
      description: '您参与的对接状态有变化，如进入洽谈、签订合同、完成登记、婉拒或撤回。',
    },
    'match.assigned': {
      label: '对接分派',
      description: '您被指派为一项对接的技术经理人。',
    },
    'edition.schedule-failed': {
      label: '清单定时发布未成功',
      description: '您定时发布的场景供需清单到时没有可发布的条目，已退回草稿。',
    },
    'listing.approve': {
      label: '发布信息审核通过',
      description: '您单位提交的信息通过审核并已公开发布（仅站内消息）。',
    },
    'listing.reject': {
      label: '发布信息未通过审核',
      description: '您单位提交的信息未通过审核，附审核意见（仅站内消息）。',
    },
  },
  /** A kind stored by an older version that this one no longer knows. */
  otherKind: '其他消息',
  mail: {
    link: (url: string) => `查看详情：${url}`,
    footer: (label: string) => `您收到这封邮件，是因为开启了“${label}”邮件提醒。`,
    switchOff: (url: string) => `不想再收到此类邮件，可在此关闭：${url}`,
    switchOffNoLink: '不想再收到此类邮件，可登录后在“我的账户 → 邮件提醒设置”中关闭。',
    scheduleFailedSubject: (title: string) => `清单定时发布未成功：${title}`,
  },
  account: {
    noUnread: '没有未读消息。',
    inbox: '查看全部消息',
    preferences: '邮件提醒设置',
  },
  errors: {
    unknownIntent: '无法识别的操作，请刷新页面后重试。',
    invalidNotice: '消息编号无效。',
    unknownKind: '未知的提醒类型。',
    invalidPage: '页码须为正整数。',
  },
} as const;
