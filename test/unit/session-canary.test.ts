// The format canary in the watch session the editor runs: an error line of unknown shape beside a
// known one, followed from real files. The known one lights the indicator; the unknown one is
// counted, logged once with its key skeleton, and offered for a report in the tooltip.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandId } from '../../src/core/commandIds';
import { realSchedule } from '../../src/core/events';
import { WatchSession } from '../../src/core/session/watchSession';
import { finalFailure, unknownShapeFailure, writeConfigDir } from '../fixtures/transcripts';

describe('WatchSession: the format canary', () => {
  it('an unknown-shaped error line beside a known one: the known one is shown, the unknown one counted, logged once and offered', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-session-canary-'));
    const now = new Date().toISOString();
    const configDir = await writeConfigDir(path.join(root, 'claude'), {
      '-home-dev-shop/s1.jsonl': [
        unknownShapeFailure({ timestamp: now, version: '2.1.290' }),
        finalFailure('API Error: 500 Internal server error.', { timestamp: now, version: '2.1.290' }, { apiErrorStatus: 500 }),
        unknownShapeFailure({ timestamp: now, version: '2.1.290' }),
      ],
    });
    const warnings: string[] = [];
    const infos: string[] = [];
    const session = new WatchSession({
      settings: {
        configDir,
        scope: 'all',
        quietPeriodMs: 600_000,
        lookbackMs: 86_400_000,
        notify: 'off',
        notifyAfterAttempts: 3,
        notifyAfterMs: 30_000,
        showWhenHealthy: true,
        anthropicStatusEnabled: false,
        anthropicStatusUrl: 'https://127.0.0.1:9/summary.json',
        healthBaseUrl: '',
      },
      env: {},
      homedir: root,
      exists: () => false,
      now: Date.now,
      schedule: realSchedule,
      log: { info: (m) => infos.push(m), warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    try {
      session.start();
      const deadline = Date.now() + 15_000;
      while (session.state.watching.phase !== 'live' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(session.state.watching.phase, 'live');

      assert.equal(session.state.snapshot.state, 'failing', 'the known failure lights the indicator');
      assert.equal(session.state.snapshot.failure?.status, 500);
      const canary = session.formatCanary();
      assert.equal(canary.unknownLines, 2);
      assert.deepEqual(canary.unknownByVersion, { '2.1.290': 2 });

      const shapeLogs = warnings.filter((m) => m.includes('shape this release cannot read'));
      assert.equal(shapeLogs.length, 1, 'logged once per shape');
      assert.match(shapeLogs[0], /Claude Code 2\.1\.290/);
      assert.match(shapeLogs[0], /failure:\{detail:\{kind:string,reason:string\},httpCode:number\}/);
      assert.ok(!shapeLogs[0].includes('maintenance'), 'no value in the log');
      assert.equal(infos.filter((m) => m.includes('newer than 2.1.278')).length, 1, 'a newer Claude Code is said once');

      const tooltip = session.state.view.tooltipMarkdown;
      assert.match(tooltip, /_2 error lines in a transcript format this release cannot read_/);
      assert.ok(tooltip.includes(`(command:${CommandId.reportUnknownFormat})`));
    } finally {
      session.dispose();
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
