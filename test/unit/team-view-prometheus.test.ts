// The team view end to end with a real Prometheus (Debian's package, installed by the set-up when
// missing and we are root): `claude-api-watch watch --metrics 127.0.0.1:0` runs on a temp config
// dir, Prometheus scrapes it every second from a temp config and data dir on 127.0.0.1, failures
// and retries are appended to the transcripts, and the counts come back through Prometheus' HTTP
// query API under their Prometheus names. Never skipped silently: without Prometheus (and no root
// to install it) the test fails saying what to install, unless CAW_PROMETHEUS=skip asks to skip it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROMETHEUS_BINARY, prometheusBlocker } from '../../scripts/e2e/prometheus';
import { finalFailure, retrySdkError, userPrompt, writeConfigDir } from '../fixtures/transcripts';

const repoRoot = path.resolve(__dirname, '..', '..');
const skip = process.env.CAW_PROMETHEUS === 'skip' ? 'skipped on request (CAW_PROMETHEUS=skip)' : false;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Spawned {
  child: ChildProcess;
  out: () => string;
  err: () => string;
}

function start(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Spawned {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { child, out: () => out, err: () => err };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stop(spawned: Spawned | undefined, signal: NodeJS.Signals): Promise<void> {
  const child = spawned?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe('team view: a real Prometheus scrapes watch --metrics', { skip }, () => {
  let root: string;
  let configDir: string;
  let watch: Spawned | undefined;
  let prometheus: Spawned | undefined;
  let prometheusUrl: string;

  before(async () => {
    const blocker = await prometheusBlocker();
    if (blocker) throw new Error(blocker);
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-prometheus-'));
    configDir = await writeConfigDir(path.join(root, 'claude'), { '-w/s1.jsonl': [userPrompt('hi', { timestamp: new Date().toISOString() })] });
  });

  after(async () => {
    await stop(prometheus, 'SIGTERM');
    await stop(watch, 'SIGINT');
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  /** An instant query's samples. */
  async function query(promql: string): Promise<Sample[]> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data: { resultType: string; result: Sample[] } };
    assert.equal(body.status, 'success', JSON.stringify(body));
    return body.data.result;
  }

  /** Waits until `promql` gives these values by one label (the scrape interval is a second). */
  async function expectValues(promql: string, label: string, expected: Record<string, number>): Promise<void> {
    let seen: Record<string, number> = {};
    await until(`${promql} to be ${JSON.stringify(expected)} (last seen ${JSON.stringify(seen)})`, async () => {
      seen = Object.fromEntries((await query(promql)).map((sample) => [sample.metric[label] ?? '', Number(sample.value[1])]));
      return JSON.stringify(Object.entries(seen).sort()) === JSON.stringify(Object.entries(expected).sort()) ? true : undefined;
    });
  }

  it('counts the failures and retries written to the transcripts, by class, status and family, with the state', async () => {
    watch = start(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'watch', '--config-dir', configDir, '--metrics', '127.0.0.1:0', '--team-member', 'ci-runner'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: root },
    });
    const metricsUrl = await until('watch to serve its metrics and go live', () => {
      const served = /Serving metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(watch!.err());
      if (watch!.child.exitCode !== null) assert.fail(`watch exited ${watch!.child.exitCode}: ${watch!.err()}`);
      return served && watch!.err().includes('Watching ') ? served[1] : undefined;
    });
    const target = new URL(metricsUrl).host;

    const dataDir = path.join(root, 'prometheus-data');
    const promConfig = path.join(root, 'prometheus.yml');
    await fs.writeFile(
      promConfig,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: claude-api-watch',
        '    scrape_interval: 1s',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    const promPort = await freePort();
    prometheusUrl = `http://127.0.0.1:${promPort}`;
    prometheus = start(PROMETHEUS_BINARY, [
      `--config.file=${promConfig}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      `--web.console.templates=${path.join(root, 'none')}`,
      `--web.console.libraries=${path.join(root, 'none')}`,
      '--log.level=warn',
    ]);
    await until('Prometheus to be ready', async () => {
      if (prometheus!.child.exitCode !== null) assert.fail(`prometheus exited ${prometheus!.child.exitCode}: ${prometheus!.err()}`);
      return (await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined;
    });
    await expectValues('up{job="claude-api-watch"}', 'job', { 'claude-api-watch': 1 });
    await expectValues('claude_api_watch_state', 'claude_api_watch_state', { healthy: 1, retrying: 0, failing: 0, recovered: 0 });

    const now = () => ({ timestamp: new Date().toISOString() });
    const s1 = path.join(configDir, 'projects', '-w', 's1.jsonl');
    await fs.appendFile(
      s1,
      [
        retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_p1', 1, now()),
        retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_p2', 2, now()),
        finalFailure('API Error: 500 Internal server error.', now()),
        '',
      ].join('\n'),
    );
    await fs.mkdir(path.join(configDir, 'projects', '-other'), { recursive: true });
    await fs.writeFile(path.join(configDir, 'projects', '-other', 's2.jsonl'), finalFailure('API Error: Unable to connect to API (ECONNRESET)', { ...now(), sessionId: 's2' }) + '\n');

    await expectValues('sum by (error_type) (claude_api_watch_failures_total)', 'error_type', { server: 1, network: 1 });
    await expectValues('sum by (http_response_status_code) (claude_api_watch_retries_total{error_type="overloaded"})', 'http_response_status_code', { '529': 2 });
    await expectValues('sum by (claude_api_watch_family) (claude_api_watch_episodes_total)', 'claude_api_watch_family', { anthropic: 1, network: 1 });
    await expectValues('claude_api_watch_state', 'claude_api_watch_state', { healthy: 0, retrying: 0, failing: 1, recovered: 0 });
    await expectValues('claude_api_watch_sessions_affected', 'team_member', { 'ci-runner': 2 });

    // Only the kind of trouble, and the label the user chose: no request id, path, project or session.
    const series = await query('{__name__=~"claude_api_watch_.*"}');
    const labels = new Set(series.flatMap((sample) => Object.keys(sample.metric)));
    assert.deepEqual(
      [...labels].sort(),
      ['__name__', 'claude_api_watch_family', 'claude_api_watch_state', 'error_type', 'http_response_status_code', 'instance', 'job', 'otel_scope_name', 'otel_scope_version', 'team_member'],
    );
    assert.ok(series.every((sample) => sample.metric.team_member === 'ci-runner'));
    const values = JSON.stringify(series.map((sample) => sample.metric));
    for (const secret of ['req_', configDir, 's1', 's2', '-other']) assert.ok(!values.includes(secret), `${secret} in ${values}`);

    // Every query of the Grafana dashboard in docs/ runs on this Prometheus, on these metrics. A
    // counter series is born at 0 and counts from the next scrape, so increase() sees even the first
    // failure of its kind: wait for a few samples of each.
    await until('a few samples of every failure series', async () =>
      (await query('min(count_over_time(claude_api_watch_failures_total[1m]))')).some((sample) => Number(sample.value[1]) >= 4) ? true : undefined,
    );
    const dashboard = JSON.parse(await fs.readFile(path.join(repoRoot, 'docs', 'grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const answers = new Map<string, Sample[]>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const promql = target.expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '10m').replaceAll('$member', '.*');
        answers.set(panel.title, [...(answers.get(panel.title) ?? []), ...(await query(promql))]);
      }
    }
    const positive = (title: string) => answers.get(title)!.every((sample) => Number(sample.value[1]) > 0) && answers.get(title)!.length > 0;
    assert.equal(Number(answers.get('Machines failing now')![0].value[1]), 1);
    for (const title of ['Failures', 'Retries', 'Failures by class', 'Retries by status', 'Episodes by family', 'Failures and retries per team member']) {
      assert.ok(positive(title), `${title}: ${JSON.stringify(answers.get(title))}`);
    }
    assert.deepEqual(answers.get('Failing now')!.map((sample) => [sample.metric.claude_api_watch_state, sample.metric.team_member]), [['failing', 'ci-runner']]);
    assert.deepEqual(answers.get('Failures by class')!.map((sample) => sample.metric.error_type).sort(), ['network', 'server']);
    assert.deepEqual(answers.get('Episodes by family')!.map((sample) => sample.metric.claude_api_watch_family).sort(), ['anthropic', 'network']);
    assert.deepEqual(answers.get('Failures and retries per team member')!.map((sample) => sample.metric.team_member), ['ci-runner']);
  });
});
