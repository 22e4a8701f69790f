/**
 * A stand-in for Meilisearch in the fault tests of the search sync (tests/faults/engine-timeout.test.ts): a tiny
 * node:http server on 127.0.0.1 and a random port that answers the few endpoints search/meilisearch.ts calls, keeps
 * the documents it was sent per index, and can be switched to misbehave:
 *
 * - `ok`: answers like Meilisearch — every write is an enqueued task that has succeeded by the time it is polled;
 *   POST /indexes, PATCH …/settings, POST …/documents (replace whole documents), POST …/documents/delete-batch,
 *   DELETE /indexes/:uid, POST /swap-indexes, GET /tasks/:uid, GET …/stats, POST …/search (every document, newest
 *   first, paged; no words, filters or facets — enough to count what arrived);
 * - `hang`: accepts the connection and the request and never answers (until close());
 * - `unavailable`: answers 503 with a Meilisearch-shaped error body.
 *
 * It is not Meilisearch: the contract suite (tests/contract/) runs against a real one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type MeiliStandInMode = 'ok' | 'hang' | 'unavailable';

type Doc = Record<string, unknown> & { id: number };

interface StandInTask {
  uid: number;
  indexUid: string | null;
  type: string;
  status: 'succeeded' | 'failed';
  error: { code: string; message: string; type: string; link: string } | null;
  enqueuedAt: string;
}

export interface MeilisearchStandIn {
  url: string;
  mode: MeiliStandInMode;
  /** Every request, with the status it was answered with (null: never answered). */
  requests: { method: string; path: string; status: number | null }[];
  /** The documents of an index as the writes left them (empty when the index does not exist). */
  documents(indexUid?: string): Map<number, Doc>;
  close(): Promise<void>;
}

export async function startMeilisearchStandIn(): Promise<MeilisearchStandIn> {
  const indexes = new Map<string, Map<number, Doc>>();
  const tasks = new Map<number, StandInTask>();
  const hanging = new Set<http.ServerResponse>();
  let nextTask = 1;

  function send(res: http.ServerResponse, record: { status: number | null }, status: number, body: unknown) {
    record.status = status;
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  /** Applies a write at once and answers with its (already finished) task, as Meilisearch's 202 does. */
  function task(indexUid: string | null, type: string, apply: () => StandInTask['error']): unknown {
    const uid = nextTask++;
    const error = apply();
    const enqueuedAt = new Date().toISOString();
    tasks.set(uid, { uid, indexUid, type, status: error ? 'failed' : 'succeeded', error, enqueuedAt });
    return { taskUid: uid, indexUid, status: 'enqueued', type, enqueuedAt };
  }

  const failure = (code: string, message: string) => ({ code, message, type: 'invalid_request', link: '' });
  const ensure = (uid: string) => {
    let docs = indexes.get(uid);
    if (!docs) {
      docs = new Map();
      indexes.set(uid, docs);
    }
    return docs;
  };

  function route(method: string, path: string, body: unknown): [number, unknown] {
    const taskMatch = /^\/tasks\/(\d+)$/.exec(path);
    if (method === 'GET' && taskMatch) {
      const found = tasks.get(Number(taskMatch[1]));
      return found ? [200, found] : [404, failure('task_not_found', 'task not found')];
    }
    if (method === 'POST' && path === '/indexes') {
      const { uid } = body as { uid: string };
      return [
        202,
        task(uid, 'indexCreation', () => {
          if (indexes.has(uid)) return failure('index_already_exists', `Index \`${uid}\` already exists.`);
          indexes.set(uid, new Map());
          return null;
        }),
      ];
    }
    if (method === 'POST' && path === '/swap-indexes') {
      const [swap] = body as { indexes: [string, string] }[];
      return [
        202,
        task(null, 'indexSwap', () => {
          const [a, b] = swap?.indexes ?? ['', ''];
          const docsA = indexes.get(a);
          const docsB = indexes.get(b);
          if (!docsA || !docsB) return failure('index_not_found', 'index not found');
          indexes.set(a, docsB);
          indexes.set(b, docsA);
          return null;
        }),
      ];
    }
    const indexMatch = /^\/indexes\/([^/]+)(\/.*)?$/.exec(path);
    if (!indexMatch) return [404, failure('not_found', `no route ${method} ${path}`)];
    const uid = decodeURIComponent(indexMatch[1] ?? '');
    const rest = indexMatch[2] ?? '';
    if (method === 'DELETE' && rest === '') {
      return [
        202,
        task(uid, 'indexDeletion', () =>
          indexes.delete(uid) ? null : failure('index_not_found', `Index \`${uid}\` not found.`),
        ),
      ];
    }
    if (method === 'PATCH' && rest === '/settings') {
      return [
        202,
        task(uid, 'settingsUpdate', () => {
          ensure(uid);
          return null;
        }),
      ];
    }
    if (method === 'POST' && rest === '/documents') {
      return [
        202,
        task(uid, 'documentAdditionOrUpdate', () => {
          const docs = ensure(uid);
          for (const doc of body as Doc[]) docs.set(doc.id, doc);
          return null;
        }),
      ];
    }
    if (method === 'POST' && rest === '/documents/delete-batch') {
      return [
        202,
        task(uid, 'documentDeletion', () => {
          const docs = ensure(uid);
          for (const id of body as number[]) docs.delete(Number(id));
          return null;
        }),
      ];
    }
    const docs = indexes.get(uid);
    if (!docs) return [404, failure('index_not_found', `Index \`${uid}\` not found.`)];
    if (method === 'GET' && rest === '/stats') {
      return [200, { numberOfDocuments: docs.size, isIndexing: false, fieldDistribution: {} }];
    }
    if (method === 'POST' && rest === '/search') {
      const { page = 1, hitsPerPage = 20 } = (body ?? {}) as { page?: number; hitsPerPage?: number };
      const all = [...docs.values()].sort(
        (a, b) => Number(b.published_at_ts ?? 0) - Number(a.published_at_ts ?? 0),
      );
      return [
        200,
        {
          hits: all.slice((page - 1) * hitsPerPage, page * hitsPerPage),
          totalHits: all.length,
          totalPages: Math.ceil(all.length / hitsPerPage),
          page,
          hitsPerPage,
          facetDistribution: {},
          processingTimeMs: 0,
          query: '',
        },
      ];
    }
    return [404, failure('not_found', `no route ${method} ${path}`)];
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const method = req.method ?? 'GET';
      const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
      const record = { method, path, status: null as number | null };
      standIn.requests.push(record);
      if (standIn.mode === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (standIn.mode === 'unavailable') {
        return send(res, record, 503, failure('unavailable', 'stand-in: Meilisearch is unavailable'));
      }
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return send(res, record, 400, failure('malformed_payload', 'not JSON'));
      }
      const [status, payload] = route(method, path, body);
      send(res, record, status, payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const standIn: MeilisearchStandIn = {
    url: `http://127.0.0.1:${port}`,
    mode: 'ok',
    requests: [],
    documents: (indexUid = 'listings') => new Map(indexes.get(indexUid) ?? []),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standIn;
}
