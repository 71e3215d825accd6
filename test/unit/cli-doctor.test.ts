import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runDoctorCommand } from '../../src/cli/doctor';
import type { DoctorReport } from '../../src/core/doctor';
import { renderDoctorMarkdown, runDiagnostics } from '../../src/core/doctor';
import { assistantText, finalFailure, retryFlat, unknownShapeFailure, writeConfigDir } from '../fixtures/transcripts';
import { captureIo as captureCliIo } from '../support/cliIo';

const NOW = new Date('2026-11-20T12:00:00.000Z');

function captureIo(env: Record<string, string | undefined>) {
  return captureCliIo(env, NOW);
}

describe('claude-api-watch doctor', () => {
  let home: string;
  let configDir: string;

  before(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-doctor-'));
    configDir = await writeConfigDir(path.join(home, '.claude'), {
      '-home-dev-shop/s1.jsonl': [
        assistantText('ok', { sessionId: 's1', timestamp: '2026-11-20T11:00:00.000Z', version: '2.1.230' }),
        retryFlat({ status: 529, message: 'Overloaded', requestId: 'req_doctor0000001' }, 1, { sessionId: 's1', timestamp: '2026-11-20T11:01:00.000Z', version: '2.1.230' }),
        finalFailure('API Error: 500 Internal server error.', { sessionId: 's1', timestamp: '2026-11-20T11:02:00.000Z', version: '2.1.230' }),
      ],
      '-home-dev-shop/s1/subagents/agent-a1.jsonl': [
        finalFailure('API Error: Unable to connect to API (ConnectionRefused)', { sessionId: 's1', timestamp: '2026-11-20T11:03:00.000Z', version: '2.1.230' }),
      ],
      '-home-dev-api/s2.jsonl': [
        unknownShapeFailure({ sessionId: 's2', timestamp: '2026-11-20T11:30:00.000Z', version: '2.1.290' }),
        assistantText('latest', { sessionId: 's2', timestamp: '2026-11-20T11:45:00.000Z', version: '2.1.290' }),
      ],
    });
    if (process.platform !== 'win32') execFileSync('mkfifo', [path.join(configDir, 'projects', '-home-dev-api', 'stuck.jsonl')]);
    await fs.writeFile(path.join(configDir, 'settings.json'), JSON.stringify({ env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_SECRET_ACCESS_KEY: 'abc' } }));
  });

  after(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });

  it('--json: config dirs and why, transcripts, skipped entries, versions, events by class, unknown shapes, what applies', async () => {
    const io = captureIo({ HOME: home, CLAUDE_CONFIG_DIR: configDir });
    assert.equal(await runDoctorCommand(['--json'], io), 0);
    const report = JSON.parse(io.out.join('')) as DoctorReport;
    assert.deepEqual(
      report.configDirs.map((d) => [d.path, d.chosenBy, d.state, d.projects, d.sessions, d.subagentFiles, d.recentFiles]),
      [[configDir, 'CLAUDE_CONFIG_DIR', 'ok', 2, 2, 1, 3]],
    );
    if (process.platform === 'linux') {
      assert.equal(report.watch.mode, 'per-directory');
      assert.ok(report.inotify && report.inotify.needed >= 5, 'projects, two projects, a session folder, its subagents');
    }
    if (process.platform !== 'win32') assert.deepEqual(report.skipped.map((s) => [path.basename(s.path), s.code]), [['stuck.jsonl', 'ENOTREG']]);
    assert.deepEqual(report.versions.newestSeen, ['2.1.290', '2.1.230']);
    assert.deepEqual(report.versions.newerThanKnown, ['2.1.290']);
    assert.equal(report.lastLine.writtenAt, '2026-11-20T11:45:00.000Z');
    assert.deepEqual(report.events, { failures: 2, retries: 1, byClass: { overloaded: 1, server: 1, network: 1 } });
    assert.equal(report.unknownShapes.unknownLines, 1);
    assert.deepEqual(report.unknownShapes.unknownByVersion, { '2.1.290': 1 });
    assert.equal(report.platform.api, 'AWS Bedrock');
    assert.equal(report.platform.statusPage.applies, false);
    assert.equal(report.platform.healthCheck.applies, false);
  });

  it('Markdown: redacted, with the skeletons and no values', async () => {
    const io = captureIo({ HOME: home, CLAUDE_CONFIG_DIR: configDir, USER: 'dev' });
    assert.equal(await runDoctorCommand([], io), 0);
    const text = io.out.join('');
    assert.ok(!text.includes(home), 'home directory redacted');
    assert.match(text, /`~\/\.claude` \(chosen by CLAUDE_CONFIG_DIR\): ok/);
    assert.match(text, /2 projects, 2 session transcripts, 1 subagent transcripts; 3 changed in the last 24 h/);
    assert.match(text, /Newer than this release knows \(2\.1\.278\): 2\.1\.290/);
    assert.match(text, /1 error lines could not be read \(by Claude Code version: 2\.1\.290 1\)/);
    assert.match(text, /failure:\{detail:\{kind:string,reason:string\},httpCode:number\}/);
    assert.ok(!text.includes('maintenance'), 'no value of the unknown line');
    assert.match(text, /2 final failures, 1 retries \(server 1, overloaded 1, network 1\)/);
    assert.match(text, /Anthropic status page: does not apply \(Claude Code uses AWS Bedrock/);
    assert.ok(!text.includes('abc'), 'no settings values');
  });

  it('a gateway: the status page does not apply, the health check does', async () => {
    const report = await runDiagnostics({
      configDirs: [path.join(home, 'nowhere')],
      explicitSource: '--config-dir',
      env: { ANTHROPIC_BASE_URL: 'https://llm-gw.corp.example:8443/v1' },
      homedir: home,
      platform: 'linux',
      now: NOW,
      lookbackMs: 3_600_000,
      readInotifyLimit: () => 8192,
    });
    assert.equal(report.platform.api, 'Gateway (llm-gw.corp.example:8443)');
    assert.equal(report.platform.statusPage.applies, false);
    assert.equal(report.platform.healthCheck.applies, true);
    assert.deepEqual(report.configDirs.map((d) => [d.chosenBy, d.state]), [['--config-dir', 'missing']]);
    assert.deepEqual(report.inotify, { limit: 8192, needed: 0, enough: true });
  });

  it('the inotify limit against what is needed', async () => {
    const report = await runDiagnostics({
      configDirs: [configDir],
      explicitSource: null,
      env: {},
      homedir: home,
      platform: 'linux',
      now: NOW,
      lookbackMs: 3_600_000,
      readInotifyLimit: () => 3,
    });
    assert.equal(report.inotify?.enough, false);
    assert.equal(report.configDirs[0].chosenBy, 'the default, ~/.claude');
    const mac = await runDiagnostics({ configDirs: [configDir], explicitSource: null, env: {}, homedir: home, platform: 'darwin', now: NOW, lookbackMs: 1 });
    assert.equal(mac.watch.mode, 'recursive');
    assert.equal(mac.inotify, null);
  });

  // A token of known shape but plain-looking body: our own rules and default deny let it pass, the
  // rule set a bug report uses (secretlint) knows it. Diagnostics are redacted the same way.
  const knownShapeToken = ['np', 'm_'].join('') + 'abcdefghij'.repeat(3) + 'abcdef';

  it('Markdown: a secret of known shape from the environment (a config dir path) is masked, as in a bug report', async () => {
    const secretDir = await writeConfigDir(path.join(home, `ci-${knownShapeToken}`, '.claude'), {
      '-srv-app/s9.jsonl': [finalFailure('API Error: 500 Internal server error.', { sessionId: 's9', timestamp: '2026-11-20T11:02:00.000Z', version: '2.1.230' })],
    });
    if (process.platform !== 'win32') execFileSync('mkfifo', [path.join(secretDir, 'projects', '-srv-app', `${knownShapeToken}.jsonl`)]);
    // The CLI (`doctor`) and the editor (Run Diagnostics renders with renderDoctorMarkdown) alike.
    const io = captureIo({ HOME: home, CLAUDE_CONFIG_DIR: secretDir, USER: 'dev' });
    assert.equal(await runDoctorCommand([], io), 0);
    const report = await runDiagnostics({ configDirs: [secretDir], explicitSource: 'the claudeAPIWatch.configDir setting', env: {}, homedir: home, platform: 'linux', now: NOW, lookbackMs: 3_600_000 });
    const editor = await renderDoctorMarkdown(report, { homedir: home, username: 'dev' }, '0.1.0');
    for (const text of [io.out.join(''), editor]) {
      assert.ok(!text.includes(knownShapeToken.slice(4, 20)), `no part of the token in:\n${text}`);
      assert.match(text, /`~\/ci-\[REDACTED\]\/\.claude`/);
      if (process.platform !== 'win32') assert.match(text, /\[REDACTED\]\.jsonl`: /);
    }
  });

  it('exits 1 when no config dir can be read, 2 on bad usage', async () => {
    const io = captureIo({ HOME: home });
    assert.equal(await runDoctorCommand(['--config-dir', path.join(home, 'missing')], io), 1);
    assert.match(io.out.join(''), /missing/);
    const bad = captureIo({ HOME: home });
    assert.equal(await runDoctorCommand(['--bogus'], bad), 2);
    assert.match(bad.err.join(''), /Unknown option '--bogus'[\s\S]*Usage: claude-api-watch doctor/);
  });
});
