/**
 * A stand-in for 蒙科聚 (Mengkeju, Inner Mongolia's provincial technology-transfer platform) in the tests of the
 * push sync (app/features/mkj/sync-task.server.ts): a tiny node:http server on 127.0.0.1 and a random port that
 * plays the receiving end of MKJ_SYNC_URL as docs/mengkeju.md "Push sync" describes it.
 *
 * - It records every request (method, path, Authorization header, parsed JSON body) and whether it accepted it.
 * - It checks the bearer token: a wrong or missing one gets 401.
 * - It can be told what to do with the next requests: fail N times (500), time out (never answer until the server
 *   closes), or reject (400). Otherwise it accepts with 200 and `{ mkj_id, url }` (or what `reply` returns).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
  /** The status the stand-in answered with; null when it never answered (timeout). */
  status: number | null;
}

export type StandInMode = 'fail' | 'timeout' | 'reject';

export interface MengkejuStandIn {
  /** http://127.0.0.1:<port>/api/county-sync */
  url: string;
  token: string;
  requests: StandInRequest[];
  /** The requests it accepted (2xx). */
  accepted(): StandInRequest[];
  /** The next `times` requests get `mode` (500, no answer, 400); later ones are accepted again. */
  next(mode: StandInMode, times?: number): void;
  /** What an accepted request is answered with (default: `{ mkj_id: 'MKJ-<TYPE>-<id>', url }`). */
  reply: (body: { type?: string; id?: number }) => Record<string, unknown> | string;
  reset(): void;
  close(): Promise<void>;
}

export const STAND_IN_PATH = '/api/county-sync';

export function defaultReply(body: { type?: string; id?: number }): Record<string, unknown> {
  const id = `MKJ-${String(body.type ?? 'record').toUpperCase()}-TEST-${body.id ?? 0}`;
  return { mkj_id: id, url: `https://www.mengkeju.example/records/${id}` };
}

export async function startMengkejuStandIn(token = 'stand-in-token-helin') {
  const requests: StandInRequest[] = [];
  let queue: StandInMode[] = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      const record: StandInRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
        status: null,
      };
      requests.push(record);
      const answer = (status: number, payload: unknown) => {
        record.status = status;
        res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      if (req.method !== 'POST' || req.url !== STAND_IN_PATH) return answer(404, { error: 'not found' });
      if (req.headers.authorization !== `Bearer ${token}`) return answer(401, { error: 'invalid token' });
      const mode = queue.shift();
      if (mode === 'timeout') {
        hanging.add(res);
        return;
      }
      if (mode === 'fail') return answer(500, { error: 'internal error' });
      if (mode === 'reject') return answer(400, { error: 'record rejected: missing field' });
      return answer(200, standIn.reply(body as { type?: string; id?: number }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const standIn: MengkejuStandIn = {
    url: `http://127.0.0.1:${port}${STAND_IN_PATH}`,
    token,
    requests,
    accepted: () => requests.filter((r) => r.status !== null && r.status >= 200 && r.status < 300),
    next(mode, times = 1) {
      queue.push(...Array.from({ length: times }, () => mode));
    },
    reply: defaultReply,
    reset() {
      requests.length = 0;
      queue = [];
      standIn.reply = defaultReply;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standIn;
}
