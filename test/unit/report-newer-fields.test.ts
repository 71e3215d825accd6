// The report reads the newer fields right: a plan limit says when it resets, an auth failure
// without a status claims no 401, a cut-off response names its own request ID.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runReportCommand } from '../../src/cli/report';
import { assistantText, finalFailure, writeConfigDir } from '../fixtures/transcripts';
import { captureIo as captureCliIo } from '../support/cliIo';

const NOW = new Date('2026-11-20T15:35:00.000Z');

function captureIo(env: Record<string, string | undefined>) {
  return captureCliIo(env, NOW);
}

describe('claude-api-watch report: newer fields', () => {
  let root: string;
  const dirs: Record<string, string> = {};

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-report-newer-'));
    dirs.plan = await writeConfigDir(path.join(root, 'plan'), {
      '-p/s.jsonl': [
        finalFailure("You've hit your session limit · resets 5:40pm", { timestamp: '2026-11-20T15:30:00.000Z', version: '2.1.232' }, {
          error: 'rate_limit',
          quotaLimits: { status: 'rejected', resetsAt: Date.parse('2026-11-20T17:40:00Z') / 1000, rateLimitType: 'five_hour' },
        }),
      ],
    });
    dirs.login = await writeConfigDir(path.join(root, 'login'), {
      '-p/s.jsonl': [finalFailure('Login expired · Please run /login', { timestamp: '2026-11-20T15:30:00.000Z' }, { error: 'authentication_failed' })],
    });
    dirs.cut = await writeConfigDir(path.join(root, 'cut'), {
      '-p/s.jsonl': [
        assistantText('first part', { uuid: 'a1', timestamp: '2026-11-20T15:29:00.000Z' }, 'claude-opus-4-5', 'req_011CVcutreport0000001'),
        finalFailure('API Error: Server error mid-response. The response above may be incomplete.', { parentUuid: 'a1', timestamp: '2026-11-20T15:30:00.000Z' }),
      ],
    });
  });

  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const markdown = async (dir: string): Promise<string> => {
    const io = captureIo({ HOME: root, TZ: 'UTC' });
    assert.equal(await runReportCommand(['--config-dir', dir], io), 0);
    return io.out.join('\n');
  };

  it('a plan limit: its window and when it resets', async () => {
    assert.match(await markdown(dirs.plan), /- Limit: plan limit \(5-hour\) · resets \S+, in 2 h 5 min/);
  });

  it('an auth failure without a status does not claim a 401', async () => {
    const text = await markdown(dirs.login);
    assert.doesNotMatch(text, /401/);
    assert.match(text, /\[BUG\] API Error: `?Login expired/);
  });

  it("a mid-response failure says so, with the cut-off response's request ID", async () => {
    const text = await markdown(dirs.cut);
    assert.match(text, /Server error mid-response/);
    assert.match(text, /req_011CVcutreport0000001/);
  });
});
