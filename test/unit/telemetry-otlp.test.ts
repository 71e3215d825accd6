// The team view's OTLP/HTTP path, end to end in one process: the real OpenTelemetry SDK and
// exporter (the lazy module) push to a receiver on 127.0.0.1 that decodes the OTLP JSON payload.
// What goes out: the counts by class, status and family, episodes, the state, incident matches,
// the auth headers from the environment, `team.member` when set, and no request ID, path, project
// or session. A collector that is down or hangs: watching goes on, one line in the log, exports
// back off. Off: nothing is loaded and nothing is sent.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { realSchedule, type Disposable } from '../../src/core/events';
import type { AnthropicStatus } from '../../src/core/health/statusPage';
import type { TranscriptSourceOptions } from '../../src/core/session/transcriptSource';
import type { SessionState } from '../../src/core/session/watchSession';
import { parseOtlpEndpoint } from '../../src/core/telemetry/config';
import { TeamTelemetry } from '../../src/core/telemetry/teamTelemetry';
import type { ApiEvent, ApiFailureEvent } from '../../src/core/types';
import { failureAt, retryAt } from '../fixtures/events';
import { closedPortUrl } from '../support/httpStandIn';
import { attributesOf, metricsOf, startOtlpReceiver, valueOf, type OtlpReceiver, type ReceivedExport } from '../support/otlpReceiver';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

interface Harness {
  telemetry: TeamTelemetry;
  /** What the session downstream of the tee received, in order. */
  delivered: ApiEvent[];
  emit(event: ApiEvent): void;
  goLive(): void;
  logs: { level: 'info' | 'warn' | 'error'; message: string }[];
  source: Disposable;
}

function harness(env: Record<string, string | undefined>, load?: ConstructorParameters<typeof TeamTelemetry>[0]['load']): Harness {
  const logs: Harness['logs'] = [];
  const log = {
    info: (message: string) => logs.push({ level: 'info', message }),
    warn: (message: string) => logs.push({ level: 'warn', message }),
    error: (message: string) => logs.push({ level: 'error', message }),
  };
  const telemetry = new TeamTelemetry({ env, now: Date.now, schedule: realSchedule, log, version: '9.9.9', quietPeriodMs: () => 600_000, load });
  const delivered: ApiEvent[] = [];
  let inner: TranscriptSourceOptions | null = null;
  const source = telemetry.wrapSource((options) => {
    inner = options;
    return { dispose: () => undefined };
  })({
    configDirs: ['/cfg'],
    lookbackMs: 0,
    onEvent: (event) => delivered.push(event),
    onWatching: () => undefined,
    log,
    now: Date.now,
    schedule: realSchedule,
  });
  return {
    telemetry,
    delivered,
    logs,
    source,
    emit: (event) => inner!.onEvent(event),
    goLive: () => inner!.onWatching({ phase: 'live', configDirs: ['/cfg'], problem: null, transcripts: 1, lastLineAt: null }),
  };
}

function sessionState(state: SessionState['snapshot']['state'], affected: string[], anthropicStatus: AnthropicStatus | null): SessionState {
  return { snapshot: { state, affectedSessions: affected }, anthropicStatus } as unknown as SessionState;
}

const INCIDENT: AnthropicStatus = {
  kind: 'reported',
  indicator: 'major',
  description: 'Partial outage',
  components: [],
  incidents: [{ name: 'Elevated errors on Claude Opus', status: 'investigating', impact: 'major', url: null, updatedAt: null }],
  fetchedAt: new Date().toISOString(),
};

/** The points of `name` in the latest export that has it. */
function latestPoints(exports: ReceivedExport[], name: string) {
  for (let i = exports.length - 1; i >= 0; i--) {
    const metric = metricsOf(exports[i].body).get(name);
    if (metric) return (metric.sum ?? metric.gauge ?? metric.histogram)!.dataPoints;
  }
  return [];
}

function total(exports: ReceivedExport[], name: string): number {
  return latestPoints(exports, name).reduce((sum, point) => sum + valueOf(point), 0);
}

describe('team view over OTLP/HTTP', () => {
  const receivers: OtlpReceiver[] = [];
  after(async () => {
    for (const receiver of receivers) await receiver.close();
  });

  it('pushes failures, retries, episodes, state and incident matches, with the environment headers and only the kind of trouble as labels', async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const h = harness({ OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cret-t0ken,x-scope-orgid=team-a' });
    const started = await h.telemetry.configure({ otlpUrl: parseOtlpEndpoint(receiver.url), prometheus: null, teamMember: 'alice' });
    assert.deepEqual(started, { ok: true, prometheusUrl: null });
    const now = Date.now();
    // The backlog (read before the source is live) is history: not counted.
    h.emit(failureAt(now - 60_000, { requestId: 'req_backlog', requestIds: ['req_backlog'] }));
    h.goLive();
    h.telemetry.onState(sessionState('failing', ['s1', 's2'], INCIDENT));
    const overloaded = retryAt(now, 1, { status: 529, failureClass: 'overloaded', errorType: 'overloaded_error', sessionId: 's2' });
    const server = failureAt(now + 1_000);
    const network = failureAt(now + 2_000, { status: null, failureClass: 'network', networkCode: 'ECONNRESET', requestId: null, requestIds: [] });
    for (const event of [overloaded, server, network, { ...server } as ApiFailureEvent]) h.emit(event);
    assert.equal(h.delivered.length, 5, 'every event reaches the session at once, the backlog and the duplicate too');

    await until('an export with the two failures', () => total(receiver.exports, 'claude_api_watch.failures') === 2);
    const last = receiver.exports[receiver.exports.length - 1];
    assert.equal(last.path, '/v1/metrics');
    assert.equal(last.headers.authorization, 'Bearer s3cret-t0ken');
    assert.equal(last.headers['x-scope-orgid'], 'team-a');

    const failures = latestPoints(receiver.exports, 'claude_api_watch.failures').map((point) => [attributesOf(point), valueOf(point)]);
    assert.deepEqual(
      failures.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        [{ 'team.member': 'alice', 'error.type': 'network', 'claude_api_watch.family': 'network' }, 1],
        [{ 'team.member': 'alice', 'error.type': 'server', 'claude_api_watch.family': 'anthropic', 'http.response.status_code': 500 }, 1],
      ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    assert.deepEqual(
      latestPoints(receiver.exports, 'claude_api_watch.retries').map((point) => [attributesOf(point), valueOf(point)]),
      [[{ 'team.member': 'alice', 'error.type': 'overloaded', 'claude_api_watch.family': 'anthropic', 'http.response.status_code': 529 }, 1]],
    );
    const episodes = latestPoints(receiver.exports, 'claude_api_watch.episodes').map((point) => [attributesOf(point)['claude_api_watch.family'], valueOf(point)]);
    assert.deepEqual(episodes.sort(), [['anthropic', 1], ['network', 1]]);
    const state = Object.fromEntries(latestPoints(receiver.exports, 'claude_api_watch.state').map((point) => [attributesOf(point)['claude_api_watch.state'], valueOf(point)]));
    assert.deepEqual(state, { healthy: 0, retrying: 0, failing: 1, recovered: 0 });
    assert.equal(total(receiver.exports, 'claude_api_watch.sessions.affected'), 2);
    // One incident, two episodes it may explain (Anthropic's side and the network): each matched once.
    const matches = latestPoints(receiver.exports, 'claude_api_watch.incident.matches').map((point) => attributesOf(point));
    assert.deepEqual(
      matches.map((m) => `${m['claude_api_watch.family']}/${m['claude_api_watch.incident.impact']}`).sort(),
      ['anthropic/major', 'network/major'],
    );
    const resource = attributesOf(last.body.resourceMetrics[0].resource ?? {});
    assert.equal(resource['service.name'], 'claude-api-watch');
    assert.equal(resource['service.version'], '9.9.9');
    assert.deepEqual(Object.keys(resource).filter((key) => /^(?:host|process|os|user)\./.test(key)), [], 'no host, process or user in the resource');

    // Stopping ends the open episodes: their lengths go out with the last export.
    await h.telemetry.shutdown();
    const durations = latestPoints(receiver.exports, 'claude_api_watch.episode.duration');
    assert.deepEqual(
      durations.map((point) => [attributesOf(point)['claude_api_watch.family'], attributesOf(point)['claude_api_watch.incident.matched'], valueOf(point)]).sort(),
      [
        ['anthropic', true, 1],
        ['network', true, 1],
      ],
    );
    assert.equal(durations.find((point) => attributesOf(point)['claude_api_watch.family'] === 'anthropic')!.sum, 1, 'the 529 to the 500: one second');

    const everything = JSON.stringify(receiver.exports.map((e) => e.body));
    for (const secret of ['req_', 'uuid-', '/cfg', '/home/dev', 'shop', 'claude-sonnet', 'Internal server error', 'ECONNRESET']) {
      assert.ok(!everything.includes(secret), `${secret} must not be sent`);
    }
  });

  it('a collector that refuses connections: watching goes on, one line in the log, no error thrown', async () => {
    const url = parseOtlpEndpoint(await closedPortUrl());
    const h = harness({ OTEL_METRIC_EXPORT_INTERVAL: '1000' });
    assert.deepEqual(await h.telemetry.configure({ otlpUrl: url, prometheus: null, teamMember: null }), { ok: true, prometheusUrl: null });
    h.goLive();
    const now = Date.now();
    for (let i = 0; i < 50; i++) h.emit(retryAt(now + i, i + 1));
    assert.equal(h.delivered.length, 50, 'every event reached the session at once');
    await until('the collector to be said unreachable', () => h.logs.some((entry) => entry.level === 'warn'));
    await sleep(3_500);
    const warned = h.logs.filter((entry) => entry.level !== 'info');
    assert.equal(warned.length, 1, JSON.stringify(h.logs));
    assert.match(warned[0].message, /cannot send metrics to http:\/\/127\.0\.0\.1:\d+\/v1\/metrics \(.*ECONNREFUSED.*\); watching goes on/);
    h.emit(failureAt(Date.now()));
    assert.equal(h.delivered.length, 51);
    await h.telemetry.shutdown();
  });

  it('a collector that never answers: one export at a time, backing off, one line in the log', async () => {
    const receiver = await startOtlpReceiver('hang');
    receivers.push(receiver);
    const h = harness({ OTEL_METRIC_EXPORT_INTERVAL: '1000' });
    await h.telemetry.configure({ otlpUrl: parseOtlpEndpoint(receiver.url), prometheus: null, teamMember: null });
    h.goLive();
    h.emit(failureAt(Date.now()));
    await until('the first export to time out', () => h.logs.some((entry) => entry.level === 'warn'));
    const startedAt = Date.now();
    const connectionsThen = receiver.connections;
    await sleep(6_000);
    const elapsedIntervals = Math.ceil((Date.now() - startedAt) / 1000);
    // Backing off (1 s, 2 s, 4 s ...): fewer attempts than intervals, and never two at once.
    assert.ok(receiver.connections - connectionsThen < elapsedIntervals - 1, `${receiver.connections - connectionsThen} connections in ${elapsedIntervals} intervals`);
    assert.equal(h.logs.filter((entry) => entry.level === 'warn').length, 1, JSON.stringify(h.logs));
    h.emit(failureAt(Date.now()));
    assert.equal(h.delivered.length, 2, 'watching is not held up');
    await h.telemetry.shutdown();
  });

  it('off: the SDK is never loaded and nothing is sent, whatever OTEL_* variables say', async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    let loaded = 0;
    const h = harness(
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`, OTEL_METRIC_EXPORT_INTERVAL: '1000' },
      async () => {
        loaded++;
        return import('../../src/core/telemetry/lazy/metricsExport.js');
      },
    );
    assert.deepEqual(await h.telemetry.configure(null), { ok: true, prometheusUrl: null });
    assert.deepEqual(await h.telemetry.configure({ otlpUrl: null, prometheus: null, teamMember: 'alice' }), { ok: true, prometheusUrl: null });
    h.goLive();
    h.telemetry.onState(sessionState('failing', ['s1'], INCIDENT));
    h.emit(failureAt(Date.now()));
    await sleep(2_500);
    assert.equal(loaded, 0);
    assert.equal(h.telemetry.enabled, false);
    assert.equal(receiver.connections, 0);
    assert.equal(h.delivered.length, 1);
  });
});
