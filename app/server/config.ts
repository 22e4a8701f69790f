import { z } from 'zod';

/**
 * Configuration is read once at boot from the environment and validated here.
 * A bad value stops the process with a message that names the variable (see server.ts).
 * Documented in README.md ("配置" table) — keep the two in step.
 */
const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  WORKER: z.enum(['on', 'off']).default('on'),
  WORKER_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(500),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** The site's own origin (https://kjcg.helin.gov.cn); CSRF checks compare Origin with it. Default: the Host. */
  PUBLIC_ORIGIN: z.url().optional(),
  /** Secure + __Host- cookie and HSTS. Default: on in production. */
  SECURE_COOKIES: z.enum(['on', 'off']).optional(),
  /** Express "trust proxy": how many proxies in front set X-Forwarded-For (0 = none). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(120),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Meilisearch (production search engine); unset: the embedded engine inside PostgreSQL. */
  MEILI_URL: z.url().optional(),
  MEILI_API_KEY: z.string().min(1).optional(),
  MEILI_INDEX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/)
    .default('listings'),
  /** Longest wait for one Meilisearch request (search, write, task poll); a timeout fails it (indexing retries). */
  MEILI_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** SMTP relay for outgoing mail (smtp://user:pass@host:587); unset: mails are written to DATA_DIR/mail. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('和林技术市场 <noreply@helin-tech-market.local>'),
  /** How long a listing stays published after approval or renewal. */
  LISTING_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** Sign-in attempts allowed per IP address and per account in 15 minutes (then 429 with Retry-After). */
  LOGIN_LIMIT_PER_IP: z.coerce.number().int().min(1).max(100_000).default(30),
  LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).max(100_000).default(10),
  /** How many days a listing's organisation has to answer an expression of interest (reminded 48 h before). */
  INTEREST_RESPONSE_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** 蒙科聚 push sync endpoint (docs/mengkeju.md); unset: records stay pending and nothing is sent. */
  MKJ_SYNC_URL: z
    .url()
    .refine(isSyncUrl, 'must be an https:// URL (http:// only for localhost or 127.0.0.1)')
    .optional(),
  /** Bearer token for MKJ_SYNC_URL (required when it is set); printable ASCII, no spaces. */
  MKJ_SYNC_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{1,4096}$/, 'must be printable ASCII without spaces')
    .optional(),
  /** Longest wait for one push request; a batch must fit in the outbox lease (60 s), hence at most 30 s. */
  MKJ_SYNC_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
});

function isSyncUrl(value: string): boolean {
  // Zod runs refinements after a failed z.url() too: an unparsable value is reported by z.url() alone.
  if (!URL.canParse(value)) return true;
  const url = new URL(value);
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose value never appears in an error message (it would end up in the logs). */
const SECRET = /_TOKEN$|_API_KEY$/;

/** Empty strings count as unset, so `PORT=` in a shell behaves like no PORT at all. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(unknown)'),
        message: SECRET.test(String(issue.path[0]))
          ? issue.message
          : `${issue.message} (got ${JSON.stringify(cleaned[String(issue.path[0])] ?? null)})`,
      })),
    );
  }
  if (parsed.data.MKJ_SYNC_URL && !parsed.data.MKJ_SYNC_TOKEN) {
    throw new ConfigError([{ variable: 'MKJ_SYNC_TOKEN', message: 'is required when MKJ_SYNC_URL is set' }]);
  }
  if (parsed.data.WORKER === 'off' && !parsed.data.DATABASE_URL) {
    throw new ConfigError([
      {
        variable: 'WORKER',
        message: 'must be "on" with the embedded database (PGlite is one process; run the worker inside it)',
      },
    ]);
  }
  return parsed.data;
}

export function secureCookies(config: Config): boolean {
  return (config.SECURE_COOKIES ?? (config.NODE_ENV === 'production' ? 'on' : 'off')) === 'on';
}
