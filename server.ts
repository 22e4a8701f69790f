/**
 * The web process: serves the Remix build, runs the background worker loop, answers /healthz and
 * /readyz, logs JSON lines, and shuts down cleanly on SIGTERM/SIGINT (closing the database).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { ConfigError, loadConfig } from './app/server/config.ts';
import type { AppContext } from './app/server/context.ts';
import { prepareDatabase } from './app/server/database.ts';
import { checkReadiness } from './app/server/health.ts';
import { createLogger } from './app/server/logger.ts';
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
const context: AppContext = { db: dbHandle.db, config, logger };

const isProduction = config.NODE_ENV === 'production';
const viteDevServer = isProduction
  ? undefined
  : await import('vite').then((vite) => vite.createServer({ server: { middlewareMode: true } }));

const app = express();
app.disable('x-powered-by');
app.use(compression());

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

const build = viteDevServer
  ? () => viteDevServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>
  : ((await import(pathToFileURL(path.resolve('build/server/index.js')).href)) as ServerBuild);

app.all(
  '*',
  createRequestHandler({
    build,
    mode: config.NODE_ENV,
    getLoadContext: () => context,
  }),
);

const worker = startWorker({
  db: dbHandle.db,
  logger: logger.child({ part: 'worker' }),
  tasks: workerTasks,
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
