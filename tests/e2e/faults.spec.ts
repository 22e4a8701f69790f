import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  freePort,
  type PrivatePostgres,
  postgresBinDir,
  startPrivatePostgres,
} from '../support/private-postgres.ts';

/*
 * PostgreSQL restarts under load (docs/reliability.md "Faults"). A private PostgreSQL cluster (initdb into a temp
 * folder, its own port — never the machine's shared server) and the built server (production mode, the build made by
 * the Playwright web server) on it, with its worker loop; eight clients request pages, the API, the search and
 * /readyz in a loop while the database is restarted (`pg_ctl restart -m fast`) and then stopped for a few seconds and
 * started again. While it is down every request must end cleanly — 503 with Retry-After and a Chinese message (JSON
 * under /api/), /readyz 503 — none may hang (15 s client timeout) or find the server gone; once it is back
 * everything answers 200 again without restarting the app. Figures are printed as a "[faults] …" line.
 *
 * Run alone: npx playwright test tests/e2e/faults.spec.ts (builds first, like every e2e run).
 */

const CLIENTS = 8;
const REQUEST_TIMEOUT_MS = 15_000;
const OUTAGE_MS = 4_000;

interface Sample {
  url: string;
  start: number;
  ms: number;
  /** HTTP status; 0 = no answer (network error or client timeout). */
  status: number;
  retryAfter: string | null;
  body: string;
  error?: string;
}

function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      LANG: 'C.UTF-8',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SECURE_COOKIES: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, context = () => '') {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test.describe('PostgreSQL restarts under load', () => {
  test.skip(
    !postgresBinDir(),
    'needs the PostgreSQL server binaries (initdb, pg_ctl; Debian: apt-get install postgresql, or set PG_BIN)',
  );

  test('requests fail cleanly (503, Retry-After) while the database is down and recover without an app restart', async () => {
    test.setTimeout(240_000);
    let pg: PrivatePostgres | undefined;
    let server: ReturnType<typeof startServer> | undefined;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-e2e-faults-'));
    try {
      pg = await startPrivatePostgres();
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      server = startServer({ PORT: String(port), DATABASE_URL: pg.url(), DATA_DIR: dataDir });
      const app = server;
      // First start: migrations and the demo data.
      await waitUntil(
        'the server to be ready',
        async () => (await fetch(`${base}/readyz`)).ok,
        120_000,
        () => app.output(),
      );
      const list = (await (await fetch(`${base}/api/v1/listings?per_page=1`)).json()) as {
        data: { id: number }[];
      };
      const id = list.data[0]!.id;
      const urls = [
        '/',
        '/demands',
        `/listings/${id}`,
        `/search?q=${encodeURIComponent('乳清')}`,
        '/api/v1/listings?per_page=5',
        `/api/v1/listings/${id}`,
        `/api/v1/search?q=${encodeURIComponent('益生菌')}`,
        '/readyz',
      ];
      for (const url of urls) expect((await fetch(base + url)).status, url).toBe(200);

      const samples: Sample[] = [];
      let running = true;
      let next = 0;
      const t0 = Date.now();
      async function client() {
        while (running) {
          const url = urls[next++ % urls.length]!;
          const start = Date.now();
          try {
            const response = await fetch(base + url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
            const body = await response.text();
            samples.push({
              url,
              start: start - t0,
              ms: Date.now() - start,
              status: response.status,
              retryAfter: response.headers.get('retry-after'),
              body: response.status === 200 ? '' : body,
            });
          } catch (error) {
            samples.push({
              url,
              start: start - t0,
              ms: Date.now() - start,
              status: 0,
              retryAfter: null,
              body: '',
              error: String((error as Error).message),
            });
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      }
      const clients = Array.from({ length: CLIENTS }, () => client());
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const at = () => Date.now() - t0;

      // 1. Steady load, then a restart as an operator does it (pg_ctl restart -m fast: sessions ended at once).
      await sleep(3_000);
      const restartFrom = at();
      await pg.restart('fast');
      const restartTo = at();
      await sleep(4_000);

      // 2. A real outage: stopped for a few seconds, requests keep coming.
      const stopFrom = at();
      await pg.stop('fast');
      const downFrom = at();
      // A form post while the database is down: the action answers 503 as well.
      const post = await fetch(`${base}/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base },
        body: 'email=admin%40helin-demo.cn&password=wrong-password',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const postBody = await post.text();
      await sleep(OUTAGE_MS);
      const downTo = at();
      await pg.start();
      const upAt = at();

      // 3. Recovery: every URL answers 200 again, with no restart of the app.
      const recovered = new Map<string, number>();
      await waitUntil(
        'every URL to answer 200 again',
        async () => {
          for (const s of samples) {
            if (s.start >= upAt && s.status === 200 && !recovered.has(s.url))
              recovered.set(s.url, s.start + s.ms);
          }
          return recovered.size === urls.length;
        },
        30_000,
      );
      const recoveredAt = at();
      await sleep(3_000);
      running = false;
      await Promise.all(clients);
      const steadyFrom = recoveredAt;

      // Never a hang or a lost connection; the server process lives on.
      expect(samples.filter((s) => s.status === 0)).toEqual([]);
      expect(app.child.exitCode).toBeNull();
      // Every answer is a 200 or a clean 503: Retry-After, and a Chinese message (JSON under /api/).
      expect(samples.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([]);
      const failed = samples.filter((s) => s.status === 503);
      for (const s of failed) {
        expect(s.retryAfter, s.url).toBe(s.url === '/readyz' ? null : '5');
        if (s.url === '/readyz')
          expect(JSON.parse(s.body)).toMatchObject({ ready: false, database: 'unreachable' });
        else if (s.url.startsWith('/api/'))
          expect(JSON.parse(s.body).error.message).toContain('数据库暂时无法访问');
        else expect(s.body).toContain('数据库暂时无法访问');
      }
      expect(post.status).toBe(503);
      expect(postBody).toContain('数据库暂时无法访问');
      // While it was down every request failed, cleanly; there were such requests.
      const whileDown = samples.filter((s) => s.start >= downFrom && s.start + s.ms <= downTo);
      expect(whileDown.length).toBeGreaterThan(0);
      expect(whileDown.every((s) => s.status === 503)).toBe(true);
      // After recovery: everything 200.
      const after = samples.filter((s) => s.start >= steadyFrom);
      expect(after.length).toBeGreaterThan(0);
      expect(after.filter((s) => s.status !== 200)).toEqual([]);

      const duringRestart = samples.filter(
        (s) => s.start + s.ms >= restartFrom && s.start <= restartTo + 1_000,
      );
      const maxMs = (list: Sample[]) => list.reduce((m, s) => Math.max(m, s.ms), 0);
      process.stdout.write(
        `[faults] ${JSON.stringify({
          check: 'PostgreSQL restart and outage under load',
          clients: CLIENTS,
          requests: samples.length,
          ok: samples.filter((s) => s.status === 200).length,
          served503: failed.length,
          otherFailures: samples.filter((s) => s.status !== 200 && s.status !== 503).length,
          restartFastMs: restartTo - restartFrom,
          restart503: duringRestart.filter((s) => s.status === 503).length,
          outageMs: downTo - stopFrom,
          outageRequests: whileDown.length,
          outageMax503Ms: maxMs(whileDown),
          recoveryToAllUrlsMs: Math.max(...recovered.values()) - upAt,
          recoveryFirst200Ms: Math.min(...recovered.values()) - upAt,
          maxRequestMs: maxMs(samples),
          requestsAfterRecovery: after.length,
        })}\n`,
      );
    } catch (error) {
      if (server) {
        await test.info().attach('server-output.txt', { body: server.output(), contentType: 'text/plain' });
      }
      throw error;
    } finally {
      if (server && server.child.exitCode === null) {
        const exited = new Promise((resolve) => server?.child.once('exit', resolve));
        server.child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        if (server.child.exitCode === null) server.child.kill('SIGKILL');
      }
      await pg?.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
