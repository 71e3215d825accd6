import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runHealthCommand } from '../../src/cli/health';
import { STAND_IN_VALID_KEY, startApiStandIn, type ApiStandIn } from '../support/apiStandIn';
import { closedPortUrl } from '../support/httpStandIn';
import { startStatusPageStandIn, statusSummary, type StatusPageStandIn } from '../support/statusPageStandIn';

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runHealthCommand(args, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    // Never the real ~/.claude: a home without one unless a test names a config dir.
    env: { HOME: path.join(os.tmpdir(), 'caw-health-no-home'), ...env },
  });
  // Lines trimmed and inner runs of spaces collapsed, so assertions need not count the padding.
  const lines = stdout
    .split('\n')
    .map((line) => line.trim().replace(/ +/g, ' '))
    .join('\n');
  return { code, stdout, stderr, lines };
}

describe('claude-api-watch health', () => {
  let api: ApiStandIn;
  let page: StatusPageStandIn;
  before(async () => {
    api = await startApiStandIn();
    page = await startStatusPageStandIn({
      summary: statusSummary('minor', {
        apiStatus: 'partial_outage',
        incidents: [{ name: 'Elevated errors on Claude Sonnet 4.5', status: 'investigating', impact: 'minor' }],
      }),
    });
  });
  after(async () => {
    await api.close();
    await page.close();
  });

  it('500 with an incident: readable summary, exit 0', async () => {
    api.mode = 'server_error';
    const { code, stdout, stderr, lines } = await run(['--base-url', api.url, '--status-url', page.url]);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.match(stdout, /^Anthropic API is down — server error 500: Internal server error$/m);
    assert.match(lines, new RegExp(`^answer 500 api_error, request ${api.lastRequestId}, `, 'm'));
    assert.match(lines, /^key none \(ANTHROPIC_API_KEY is not set\)$/m);
    assert.match(stdout, /^Status page: Anthropic reports: Elevated errors on Claude Sonnet 4.5 — investigating$/m);
    assert.match(lines, /^incident Elevated errors on Claude Sonnet 4.5 \(investigating, minor impact\) https:\/\/stspg\.io\/inc0$/m);
    assert.match(lines, /^component Claude API \(api\.anthropic\.com\): partial outage$/m);
    assert.match(stdout, new RegExp(`^For a bug report: a health check \\(127\\.0\\.0\\.1:\\d+\\) at \\d\\d:\\d\\d UTC got 500 api_error \\(${api.lastRequestId}\\)$`, 'm'));
    assert.equal(page.requests.length, 1);
  });

  it('--json: the API result and the status, parsed', async () => {
    api.mode = 'overloaded';
    const { code, stdout } = await run(['--base-url', api.url, '--status-url', page.url, '--json']);
    assert.equal(code, 0);
    const out = JSON.parse(stdout);
    assert.equal(out.api.verdict, 'degraded');
    assert.equal(out.api.httpStatus, 529);
    assert.equal(out.api.errorType, 'overloaded_error');
    assert.equal(out.api.requestId, api.lastRequestId);
    assert.equal(out.api.keyUsed, false);
    assert.equal(out.api.baseURL, api.url);
    assert.equal(out.anthropicStatus.kind, 'reported');
    assert.equal(out.anthropicStatus.indicator, 'minor');
    assert.equal(out.anthropicStatus.incidents[0].name, 'Elevated errors on Claude Sonnet 4.5');
    assert.match(out.summary, /got 529 overloaded_error/);
    assert.equal(out.note, null);
  });

  it('uses the key from --api-key-env and never prints it', async () => {
    api.mode = 'ok';
    const { code, stdout } = await run(['--base-url', api.url, '--api-key-env', 'MY_KEY', '--no-status', '--json'], {
      MY_KEY: STAND_IN_VALID_KEY,
    });
    assert.equal(code, 0);
    const out = JSON.parse(stdout);
    assert.equal(out.api.verdict, 'up');
    assert.equal(out.api.httpStatus, 200);
    assert.equal(out.api.keyUsed, true);
    assert.equal(out.anthropicStatus, null);
    assert.equal(api.requests.at(-1)?.headers.authorization, `Bearer ${STAND_IN_VALID_KEY}`);
    assert.ok(!stdout.includes(STAND_IN_VALID_KEY));
  });

  it('takes ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY from the environment', async () => {
    api.mode = 'ok';
    const { code, stdout, lines } = await run(['--no-status'], { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'sk-ant-api03-bad' });
    assert.equal(code, 0);
    assert.match(stdout, /^Anthropic API is up — reachable, but the key was rejected: invalid x-api-key$/m);
    assert.match(lines, new RegExp(`^target ${api.url} \\(ANTHROPIC_BASE_URL\\)$`, 'm'));
    assert.match(lines, /^key ANTHROPIC_API_KEY$/m);
    assert.ok(!stdout.includes('sk-ant-api03-bad'));
  });

  it('--no-status asks no status page; a Bedrock user gets the scope note', async () => {
    api.mode = 'unauthorized';
    const before = page.requests.length;
    const { code, stdout, lines } = await run(['--base-url', api.url, '--no-status'], { CLAUDE_CODE_USE_BEDROCK: '1' });
    assert.equal(code, 0);
    assert.equal(page.requests.length, before);
    assert.ok(!stdout.includes('Status page:'));
    assert.match(lines, /^note Claude Code is set to use Amazon Bedrock; this check covers the Anthropic API only/m);
    assert.match(stdout, /: the API is up \(checked without a key\)$/m);
  });

  it('--config-dir: a gateway in that dir\'s settings.json is what gets checked', async () => {
    const configDir = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-health-gw-'));
    try {
      await fs.writeFile(path.join(configDir, 'settings.json'), JSON.stringify({ env: { ANTHROPIC_BASE_URL: api.url } }));
      api.mode = 'ok';
      const before = api.requests.length;
      const { code, lines } = await run(['--config-dir', configDir, '--no-status']);
      assert.equal(code, 0);
      assert.equal(api.requests.length, before + 1, 'the gateway was asked');
      assert.match(lines, new RegExp(`^target ${api.url} \\(ANTHROPIC_BASE_URL\\)$`, 'm'));
    } finally {
      await fs.rm(configDir, { recursive: true, force: true });
    }
  });

  it('--config-dir: Bedrock in settings.json says plainly the Anthropic check does not apply, and sends nothing', async () => {
    const configDir = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-health-bedrock-'));
    try {
      await fs.writeFile(path.join(configDir, 'settings.json'), JSON.stringify({ env: { CLAUDE_CODE_USE_BEDROCK: 1 } }));
      const apiBefore = api.requests.length;
      const pageBefore = page.requests.length;
      const { code, stdout } = await run(['--config-dir', configDir, '--status-url', page.url]);
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`^Claude Code uses Amazon Bedrock \\(set in ${configDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/settings\\.json\\), so the Anthropic API check does not apply`, 'm'));
      assert.match(stdout, /health\.aws\.amazon\.com/);
      assert.equal(api.requests.length, apiBefore);
      assert.equal(page.requests.length, pageBefore);
    } finally {
      await fs.rm(configDir, { recursive: true, force: true });
    }
  });

  it('unreachable API and unreachable status page still exit 0', async () => {
    const closed = await closedPortUrl();
    const { code, stdout } = await run(['--base-url', closed, '--status-url', `${closed}/api/v2/summary.json`, '--timeout', '2000']);
    assert.equal(code, 0);
    assert.match(stdout, /^Could not connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\): your network, a proxy or a firewall, or the gateway, not Anthropic$/m);
    assert.match(stdout, /^Status page: Anthropic status unknown \(could not reach status page: ECONNREFUSED\)$/m);
  });

  it('a hanging API times out at --timeout', async () => {
    api.mode = 'hang';
    const { code, stdout } = await run(['--base-url', api.url, '--no-status', '--timeout', '150', '--json']);
    assert.equal(code, 0);
    const out = JSON.parse(stdout);
    assert.equal(out.api.verdict, 'unreachable');
    assert.equal(out.api.networkCode, 'ETIMEDOUT');
  });

  it('bad usage exits 2 with the reason and the usage', async () => {
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [['--bogus'], /Unknown option '--bogus'/],
      [['extra'], /positional/i],
      [['--timeout', 'soon', '--no-status'], /--timeout takes milliseconds/],
      [['--timeout', '0', '--no-status'], /--timeout takes milliseconds/],
      [['--base-url', 'ftp://example.com', '--no-status'], /--base-url is not an http\(s\) URL/],
      [['--no-status'], /ANTHROPIC_BASE_URL is not an http\(s\) URL/, { ANTHROPIC_BASE_URL: 'nonsense' }],
      [['--status-url', 'http://127.0.0.1:1/x', '--no-status'], /exclude each other/],
      [['--api-key-env', 'NOT_SET', '--no-status'], /NOT_SET is not set/],
      [['--api-key-env', 'bad name', '--no-status'], /takes a variable name/],
    ];
    for (const [args, reason, env] of cases) {
      const { code, stdout, stderr } = await run(args, env);
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, reason);
      assert.match(stderr, /Usage: claude-api-watch health/);
    }
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: claude-api-watch health/);
  });
});
