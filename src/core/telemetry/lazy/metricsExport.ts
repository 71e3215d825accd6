// The OpenTelemetry side of the team view, loaded only when a way out is on (a lazy module: see
// scripts/build.mjs): the SDK's instruments behind the feed's sink, pushed over OTLP/HTTP to a
// collector, and/or served on `/metrics` for Prometheus to scrape. One MeterProvider per way out:
// each has its reader, and Prometheus' gets the histogram under its Prometheus name with the unit
// suffix a Collector would add (`_seconds`), so a dashboard reads the same names either way.
//
// A collector that is down or slow never holds anything up: at most one export is in flight (the
// next is skipped, not queued: the counters are cumulative, so the next export that gets through
// carries everything), after a failure the exports back off (the interval, doubled each time, up to
// 10 minutes), each request times out, and the log says it once, then once again when it is back.
import { createServer, type Server } from 'node:http';
import type { Attributes as OtelAttributes, Counter, Meter } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { MetricsAddress } from '../config';
import { ATTRIBUTES, EPISODE_DURATION_BUCKETS_S, METRICS, TRACKER_STATES, type Attributes, type GaugeReading, type MetricsSink } from '../names';

export interface MetricsExportOptions {
  /** The collector's OTLP/HTTP metrics URL, or null. */
  otlpUrl: string | null;
  /** Sent with every export (auth), from the environment. */
  otlpHeaders: Record<string, string>;
  exportIntervalMs: number;
  /** Where to serve `/metrics`, or null. */
  prometheus: MetricsAddress | null;
  /** The extension's or CLI's version: `service.version`. */
  version: string;
  reading: () => GaugeReading;
  /** On the gauges as on every other measurement (`team.member`, when set). */
  baseAttributes: Attributes;
  log: { info(message: string): void; warn(message: string): void };
}

export interface MetricsExport {
  sink: MetricsSink;
  /** `http://HOST:PORT/metrics` once listening (the port bound, when 0 was asked), or null. */
  prometheusUrl: string | null;
  /** Ends both ways out; the last OTLP export is tried, for at most `deadlineMs`. */
  shutdown(deadlineMs?: number): Promise<void>;
}

/** Why a way out could not start (the port is taken, the host is not this machine's): said at start. */
export class MetricsStartError extends Error {}

const MAX_BACKOFF_MS = 10 * 60_000;
const MAX_REQUEST_MS = 10_000;
const SHUTDOWN_DEADLINE_MS = 2_000;

export async function startMetricsExport(options: MetricsExportOptions): Promise<MetricsExport> {
  // Our own attributes only: no host name, process path or user from the SDK's resource detectors.
  const resource = resourceFromAttributes({ 'service.name': 'claude-api-watch', 'service.version': options.version });
  const providers: MeterProvider[] = [];
  let server: Server | null = null;
  let prometheusUrl: string | null = null;
  const sinks: Instruments[] = [];

  if (options.prometheus) {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({
      resource,
      readers: [exporter],
      views: [{ instrumentName: METRICS.episodeDuration.name, name: METRICS.episodeDuration.prometheus }],
    });
    providers.push(provider);
    const scraped = instrumentsOf(provider.getMeter('claude-api-watch', options.version), options.reading, options.baseAttributes, true);
    sinks.push(scraped);
    server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
      } else if (path === '/metrics') {
        response.once('finish', () => scraped.collected());
        exporter.getMetricsRequestHandler(request, response);
      } else {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Claude API Watch serves its metrics on /metrics\n');
      }
    });
    server.unref();
    prometheusUrl = await listen(server, options.prometheus);
  }

  if (options.otlpUrl) {
    const exporter = new GuardedExporter(
      new OTLPMetricExporter({
        url: options.otlpUrl,
        headers: options.otlpHeaders,
        timeoutMillis: Math.min(MAX_REQUEST_MS, options.exportIntervalMs),
        temporalityPreference: AggregationTemporality.CUMULATIVE,
        concurrencyLimit: 1,
      }),
      options.otlpUrl,
      options.exportIntervalMs,
      options.log,
    );
    const reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: options.exportIntervalMs,
      exportTimeoutMillis: Math.min(MAX_REQUEST_MS + 1_000, options.exportIntervalMs),
    });
    const provider = new MeterProvider({ resource, readers: [reader] });
    providers.push(provider);
    sinks.push(instrumentsOf(provider.getMeter('claude-api-watch', options.version), options.reading, options.baseAttributes, false));
  }

  // Nothing global is set (no global MeterProvider, no diag logger): an extension host shares
  // OpenTelemetry's globals with every other extension.

  return {
    sink: {
      failure: (attributes) => sinks.forEach((sink) => sink.failure(attributes)),
      retry: (attributes) => sinks.forEach((sink) => sink.retry(attributes)),
      episodeStarted: (attributes) => sinks.forEach((sink) => sink.episodeStarted(attributes)),
      episodeEnded: (seconds, attributes) => sinks.forEach((sink) => sink.episodeEnded(seconds, attributes)),
      incidentMatched: (attributes) => sinks.forEach((sink) => sink.incidentMatched(attributes)),
    },
    prometheusUrl,
    shutdown: async (deadlineMs = SHUTDOWN_DEADLINE_MS) => {
      const closing = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve();
      server?.closeAllConnections();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
        timer.unref();
      });
      await Promise.race([Promise.allSettled([closing, ...providers.map((provider) => provider.shutdown())]), deadline]);
      clearTimeout(timer);
    },
  };
}

function listen(server: Server, address: MetricsAddress): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const where = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
      const why =
        error.code === 'EADDRINUSE'
          ? 'the port is in use (another watch, or another exporter?)'
          : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
            ? 'that address is not one of this machine'
            : error.code === 'EACCES'
              ? 'not allowed (ports below 1024 need privileges)'
              : error.message;
      reject(new MetricsStartError(`cannot serve metrics on ${where}: ${why}`));
    };
    server.once('error', fail);
    server.listen({ host: address.host, port: address.port }, () => {
      server.off('error', fail);
      const bound = server.address();
      const port = typeof bound === 'object' && bound !== null ? bound.port : address.port;
      const host = address.host.includes(':') ? `[${address.host}]` : address.host;
      resolve(`http://${host}:${port}/metrics`);
    });
  });
}

interface Instruments extends MetricsSink {
  /** A collection (a scrape) has taken what was recorded: counts held back for new series go in now. */
  collected(): void;
}

/** Distinct label sets a counter can have is small (classes × statuses × families); past this, counts go in at once. */
const MAX_NEW_SERIES_PENDING = 1_000;

/**
 * The instruments of one provider, behind the feed's sink; the gauges read the session when collected.
 *
 * `startAtZero` (for Prometheus): a counter series is born at 0 and its first count lands after
 * the next scrape. Prometheus' `increase()` and `rate()` see a change between two samples only, so
 * a series whose first sample is already 1 would hide the first failure of each kind on each
 * machine, which is often the only one. OTLP carries each series' start time: no need there.
 */
function instrumentsOf(meter: Meter, reading: () => GaugeReading, base: Attributes, startAtZero: boolean): Instruments {
  const failures = meter.createCounter(METRICS.failures.name, {
    unit: METRICS.failures.unit,
    description: 'Requests Claude Code gave up on (final API failures), by class, status and family',
  });
  const retries = meter.createCounter(METRICS.retries.name, {
    unit: METRICS.retries.unit,
    description: 'Failed API attempts Claude Code retried, by class, status and family',
  });
  const episodes = meter.createCounter(METRICS.episodes.name, {
    unit: METRICS.episodes.unit,
    description: 'Episodes begun: runs of failures and retries of one family, each less than the quiet period after the last',
  });
  const duration = meter.createHistogram(METRICS.episodeDuration.name, {
    unit: METRICS.episodeDuration.unit,
    description: 'How long each episode lasted, first to last failure or retry, by family and incident match',
    advice: { explicitBucketBoundaries: EPISODE_DURATION_BUCKETS_S },
  });
  const incidents = meter.createCounter(METRICS.incidentMatches.name, {
    unit: METRICS.incidentMatches.unit,
    description: "Episodes during an unresolved incident on Anthropic's status page, by family and the incident's impact",
  });
  const state = meter.createObservableGauge(METRICS.state.name, {
    unit: METRICS.state.unit,
    description: 'The state the status bar shows: 1 for the current one (healthy, retrying, failing, recovered), 0 for the others',
  });
  const affected = meter.createObservableGauge(METRICS.affectedSessions.name, {
    unit: METRICS.affectedSessions.unit,
    description: 'Claude Code sessions failing or retrying now',
  });
  state.addCallback((result) => {
    const now = reading();
    for (const candidate of TRACKER_STATES) result.observe(candidate === now.state ? 1 : 0, { ...base, [ATTRIBUTES.state]: candidate });
  });
  affected.addCallback((result) => {
    const now = reading();
    result.observe(now.affectedSessions, { ...base });
  });
  const born = new Set<string>();
  let pending = new Map<string, { counter: Counter; attributes: OtelAttributes; count: number }>();
  const count = (counter: Counter, name: string, attributes: Attributes) => {
    const key = name + JSON.stringify(attributes);
    const held = pending.get(key);
    if (held) {
      held.count++;
    } else if (!startAtZero || born.has(key) || born.size >= MAX_NEW_SERIES_PENDING) {
      counter.add(1, attributes as OtelAttributes);
    } else {
      born.add(key);
      counter.add(0, attributes as OtelAttributes);
      pending.set(key, { counter, attributes: attributes as OtelAttributes, count: 1 });
    }
  };
  return {
    failure: (attributes) => count(failures, METRICS.failures.name, attributes),
    retry: (attributes) => count(retries, METRICS.retries.name, attributes),
    episodeStarted: (attributes) => count(episodes, METRICS.episodes.name, attributes),
    episodeEnded: (seconds, attributes) => duration.record(seconds, attributes as OtelAttributes),
    incidentMatched: (attributes) => count(incidents, METRICS.incidentMatches.name, attributes),
    collected: () => {
      const due = pending;
      pending = new Map();
      for (const { counter, attributes, count: n } of due.values()) counter.add(n, attributes);
    },
  };
}

/**
 * The OTLP exporter, made harmless when the collector is not there: one export at a time, none
 * queued, backing off after failures, and each outage of the collector said once in the log.
 */
class GuardedExporter implements PushMetricExporter {
  readonly #inner: OTLPMetricExporter;
  readonly #url: string;
  readonly #intervalMs: number;
  readonly #log: MetricsExportOptions['log'];
  #busy = false;
  #failures = 0;
  #retryAt = 0;

  constructor(inner: OTLPMetricExporter, url: string, intervalMs: number, log: MetricsExportOptions['log']) {
    this.#inner = inner;
    this.#url = url;
    this.#intervalMs = intervalMs;
    this.#log = log;
  }

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    const now = Date.now();
    // Skipped, not queued, and not an error for the SDK to report: the next export carries the totals.
    if (this.#busy || now < this.#retryAt) {
      done({ code: ExportResultCode.SUCCESS });
      return;
    }
    this.#busy = true;
    this.#inner.export(metrics, (result) => {
      this.#busy = false;
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.#failures > 0) this.#log.info(`Team telemetry: the collector at ${this.#url} takes metrics again`);
        this.#failures = 0;
        this.#retryAt = 0;
      } else {
        this.#failures++;
        const backoff = Math.min(MAX_BACKOFF_MS, this.#intervalMs * 2 ** Math.min(this.#failures - 1, 16));
        this.#retryAt = Date.now() + backoff;
        if (this.#failures === 1) {
          const why = result.error?.message ?? 'no answer';
          this.#log.warn(`Team telemetry: cannot send metrics to ${this.#url} (${why}); watching goes on, and sending is tried again less and less often (up to every 10 minutes)`);
        }
      }
      done({ code: ExportResultCode.SUCCESS });
    });
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.#inner.selectAggregationTemporality(instrumentType);
  }
}
