/**
 * The web process: serves the Remix build, runs the background worker loop, answers /healthz and
 * /readyz, logs JSON lines, and shuts down cleanly on SIGTERM/SIGINT (closing the database).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { prepareSearch } from './app/features/search/search.server.ts';
import { zhCN } from './app/i18n/zh-CN.ts';
import { ConfigError, loadConfig, secureCookies } from './app/server/config.ts';
import type { AppContext } from './app/server/context.ts';
import { isCrossSiteRequest } from './app/server/csrf.ts';
import { prepareDatabase } from './app/server/database.ts';
import { checkReadiness } from './app/server/health.ts';
import { createLogger } from './app/server/logger.ts';
import { withDatabaseUnavailable } from './app/server/unavailable.ts';
import { startWorker, workerTasks } from './app/server/worker.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

const logger = createLogger(config.LOG_LEVEL);
const bootStarted = Date.now();
const dbHandle = await prepareDatabase(config, logger).catch((error: unknown) => {
  logger.fatal({ err: error }, 'database could not be prepared');
  process.exit(1);
});

const search = await prepareSearch(dbHandle.db, config, logger).catch(async (error: unknown) => {
  logger.fatal({ err: error }, 'search engine could not be prepared');
  await dbHandle.close();
  process.exit(1);
});

const isProduction = config.NODE_ENV === 'production';
const viteDevServer = isProduction
  ? undefined
  : await import('vite').then((vite) => vite.createServer({ server: { middlewareMode: true } }));

const app = express();
app.disable('x-powered-by');
app.set('trust proxy', config.TRUST_PROXY);
// Brotli (chosen for browsers) with a 256 KB window instead of zlib's 4 MB: the pages are far smaller, so the output
// is the same, but setting up the large window cost ≈ 7 ms of CPU per response under load (docs/reliability.md).
app.use(compression({ brotli: { params: { [zlib.constants.BROTLI_PARAM_LGWIN]: 18 } } }));

// Security headers. Scripts: only the site's own, plus Remix's inline scripts carrying this request's nonce.
app.use((_req, res, next) => {
  res.locals.cspNonce = crypto.randomBytes(16).toString('base64');
  next();
});
app.use(
  helmet({
    contentSecurityPolicy: isProduction
      ? {
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
            styleSrc: ["'self'"],
            imgSrc: ["'self'", 'data:'],
            connectSrc: ["'self'"],
            formAction: ["'self'"],
            frameAncestors: ["'none'"],
            baseUri: ["'self'"],
            objectSrc: ["'none'"],
            upgradeInsecureRequests: secureCookies(config) ? [] : null,
          },
        }
      : false,
    strictTransportSecurity: secureCookies(config) ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  }),
);

// Probes stay outside the request log and the Remix handler.
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
});
app.get('/readyz', async (_req, res) => {
  const readiness = await checkReadiness(dbHandle.db);
  res.status(readiness.ready ? 200 : 503).json(readiness);
});

if (viteDevServer) {
  app.use(viteDevServer.middlewares);
} else {
  // Fingerprinted build output: cache for a year; everything else in public/: an hour.
  app.use('/assets', express.static('build/client/assets', { immutable: true, maxAge: '1y' }));
  app.use(express.static('build/client', { maxAge: '1h' }));
}

app.use(
  pinoHttp({
    logger,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }),
);

// Loaders and actions answer 503 with Retry-After (not 500) while the database cannot be reached.
const build = viteDevServer
  ? () =>
      (viteDevServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>).then(
        withDatabaseUnavailable,
      )
  : withDatabaseUnavailable(
      (await import(pathToFileURL(path.resolve('build/server/index.js')).href)) as ServerBuild,
    );

// CSRF: every state-changing request must come from the site's own pages (on top of SameSite cookies).
app.use((req, res, next) => {
  const siteOrigin = config.PUBLIC_ORIGIN ?? `${req.protocol}://${req.get('host')}`;
  if (
    isCrossSiteRequest({
      method: req.method,
      origin: req.get('origin'),
      secFetchSite: req.get('sec-fetch-site'),
      siteOrigin,
    })
  ) {
    logger.warn({ origin: req.get('origin'), path: req.path }, 'cross-site request refused');
    res.status(403).type('text/plain; charset=utf-8').send(zhCN.accounts.errors.csrf);
    return;
  }
  next();
});

app.all(
  '*',
  createRequestHandler({
    build,
    mode: config.NODE_ENV,
    getLoadContext: (req, res): AppContext => ({
      db: dbHandle.db,
      config,
      logger,
      search,
      clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      cspNonce: res.locals.cspNonce as string,
    }),
  }),
);

const worker = startWorker({
  db: dbHandle.db,
  search,
  logger: logger.child({ part: 'worker' }),
  tasks: workerTasks(config),
  intervalMs: config.WORKER_INTERVAL_MS,
});

const server = app.listen(config.PORT, config.HOST ?? '::', () => {
  logger.info(
    { port: config.PORT, db: dbHandle.kind, bootMs: Date.now() - bootStarted, mode: config.NODE_ENV },
    `listening on http://localhost:${config.PORT}`,
  );
});

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    logger.error('shutdown timed out, exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  force.unref();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await worker.stop();
  await viteDevServer?.close();
  await dbHandle.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
