/**
 * Helpers of the fault tests (tests/faults/*.test.ts): throwaway PostgreSQL databases cloned from the templates of
 * tests/support/global-setup.ts, the worker as a real child process (`node --import tsx app/server/cli/worker.ts`,
 * what `npm run worker` runs), and polling. Every child started here is killed by killWorkers() (call it in
 * afterEach / afterAll), so a failing test leaves no process behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import { createDb, type DbHandle } from '../../db/client.ts';
import { adminUrl, dropDatabase, runId, withAdmin } from '../support/postgres-admin.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** How to run the tests that need PostgreSQL, for the name of the skipped test. */
export const HOW_TO_RUN =
  'needs PostgreSQL (two processes cannot share PGlite): ' +
  'DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx vitest run --project faults';

export interface ThrowawayDatabase {
  url: string;
  handle: DbHandle;
  /** Closes the handle and drops the database (with force: a killed worker's sessions may linger). */
  drop(): Promise<void>;
}

/** A new database on the DATABASE_URL server, cloned from the migrated or the seeded template. */
export async function cloneDatabase(template: 'migrated' | 'seeded'): Promise<ThrowawayDatabase> {
  const templates = inject('dbTemplates');
  if (templates.kind !== 'postgres') throw new Error('cloneDatabase needs DATABASE_URL');
  const name = `helin_fault_${runId()}`;
  await withAdmin(templates.url, async (admin) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${templates[template]}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !String((error as Error).message).includes('being accessed')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  });
  const url = adminUrl(templates.url, name);
  const handle = await createDb({ databaseUrl: url, poolMax: 4 });
  return {
    url,
    handle,
    async drop() {
      await handle.close();
      await withAdmin(templates.url, (admin) => dropDatabase(admin, name));
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the process has ended: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote (JSON log lines), for failure messages. */
  output(): string;
}

const running = new Set<ChildProcess>();

/**
 * Starts `app/server/cli/worker.ts` as its own process with a clean environment (NODE_ENV=production, PATH and HOME
 * of ours) plus `env` (DATABASE_URL, DATA_DIR, SMTP_URL…). WORKER_INTERVAL_MS defaults to 100 (the smallest allowed).
 */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/server/cli/worker.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      LANG: 'C.UTF-8',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      WORKER_INTERVAL_MS: '100',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, exited, output: () => output };
}

/** Kills (SIGKILL) every worker process still running; waits for them to end. */
export async function killWorkers(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(
    children.map((child) =>
      child.exitCode !== null || child.signalCode !== null
        ? undefined
        : new Promise((resolve) => child.once('exit', resolve)),
    ),
  );
}

/** Polls `probe` until it returns a value other than undefined; throws `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; context?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${options.context ? `\n${options.context()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}
