import { zhCN } from '../i18n/zh-CN.ts';

/* Dates in the county's time zone, so the server and the browser render the same text. */
const TIME_ZONE = 'Asia/Shanghai';
const textDate = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});
const isoParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const wanNumber = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

function toDate(value: string | Date): Date {
  // A bare 'YYYY-MM-DD' is a calendar date: read it at noon in Beijing so no time zone moves it.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return new Date(`${value}T12:00:00+08:00`);
  return value instanceof Date ? value : new Date(value);
}

/** 2026年11月26日 — dates in running text. */
export function formatDate(value: string | Date): string {
  return textDate.format(toDate(value));
}

/** 2026-11-26 — dates in tables and lists. */
export function formatDateIso(value: string | Date): string {
  return isoParts.format(toDate(value));
}

export function formatWan(amount: number): string {
  return zhCN.money.wan(wanNumber.format(amount));
}

export function formatBudget(min: number | null, max: number | null): string | null {
  if (min !== null && max !== null) {
    return min === max ? formatWan(max) : zhCN.money.range(wanNumber.format(min), wanNumber.format(max));
  }
  if (max !== null) return zhCN.money.upTo(wanNumber.format(max));
  if (min !== null) return zhCN.money.from(wanNumber.format(min));
  return null;
}

export function formatPrice(price: number | null, negotiable: boolean): string | null {
  if (negotiable) return zhCN.money.negotiable;
  return price === null ? null : formatWan(price);
}

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** 2026/11/26 14:05 — timestamps in tables (audit log, sessions). */
export function formatDateTime(value: string | Date): string {
  return dateTime.format(toDate(value));
}
