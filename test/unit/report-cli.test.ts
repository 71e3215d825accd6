import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runReportCommand } from '../../src/cli/report';
import type { BugReport } from '../../src/core/report/report';
import { incidentsDocument, startStatusPageStandIn, statusSummary, type StatusPageStandIn } from '../support/statusPageStandIn';

const NOW = new Date('2026-01-15T12:00:00.000Z');
const T = (minute: number, second = 0) => new Date(Date.UTC(2026, 0, 15, 10, minute, second)).toISOString();

/** The envelope every transcript line carries (ARCHITECTURE.md §1.1). */
function envelope(sessionId: string, timestamp: string, version: string, cwd: string) {
  return { uuid: `${sessionId}-${timestamp}`, parentUuid: null, sessionId, timestamp, version, cwd, gitBranch: 'main', entrypoint: 'cli', isSidechain: false };
}

function line(value: object): string {
  return JSON.stringify(value);
}

function runIo(env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env, now: () => NOW } };
}

describe('claude-api-watch report', () => {
  let root: string;
  let home: string;
  let configDir: string;
  let emptyConfigDir: string;
  let anthropicConfigDir: string;
  let env: Record<string, string | undefined>;
  let page: StatusPageStandIn;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'caw-report-'));
    home = path.join(root, 'home', 'alice');
    configDir = path.join(home, '.claude');
    emptyConfigDir = path.join(root, 'empty-claude');
    const cwd = path.join(home, 'src', 'shop');
    const project = path.join(configDir, 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-'));
    await mkdir(project, { recursive: true });
    await mkdir(path.join(emptyConfigDir, 'projects', 'p'), { recursive: true });
    await writeFile(path.join(emptyConfigDir, 'projects', 'p', 's.jsonl'), '');
    await writeFile(path.join(configDir, 'settings.json'), JSON.stringify({ env: { CLAUDE_CODE_USE_BEDROCK: '1' } }));

    const a = 'a1b2c3d4-0000-4000-8000-000000000001';
    const transcript =
      [
        line({ type: 'user', ...envelope(a, T(0), '2.1.101', cwd), message: { role: 'user', content: 'my key is sk-ant-api03-PROMPTSECRET and API Error: 500 happened yesterday' } }),
        line({ type: 'assistant', ...envelope(a, T(1), '2.1.101', cwd), requestId: 'req_011CSuccess0001', message: { id: 'msg_1', model: 'claude-opus-4-5-20251101', role: 'assistant', content: [{ type: 'text', text: 'Working on the PRIVATE_FILE_CONTENT now.' }] } }),
        line({
          type: 'system', subtype: 'api_error', level: 'error', ...envelope(a, T(2), '2.1.110', cwd),
          retryAttempt: 1, maxRetries: 10, retryInMs: 500,
          error: { status: 500, headers: {}, requestID: 'req_011CRetry000001', error: { type: 'error', error: { type: 'api_error', message: 'Internal server error' }, request_id: 'req_011CRetry000001' } },
        }),
        line({
          type: 'system', subtype: 'api_error', level: 'error', ...envelope(a, T(2, 30), '2.1.110', cwd),
          retryAttempt: 2, maxRetries: 10, retryInMs: 1000,
          error: { message: 'Internal server error', status: 500, requestId: 'req_011CRetry000002', formatted: 'API Error: 500 Internal server error', connection: null, isNetworkDown: false },
        }),
        line({
          type: 'assistant', ...envelope(a, T(3), '2.1.110', cwd), isApiErrorMessage: true, error: 'server_error', apiErrorStatus: 500,
          message: { id: 'msg_2', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: 'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check https://status.claude.com.' }] },
        }),
        // Hours later: an older-style failure with its own ID, in the same session (a separate outage).
        line({
          type: 'assistant', ...envelope(a, '2026-01-15T08:00:00.000Z', '2.1.110', cwd), isApiErrorMessage: true,
          message: { id: 'msg_0', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011COlder0000001"}' }] },
        }),
      ].join('\n') + '\n';
    await writeFile(path.join(project, `${a}.jsonl`), transcript);
    // The same transcript where Claude Code talks to Anthropic's own API: the status page applies.
    anthropicConfigDir = path.join(root, 'anthropic-claude');
    await mkdir(path.join(anthropicConfigDir, 'projects', 'p'), { recursive: true });
    await writeFile(path.join(anthropicConfigDir, 'projects', 'p', `${a}.jsonl`), transcript);
    page = await startStatusPageStandIn(
      { summary: statusSummary('none') },
      { summary: incidentsDocument([{ name: 'Elevated errors on Claude Opus', impact: 'major', startedAt: T(5), resolvedAt: T(40) }]) },
    );
    env = { HOME: home, USER: 'alice', TZ: 'UTC', TERM_PROGRAM: 'vscode' };
  });

  after(async () => {
    await page.close();
    await rm(root, { recursive: true, force: true });
  });

  it('prints the Markdown report of the latest failure and its outage', async () => {
    const { out, err, io } = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', configDir], io), 0, err.join('\n'));
    const markdown = out.join('\n');
    assert.match(markdown, /^\*\*\[BUG\] API Error 500: `Internal server error` \(Claude Code 2\.1\.\d+\)\*\*/);
    assert.match(markdown, /Request IDs: req_011CRetry000002, req_011CRetry000001/);
    assert.match(markdown, /1 final failure after 2 retries over 1 min/);
    assert.match(markdown, /### Claude Code Version\n\n2\.1\.110 \(Claude Code\)/);
    assert.match(markdown, /### Last Working Version\n\n2\.1\.101/);
    assert.match(markdown, /### Platform\n\nAWS Bedrock/, 'the env block of settings.json is read');
    assert.match(markdown, /Opus — `claude-opus-4-5-20251101`/);
    assert.doesNotMatch(markdown, /req_011COlder0000001/, 'an earlier outage stays out');
  });

  it('never copies prompt or file content, and hides the home directory', async () => {
    const { out, io } = runIo(env);
    await runReportCommand(['--config-dir', configDir, '--format', 'json'], io);
    const text = out.join('\n');
    for (const secret of ['PROMPTSECRET', 'my key is', 'PRIVATE_FILE_CONTENT', 'happened yesterday', home]) {
      assert.ok(!text.includes(secret), `"${secret}" leaked`);
    }
  });

  it('--format url prints only the issue URL', async () => {
    const { out, io } = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', configDir, '--format', 'url', '--latest'], io), 0);
    assert.equal(out.length, 1);
    const url = new URL(out[0]);
    assert.equal(url.origin + url.pathname, 'https://github.com/anthropics/claude-code/issues/new');
    assert.equal(url.searchParams.get('template'), 'bug_report.yml');
    assert.equal(url.searchParams.get('version'), '2.1.110 (Claude Code)');
    assert.ok(out[0].length <= 7500);
  });

  it('--format json prints the report', async () => {
    const { out, io } = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', configDir, '--format', 'json'], io), 0);
    const report = JSON.parse(out.join('\n')) as BugReport & { issueUrl: string; searchUrl: string };
    assert.equal(report.summary.status, 500);
    assert.equal(report.fields.working_version, '2.1.101');
    assert.equal(report.detected.platform, 'AWS Bedrock');
    assert.ok(report.issueUrl.startsWith('https://github.com/anthropics/claude-code/issues/new?'));
    assert.ok(report.searchUrl.includes('/issues?q='));
  });

  it('--request-id picks that failure and its own outage', async () => {
    const { out, io } = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', configDir, '--request-id', 'req_011COlder0000001'], io), 0);
    const markdown = out.join('\n');
    assert.match(markdown, /API Error 529: `Overloaded` \(Claude Code 2\.1\.\d+\)/);
    assert.doesNotMatch(markdown, /req_011CRetry/);
  });

  it('--request-id of a retry reports the failure that followed it', async () => {
    const { out, io } = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', configDir, '--request-id', 'req_011CRetry000001'], io), 0);
    assert.match(out.join('\n'), /failed with `API Error 500/);
  });

  it('--since leaves older failures out', async () => {
    const { err, io } = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', configDir, '--request-id', 'req_011COlder0000001', '--since', '3h'], io), 1);
    assert.match(err.join('\n'), /no API failure or retry with request ID req_011COlder0000001 since 3h/);
  });

  it('exits 1 with a clear message when there is no such failure', async () => {
    const unknown = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', configDir, '--request-id', 'req_nope'], unknown.io), 1);
    assert.match(unknown.err.join('\n'), /no API failure or retry with request ID req_nope/);
    const empty = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', emptyConfigDir], empty.io), 1);
    assert.match(empty.err.join('\n'), /nothing to report/);
    assert.deepEqual(empty.out, []);
  });

  it('exits 1 when the config dir cannot be read', async () => {
    const { err, io } = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', path.join(root, 'missing')], io), 1);
    assert.ok(err.length > 0);
  });

  it('uses CLAUDE_CONFIG_DIR when no --config-dir is given', async () => {
    const { out, io } = runIo({ ...env, CLAUDE_CONFIG_DIR: configDir });
    assert.equal(await runReportCommand(['--format', 'url'], io), 0);
    assert.equal(out.length, 1);
  });

  it('exits 2 on bad usage', async () => {
    for (const args of [
      ['--format', 'pdf'],
      ['--bogus'],
      ['--request-id', 'req_x', '--latest'],
      ['--request-id', ''],
      ['--since', 'yesterday'],
      ['positional'],
      ['--no-status', '--status-url', 'http://127.0.0.1:9/'],
      ['--status-url', 'file:///x'],
    ]) {
      const { err, io } = runIo(env);
      assert.equal(await runReportCommand(['--config-dir', configDir, ...args], io), 2, args.join(' '));
      assert.ok(err.join('\n').length > 0);
    }
  });

  it("names the Anthropic incident the outage overlaps, or that there was none (a status page stand-in)", async () => {
    const overlapping = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', anthropicConfigDir, '--status-url', page.url], overlapping.io), 0, overlapping.err.join('\n'));
    assert.match(
      overlapping.out.join('\n'),
      /^- Anthropic incident: `Elevated errors on Claude Opus \(impact major, 2026-01-15T10:05:00Z – 2026-01-15T10:40:00Z\) https:\/\/stspg\.io\/past0`$/m,
    );
    assert.ok(page.requests.some((request) => request.url === '/api/v2/incidents.json'));
    const json = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', anthropicConfigDir, '--status-url', page.url, '--format', 'json'], json.io), 0);
    assert.match((JSON.parse(json.out.join('\n')) as BugReport).fields.additional, /Anthropic incident: `Elevated errors on Claude Opus/);
    // The 529 two hours earlier: the status page said nothing then.
    const earlier = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', anthropicConfigDir, '--status-url', page.url, '--request-id', 'req_011COlder0000001'], earlier.io), 0);
    assert.match(earlier.out.join('\n'), /^- Anthropic incident: `no incident on Anthropic's status page during this outage`$/m);
  });

  it('asks no status page with --no-status, for Bedrock users, or when it cannot answer (then says so)', async () => {
    const asked = page.requests.length;
    const off = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', anthropicConfigDir, '--no-status'], off.io), 0);
    const bedrock = runIo(env);
    assert.equal(await runReportCommand(['--config-dir', configDir, '--status-url', page.url], bedrock.io), 0);
    assert.equal(page.requests.length, asked);
    for (const { out, err } of [off, bedrock]) {
      assert.doesNotMatch(out.join('\n'), /Anthropic incident/);
      assert.deepEqual(err, []);
    }
    page.incidentsAnswer = 'server_error';
    try {
      const broken = runIo(env);
      assert.equal(await runReportCommand(['--config-dir', anthropicConfigDir, '--status-url', page.url], broken.io), 0);
      assert.doesNotMatch(broken.out.join('\n'), /Anthropic incident/);
      assert.match(broken.err.join('\n'), /report: Anthropic's incidents unknown/);
    } finally {
      page.incidentsAnswer = { summary: incidentsDocument([]) };
    }
  });

  it('--help prints the usage', async () => {
    const { out, io } = runIo(env);
    assert.equal(await runReportCommand(['--help'], io), 0);
    assert.match(out.join('\n'), /Usage: claude-api-watch report/);
  });
});
