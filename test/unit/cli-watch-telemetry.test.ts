// `watch --metrics` and `--otlp-endpoint` at their edges: a malformed address, port or URL, a
// host other machines could reach, a port already taken: a clear message at start and an exit
// code, never a crash. And without those flags, watching opens no socket and sends nothing, even
// with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a live collector.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runWatchCommand } from '../../src/cli/watch';
import { finalFailure, retrySdkError, userPrompt, writeConfigDir } from '../fixtures/transcripts';
import { captureIo } from '../support/cliIo';
import { startOtlpReceiver } from '../support/otlpReceiver';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('claude-api-watch watch: team view flags', () => {
  let root: string;
  let configDir: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-watch-telemetry-'));
    configDir = await writeConfigDir(path.join(root, 'claude'), { '-w/s1.jsonl': [userPrompt('hi', { timestamp: new Date().toISOString() })] });
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  it('a malformed or remote address, port or URL: exit 2 with what is wrong and the usage, before watching', async () => {
    const cases: [string[], RegExp][] = [
      [['--metrics', 'localhost'], /--metrics "localhost" is not HOST:PORT/],
      [['--metrics', '127.0.0.1:70000'], /the port must be a number from 1 to 65535/],
      [['--metrics', '127.0.0.1:'], /has no port/],
      [['--metrics', '0.0.0.0:9464'], /would let other machines read this one's failures.*--metrics-allow-remote/],
      [['--otlp-endpoint', 'localhost:4318'], /--otlp-endpoint "localhost:4318" is not an http:\/\/ or https:\/\/ URL/],
      [['--otlp-endpoint', 'http://me:secret@127.0.0.1:4318'], /OTEL_EXPORTER_OTLP_HEADERS/],
      [['--team-member', 'alice'], /go with --metrics or --otlp-endpoint/],
      [['--metrics'], /argument missing|requires an argument|--metrics <value>/i],
    ];
    for (const [args, message] of cases) {
      const io = captureIo();
      const code = await runWatchCommand(['--config-dir', configDir, ...args], io, new AbortController().signal);
      const err = io.err.join('\n');
      assert.equal(code, 2, `${args.join(' ')}: ${err}`);
      assert.match(err, message);
      assert.match(err, /Usage: claude-api-watch watch/);
      assert.ok(!err.includes('Watching '), 'nothing watched');
    }
  });

  it('a port already taken: exit 1 saying so, before watching', async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const io = captureIo();
      const code = await runWatchCommand(['--config-dir', configDir, '--metrics', `127.0.0.1:${port}`], io, new AbortController().signal);
      assert.equal(code, 1);
      assert.deepEqual(io.err, [`claude-api-watch: cannot serve metrics on 127.0.0.1:${port}: the port is in use (another watch, or another exporter?)`]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('serves /metrics on the port it says, and 404 elsewhere', async () => {
    const io = captureIo();
    io.now = () => new Date();
    const stop = new AbortController();
    const running = runWatchCommand(['--config-dir', configDir, '--metrics', '127.0.0.1:0'], io, stop.signal);
    try {
      const deadline = Date.now() + 15_000;
      while (!io.err.some((line) => line.startsWith('Watching ')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const serving = io.err.find((line) => line.startsWith('Serving metrics on '));
      assert.ok(serving, io.err.join('\n'));
      const url = serving.slice('Serving metrics on '.length);
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const metrics = await fetch(url);
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(await metrics.text(), /^claude_api_watch_state\{claude_api_watch_state="healthy",otel_scope_name="claude-api-watch",otel_scope_version="[^"]+"\} 1$/m);
      assert.equal((await fetch(url.replace('/metrics', '/'))).status, 404);
      assert.equal((await fetch(url, { method: 'POST', body: 'x' })).status, 405);
    } finally {
      stop.abort();
    }
    assert.equal(await running, 0);
  });
});

/** The inodes of the TCP and UDP sockets the system has (IPv4 and IPv6). */
function networkSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const inode = line.trim().split(/\s+/)[9];
      if (inode && inode !== '0') inodes.add(inode);
    }
  }
  return inodes;
}

/** The socket inodes process `pid` holds open. */
function socketsOf(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      return match ? [match[1]] : [];
    } catch {
      return [];
    }
  });
}

describe('claude-api-watch watch with the team view off', { skip: process.platform !== 'linux' ? 'reads /proc to list the sockets of the watch' : false }, () => {
  it('opens no network socket and sends nothing, whatever OTEL_* variables say', async () => {
    const receiver = await startOtlpReceiver();
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-watch-off-'));
    try {
      const configDir = await writeConfigDir(path.join(root, 'claude'), { '-w/s1.jsonl': [userPrompt('hi', { timestamp: new Date().toISOString() })] });
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'watch', '--config-dir', configDir], {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH,
          HOME: root,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
          OTEL_METRICS_EXPORTER: 'otlp,prometheus',
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
          OTEL_EXPORTER_PROMETHEUS_PORT: '9464',
        },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const waitFor = async (what: () => boolean, label: string) => {
        const deadline = Date.now() + 20_000;
        while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
        assert.ok(what(), `${label}; stdout ${out}, stderr ${err}`);
      };
      await waitFor(() => err.includes('Watching '), 'watch never went live');
      const file = path.join(configDir, 'projects', '-w', 's1.jsonl');
      const now = () => ({ timestamp: new Date().toISOString() });
      await fs.appendFile(file, retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_off1', 1, now()) + '\n' + finalFailure('API Error: 500 Internal server error.', now()) + '\n');
      await waitFor(() => /outage: 500/.test(out), 'the failure was not seen');
      // Two export intervals for anything that would have been sent.
      await new Promise((r) => setTimeout(r, 2_500));
      const network = networkSocketInodes();
      const held = socketsOf(child.pid!).filter((inode) => network.has(inode));
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
      assert.deepEqual(held, [], 'the watch held TCP or UDP sockets');
      assert.equal(receiver.connections, 0);
      assert.ok(!err.includes('Serving metrics'), err);
    } finally {
      await receiver.close();
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
