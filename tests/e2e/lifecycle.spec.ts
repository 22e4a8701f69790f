import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * The server process itself: configuration errors, the embedded database's one-process lock, and a clean
 * shutdown on SIGTERM. Uses the build made by the Playwright web server, on its own port and data folder.
 */

function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', DATABASE_URL: '', ...env },
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

function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => reject(new Error('process did not exit in time')), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function waitReady(port: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('server not ready in time');
}

test('a bad configuration value stops the server with a message naming the variable', async () => {
  const { child, output } = startServer({ PORT: 'abc' });
  expect(await exitOf(child, 20_000)).toBe(78);
  expect(output()).toContain('PORT');
});

test('one process per embedded data folder; SIGTERM shuts down cleanly and frees the folder', async () => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-e2e-life-'));
  const port = 3190;
  const first = startServer({ PORT: String(port), DATA_DIR: dataDir, SEED_DEMO: 'never' });
  try {
    await waitReady(port, 90_000);
    const lines = first
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg?.startsWith('listening on'))).toBe(true);

    const second = startServer({ PORT: String(port + 1), DATA_DIR: dataDir, SEED_DEMO: 'never' });
    expect(await exitOf(second.child, 30_000)).toBe(1);
    expect(second.output()).toContain('in use by process');

    first.child.kill('SIGTERM');
    expect(await exitOf(first.child, 15_000)).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');
    expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
  } finally {
    if (first.child.exitCode === null) first.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
