// The team view's settings and flags: every malformed endpoint, address, port or label is a clear
// message before anything starts; the environment's OTLP headers and interval as OpenTelemetry's
// SDKs read them; and the episode bookkeeping of the feed (what is counted, when an episode ends).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { telemetryConfigFromFlags } from '../../src/cli/watchTelemetry';
import { UsageError } from '../../src/cli/common';
import type { Disposable, Schedule } from '../../src/core/events';
import {
  exportIntervalFrom,
  isLoopback,
  otlpHeadersFrom,
  parseMetricsAddress,
  parseOtlpEndpoint,
  parseTeamMember,
  TelemetryConfigError,
  telemetryConfigFromSettings,
} from '../../src/core/telemetry/config';
import { TelemetryFeed } from '../../src/core/telemetry/feed';
import type { Attributes, MetricsSink } from '../../src/core/telemetry/names';
import { failureAt, retryAt } from '../fixtures/events';

describe('team view settings', () => {
  it('reads HOST:PORT, :PORT and PORT, on 127.0.0.1 unless told', () => {
    assert.deepEqual(parseMetricsAddress('127.0.0.1:9464', false), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(parseMetricsAddress(':9100', false), { host: '127.0.0.1', port: 9100 });
    assert.deepEqual(parseMetricsAddress('9100', false), { host: '127.0.0.1', port: 9100 });
    assert.deepEqual(parseMetricsAddress('localhost:9464', false), { host: 'localhost', port: 9464 });
    assert.deepEqual(parseMetricsAddress('[::1]:9464', false), { host: '::1', port: 9464 });
    assert.deepEqual(parseMetricsAddress('127.0.0.2:0', false), { host: '127.0.0.2', port: 0 });
    assert.deepEqual(parseMetricsAddress('0.0.0.0:9464', true), { host: '0.0.0.0', port: 9464 });
    assert.deepEqual(parseMetricsAddress('[::]:9464', true), { host: '::', port: 9464 });
  });

  it('refuses other hosts unless asked, and says what to do', () => {
    for (const remote of ['0.0.0.0:9464', '192.168.1.5:9464', '[::]:9464', 'metrics.example.com:9464', '128.0.0.1:1']) {
      assert.throws(() => parseMetricsAddress(remote, false), (error: Error) => error instanceof TelemetryConfigError && /other machines.*--metrics-allow-remote/.test(error.message), remote);
    }
  });

  it('a malformed address or port is a message, not a crash', () => {
    const cases: [string, RegExp][] = [
      ['', /is not HOST:PORT/],
      ['127.0.0.1', /is not HOST:PORT/],
      ['127.0.0.1:', /has no port/],
      ['127.0.0.1:65536', /port must be a number from 1 to 65535/],
      ['127.0.0.1:99999999', /port must be a number/],
      ['127.0.0.1:-1', /is not HOST:PORT/],
      ['127.0.0.1:abc', /is not HOST:PORT/],
      ['http://127.0.0.1:9464', /is not HOST:PORT/],
      ['::1:9464', /is not HOST:PORT/],
      ['a b:1', /is not HOST:PORT/],
      ['host_name:1', /is not a host name/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => parseMetricsAddress(value, true), (error: Error) => error instanceof TelemetryConfigError && message.test(error.message), value);
    }
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '127.0.0.256', 'localhost.example.com', '']) assert.equal(isLoopback(host), false, host);
  });

  it('takes the collector URL as OTEL_EXPORTER_OTLP_ENDPOINT does, and refuses what is not OTLP/HTTP or carries credentials', () => {
    assert.equal(parseOtlpEndpoint('http://127.0.0.1:4318'), 'http://127.0.0.1:4318/v1/metrics');
    assert.equal(parseOtlpEndpoint(' https://otel.example.com/otlp/ '), 'https://otel.example.com/otlp/v1/metrics');
    assert.equal(parseOtlpEndpoint('http://collector:4318/v1/metrics'), 'http://collector:4318/v1/metrics');
    const cases: [string, RegExp][] = [
      ['', /is not an http:\/\/ or https:\/\/ URL/],
      ['127.0.0.1:4318', /is not an http:\/\/ or https:\/\/ URL/],
      ['collector:4318', /is not an http:\/\/ or https:\/\/ URL/],
      ['grpc://collector:4317', /OTLP\/HTTP needs an http/],
      ['http://', /is not a URL/],
      ['http://user:pass@collector:4318', /OTEL_EXPORTER_OTLP_HEADERS/],
      ['http://collector:99999', /is not a URL/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => parseOtlpEndpoint(value), (error: Error) => error instanceof TelemetryConfigError && message.test(error.message), value);
    }
  });

  it('team.member: trimmed, empty is none, at most 64 printable characters', () => {
    assert.equal(parseTeamMember(undefined), null);
    assert.equal(parseTeamMember('   '), null);
    assert.equal(parseTeamMember(' alice '), 'alice');
    assert.throws(() => parseTeamMember('x'.repeat(65)), TelemetryConfigError);
    assert.throws(() => parseTeamMember('a\nb'), TelemetryConfigError);
  });

  it('reads the headers and the interval from the environment, as OpenTelemetry SDKs do', () => {
    assert.deepEqual(otlpHeadersFrom({}), {});
    assert.deepEqual(otlpHeadersFrom({ OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20YWJj, x-a=1,bad,=x,y=%E0%A4%A' }), { authorization: 'Basic YWJj', 'x-a': '1' });
    assert.deepEqual(otlpHeadersFrom({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'b=3' }), { a: '1', b: '3' });
    assert.equal(exportIntervalFrom({}), 60_000);
    assert.equal(exportIntervalFrom({ OTEL_METRIC_EXPORT_INTERVAL: '15000' }), 15_000);
    assert.equal(exportIntervalFrom({ OTEL_METRIC_EXPORT_INTERVAL: '5' }), 1_000);
    assert.equal(exportIntervalFrom({ OTEL_METRIC_EXPORT_INTERVAL: 'soon' }), 60_000);
  });

  it("the editor's settings: from the user's own settings alone; a workspace's values are ignored and said", () => {
    assert.deepEqual(telemetryConfigFromSettings(undefined, undefined), { config: null, problems: [] });
    assert.deepEqual(telemetryConfigFromSettings({ globalValue: '  ' }, { globalValue: 'dana' }), { config: null, problems: [] });
    assert.deepEqual(telemetryConfigFromSettings({ globalValue: 'http://127.0.0.1:4318' }, { globalValue: ' dana ' }), {
      config: { otlpUrl: 'http://127.0.0.1:4318/v1/metrics', prometheus: null, teamMember: 'dana' },
      problems: [],
    });
    // A cloned repository cannot send the team's failures elsewhere, nor relabel them.
    const fromWorkspace = telemetryConfigFromSettings({ workspaceValue: 'https://evil.example/otlp' }, { workspaceFolderValue: 'mallory' });
    assert.equal(fromWorkspace.config, null);
    assert.equal(fromWorkspace.problems.length, 2);
    assert.match(fromWorkspace.problems[0], /otlpEndpoint set in a workspace is ignored/);
    const both = telemetryConfigFromSettings({ globalValue: 'http://127.0.0.1:4318', workspaceValue: 'https://evil.example/otlp' }, { workspaceValue: 'mallory' });
    assert.deepEqual(both.config, { otlpUrl: 'http://127.0.0.1:4318/v1/metrics', prometheus: null, teamMember: null });
    const bad = telemetryConfigFromSettings({ globalValue: 'collector:4318' }, undefined);
    assert.equal(bad.config, null);
    assert.deepEqual(bad.problems, ['claudeAPIWatch.telemetry.otlpEndpoint "collector:4318" is not an http:// or https:// URL (for example http://127.0.0.1:4318); team telemetry stays off']);
    assert.match(telemetryConfigFromSettings({ globalValue: 'http://127.0.0.1:4318' }, { globalValue: 'x'.repeat(70) }).problems[0], /teamMember must be at most 64/);
  });

  it('watch flags: off without --metrics or --otlp-endpoint; bad values are usage errors', () => {
    assert.equal(telemetryConfigFromFlags({}), null);
    assert.deepEqual(telemetryConfigFromFlags({ metrics: '9464', 'team-member': 'bob' }), { prometheus: { host: '127.0.0.1', port: 9464 }, otlpUrl: null, teamMember: 'bob' });
    assert.deepEqual(telemetryConfigFromFlags({ 'otlp-endpoint': 'http://127.0.0.1:4318' }), { prometheus: null, otlpUrl: 'http://127.0.0.1:4318/v1/metrics', teamMember: null });
    assert.throws(() => telemetryConfigFromFlags({ metrics: '0.0.0.0:9464' }), (error: Error) => error instanceof UsageError && /--metrics-allow-remote/.test(error.message));
    assert.throws(() => telemetryConfigFromFlags({ 'otlp-endpoint': 'collector' }), (error: Error) => error instanceof UsageError && /--otlp-endpoint/.test(error.message));
    assert.throws(() => telemetryConfigFromFlags({ 'team-member': 'bob' }), (error: Error) => error instanceof UsageError && /go with --metrics/.test(error.message));
  });
});

/** A schedule whose timers run when the test says. */
function manualClock(start: number) {
  let now = start;
  const timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
  const schedule: Schedule = (callback, delayMs): Disposable => {
    const timer = { at: now + delayMs, callback, cancelled: false };
    timers.push(timer);
    return { dispose: () => void (timer.cancelled = true) };
  };
  return {
    now: () => now,
    schedule,
    advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => !t.cancelled && t.at <= now)) {
        timer.cancelled = true;
        timer.callback();
      }
    },
  };
}

function recordingSink() {
  const calls: [string, Attributes, number?][] = [];
  const sink: MetricsSink = {
    failure: (a) => calls.push(['failure', a]),
    retry: (a) => calls.push(['retry', a]),
    episodeStarted: (a) => calls.push(['episodeStarted', a]),
    episodeEnded: (seconds, a) => calls.push(['episodeEnded', a, seconds]),
    incidentMatched: (a) => calls.push(['incidentMatched', a]),
  };
  return { sink, calls };
}

describe('team view feed', () => {
  const T0 = Date.parse('2026-11-20T10:00:00Z');

  it('an episode begins with its first event and ends a quiet period after its last, with its length', () => {
    const clock = manualClock(T0);
    const { sink, calls } = recordingSink();
    const feed = new TelemetryFeed({ sink, now: clock.now, schedule: clock.schedule, quietPeriodMs: () => 600_000, teamMember: null });
    feed.event(retryAt(T0, 1));
    feed.event(retryAt(T0 + 30_000, 2));
    feed.event(failureAt(T0 + 90_000));
    // A second family runs beside it.
    feed.event(failureAt(T0 + 100_000, { failureClass: 'rate_limit', status: 429 }));
    assert.deepEqual(calls.filter(([name]) => name === 'episodeStarted').map(([, a]) => a['claude_api_watch.family']), ['anthropic', 'rate_limit']);
    clock.advance(90_000 + 600_000 - 1);
    assert.equal(calls.filter(([name]) => name === 'episodeEnded').length, 0, 'not yet quiet for the quiet period');
    clock.advance(1);
    assert.deepEqual(
      calls.filter(([name]) => name === 'episodeEnded').map(([, a, seconds]) => [a['claude_api_watch.family'], a['claude_api_watch.incident.matched'], seconds]),
      [['anthropic', false, 90]],
    );
    clock.advance(10_000);
    assert.deepEqual(
      calls.filter(([name]) => name === 'episodeEnded').map(([, a, seconds]) => [a['claude_api_watch.family'], seconds]),
      [
        ['anthropic', 90],
        ['rate_limit', 0],
      ],
    );
    // Later trouble of the same family is a new episode.
    feed.event(failureAt(clock.now()));
    assert.equal(calls.filter(([name]) => name === 'episodeStarted').length, 3);
    feed.dispose();
    assert.equal(calls.filter(([name]) => name === 'episodeEnded').length, 3, 'stopping ends the open episode');
  });

  it('counts a line once, labels only the kind of trouble, and matches incidents only for families Anthropic can cause', () => {
    const clock = manualClock(T0);
    const { sink, calls } = recordingSink();
    const feed = new TelemetryFeed({ sink, now: clock.now, schedule: clock.schedule, quietPeriodMs: () => 600_000, teamMember: 'carol' });
    const failure = failureAt(T0);
    feed.event(failure);
    feed.event({ ...failure });
    feed.event(failureAt(T0 + 1, { failureClass: 'auth', status: 401 }));
    assert.deepEqual(calls.filter(([name]) => name === 'failure').map(([, a]) => a), [
      { 'team.member': 'carol', 'error.type': 'server', 'claude_api_watch.family': 'anthropic', 'http.response.status_code': 500 },
      { 'team.member': 'carol', 'error.type': 'auth', 'claude_api_watch.family': 'auth', 'http.response.status_code': 401 },
    ]);
    feed.state({ state: 'failing', affectedSessions: 1 }, { kind: 'reported', indicator: 'minor', description: '', components: [], incidents: [{ name: 'x', status: 'identified', impact: 'minor', url: null, updatedAt: null }], fetchedAt: '' });
    feed.state({ state: 'failing', affectedSessions: 1 }, { kind: 'reported', indicator: 'critical', description: '', components: [], incidents: [{ name: 'y', status: 'identified', impact: 'critical', url: null, updatedAt: null }], fetchedAt: '' });
    assert.deepEqual(calls.filter(([name]) => name === 'incidentMatched').map(([, a]) => a), [
      { 'team.member': 'carol', 'claude_api_watch.family': 'anthropic', 'claude_api_watch.incident.impact': 'minor' },
    ]);
    assert.deepEqual(feed.reading(), { state: 'failing', affectedSessions: 1 });
    feed.dispose();
  });
});
