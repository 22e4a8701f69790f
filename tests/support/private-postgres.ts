/**
 * A private PostgreSQL cluster for the fault tests that stop and restart the database server
 * (tests/e2e/faults.spec.ts): `initdb` into a temporary folder, `pg_ctl start` on a free port of 127.0.0.1 with trust
 * authentication, fsync off (throwaway data). Never the machine's shared PostgreSQL — that one is not touched.
 *
 * The binaries come from PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian's layout). PostgreSQL
 * refuses to run as root, so as root the cluster runs as the `postgres` user (spawn with its uid and gid).
 * `destroy()` stops the server (immediate) and removes the folder; call it in a finally / afterAll.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PrivatePostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** `pg_ctl stop` (`fast` ends the sessions at once, as a restart by an operator does). */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** `pg_ctl restart -m <mode>`: stop, then start again with the same options. */
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server if it runs and removes its folder. Safe to call twice. */
  destroy(): Promise<void>;
  /** The server's log (for failure messages). */
  log(): string;
}

/** The folder of initdb / pg_ctl, or undefined when PostgreSQL's server binaries are not installed. */
export function postgresBinDir(): string | undefined {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return fs.existsSync(path.join(fromEnv, 'initdb')) ? fromEnv : undefined;
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** uid/gid of the `postgres` user when this process is root (PostgreSQL will not run as root). */
function runAs(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function run(bin: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    // pg_ctl start leaves the server running with our pipes open: its output goes to the log file (-l) instead.
    const child = spawn(bin, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${path.basename(bin)} ${args.join(' ')} exited with ${code}: ${output}`));
    });
  });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (set PG_BIN to the folder of initdb)');
  const user = runAs();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-private-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'postgres.log');
  if (user) fs.chownSync(root, user.uid, user.gid);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${root}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=50',
  ].join(' ');
  let running = false;
  let destroyed = false;

  const pgCtl = (args: string[]) =>
    run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-w', '-t', '60', ...args], user);

  const cluster: PrivatePostgres = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop(mode = 'fast') {
      await pgCtl(['-m', mode, 'stop']);
      running = false;
    },
    async start() {
      await pgCtl(['-l', logFile, '-o', options, 'start']);
      running = true;
    },
    async restart(mode = 'fast') {
      await pgCtl(['-l', logFile, '-m', mode, '-o', options, 'restart']);
      running = true;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (running) await pgCtl(['-m', 'immediate', 'stop']).catch(() => undefined);
      fs.rmSync(root, { recursive: true, force: true });
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
  };

  try {
    await run(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
      user,
    );
    await cluster.start();
    return cluster;
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}
