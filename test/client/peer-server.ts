/**
 * A scripted OCPI peer for client tests: a real `node:http` server on 127.0.0.1, port 0, that
 * records every request and answers with whatever the test's handler says.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the handler returns: a status, a body (objects are sent as JSON), headers; or 'hang'. */
export type Reply =
  | { status?: number; body?: unknown; raw?: string; headers?: Record<string, string> }
  | 'hang'
  | 'destroy';

export interface PeerServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** An OCPI success envelope around `data`. */
export function ok(data?: unknown, status = 200): Reply {
  return {
    status,
    body: { ...(data === undefined ? {} : { data }), status_code: 1000, timestamp: '2024-05-01T10:00:00Z' },
  };
}

/** An OCPI error envelope. */
export function fail(statusCode: number, message: string, httpStatus = 200, data?: unknown): Reply {
  return {
    status: httpStatus,
    body: {
      ...(data === undefined ? {} : { data }),
      status_code: statusCode,
      status_message: message,
      timestamp: '2024-05-01T10:00:00Z',
    },
  };
}

function send(res: ServerResponse, reply: Exclude<Reply, 'hang' | 'destroy'>): void {
  const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  res.writeHead(reply.status ?? 200, {
    'Content-Type': reply.raw === undefined ? 'application/json' : 'text/html',
    ...reply.headers,
  });
  res.end(text);
}

export async function startPeer(
  handler: (request: RecordedRequest, index: number) => Reply | Promise<Reply>,
): Promise<PeerServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const reply = await handler(recorded, requests.length - 1);
      if (reply === 'hang') return; // never answers; close() cuts the connection
      if (reply === 'destroy') {
        req.socket.destroy();
        return;
      }
      send(res, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
