// An OTLP/HTTP metrics receiver on 127.0.0.1 for tests: it decodes what an exporter really sends
// (OTLP's JSON encoding: ExportMetricsServiceRequest), keeps every request's headers and every
// connection, and can refuse, hang or answer an error on purpose.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
}

export interface OtlpDataPoint {
  attributes?: OtlpAttribute[];
  asInt?: number | string;
  asDouble?: number;
  count?: number | string;
  sum?: number;
  bucketCounts?: (number | string)[];
  explicitBounds?: number[];
}

export interface OtlpMetric {
  name: string;
  unit?: string;
  description?: string;
  sum?: { dataPoints: OtlpDataPoint[]; isMonotonic?: boolean; aggregationTemporality?: number };
  gauge?: { dataPoints: OtlpDataPoint[] };
  histogram?: { dataPoints: OtlpDataPoint[]; aggregationTemporality?: number };
}

export interface OtlpExport {
  resourceMetrics: { resource?: { attributes?: OtlpAttribute[] }; scopeMetrics: { scope?: { name?: string }; metrics: OtlpMetric[] }[] }[];
}

export interface ReceivedExport {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: OtlpExport;
}

export interface OtlpReceiver {
  url: string;
  exports: ReceivedExport[];
  /** TCP connections accepted, answered or not. */
  connections: number;
  close(): Promise<void>;
}

export type ReceiverMode = 'ok' | 'hang' | 'error503';

export async function startOtlpReceiver(mode: ReceiverMode = 'ok'): Promise<OtlpReceiver> {
  const exports: ReceivedExport[] = [];
  const receiver = { url: '', exports, connections: 0, close: async () => undefined } as OtlpReceiver;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (mode === 'hang') return;
      if (mode === 'error503') {
        response.writeHead(503).end();
        return;
      }
      const type = request.headers['content-type'] ?? '';
      if (!type.startsWith('application/json')) {
        response.writeHead(415).end();
        return;
      }
      exports.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.on('connection', () => receiver.connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** Every metric of one export, by name. */
export function metricsOf(body: OtlpExport): Map<string, OtlpMetric> {
  const found = new Map<string, OtlpMetric>();
  for (const resource of body.resourceMetrics) for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) found.set(metric.name, metric);
  return found;
}

/** A data point's attributes as a plain object. */
export function attributesOf(point: { attributes?: OtlpAttribute[] }): Record<string, string | number | boolean> {
  const plain: Record<string, string | number | boolean> = {};
  for (const { key, value } of point.attributes ?? []) {
    const raw = value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
    if (raw !== undefined) plain[key] = typeof raw === 'string' && value.intValue !== undefined ? Number(raw) : raw;
  }
  return plain;
}

export function valueOf(point: OtlpDataPoint): number {
  return Number(point.asInt ?? point.asDouble ?? point.count ?? 0);
}
