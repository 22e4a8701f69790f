import { type Logger, pino } from 'pino';

export type { Logger };

/** JSON lines on stdout; one logger per process, children per concern. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'helin-tech-market' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
