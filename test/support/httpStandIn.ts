// Local HTTP stand-ins for tests: 127.0.0.1 only, an OS-chosen port, every request recorded.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface StandIn {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request received so far, oldest first. */
  requests: RecordedRequest[];
  /** Stops listening and drops open connections (including ones left hanging on purpose). */
  close(): Promise<void>;
}

/** What a handler decides: a response to send, or `'hang'` to never answer. */
export type StandInReply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export async function startStandIn(handle: (request: RecordedRequest) => StandInReply): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    requests.push(recorded);
    req.resume();
    const reply = handle(recorded);
    if (reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.body ?? '');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens (a port just released), for connection-refused cases. */
export async function closedPortUrl(): Promise<string> {
  const standIn = await startStandIn(() => ({ status: 204 }));
  await standIn.close();
  return standIn.url;
}
