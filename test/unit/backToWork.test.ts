// What back to work rests on, in plain Node: reset times read from Claude Code's wording, which
// sessions can be resumed and how, and the command line quoted for each shell.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCreditCap, limitWindowFromWording, planLimitResetAt, resetTimeFromWording } from '../../src/core/planLimit';
import { continuesAfterReset, formatDuration } from '../../src/core/session/backToWork';
import { claudeExtensionSessionUri, quoteForShell, resumeCommandLine, resumeTargetFor, shellKindOf } from '../../src/core/session/resume';

const FAILED = Date.parse('2026-03-02T14:10:00Z');
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('reset times from the wording', () => {
  it('the next time the named clock shows the time, in the zone named', () => {
    assert.equal(iso(resetTimeFromWording("You've hit your session limit · resets 5:40pm (Europe/Madrid)", FAILED)), '2026-03-02T16:40:00.000Z');
    assert.equal(iso(resetTimeFromWording("You've hit your session limit · resets 1am (Europe/Madrid)", FAILED)), '2026-03-03T00:00:00.000Z', 'after midnight: the next day');
    assert.equal(iso(resetTimeFromWording('resets 17:40', FAILED, 'UTC')), '2026-03-02T17:40:00.000Z');
    assert.equal(iso(resetTimeFromWording("You've hit your weekly limit · resets Oct 9, 10am (America/New_York)", FAILED)), '2026-10-09T14:00:00.000Z');
    assert.equal(iso(resetTimeFromWording('resets 3pm (Not/AZone)', FAILED, 'Asia/Tokyo')), '2026-03-03T06:00:00.000Z', 'an unknown zone: the one given');
  });

  it('no time, no reset; nonsense times are not times', () => {
    for (const wording of ["You've hit your session limit", 'resets soon', 'resets 13pm', 'resets 25:00', '', null]) {
      assert.equal(resetTimeFromWording(wording, FAILED, 'UTC'), null, String(wording));
    }
  });

  it('quotaLimits first, then the wording; a per-model credit cap has no reset', () => {
    const base = { failureClass: 'rate_limit', timestamp: new Date(FAILED).toISOString(), message: 'limit' };
    assert.equal(planLimitResetAt({ ...base, resetsAt: '2026-03-02T19:00:00.000Z', wording: 'resets 5:40pm (UTC)' }), Date.parse('2026-03-02T19:00:00.000Z'));
    assert.equal(iso(planLimitResetAt({ ...base, wording: 'resets 5:40pm (UTC)' })), '2026-03-02T17:40:00.000Z');
    assert.equal(planLimitResetAt({ ...base, wording: "You've reached your Opus limit · /usage-credits or /model", resetsAt: '2026-03-02T19:00:00.000Z' }), null);
    assert.equal(planLimitResetAt({ ...base, failureClass: 'server', resetsAt: '2026-03-02T19:00:00.000Z' }), null);
    assert.ok(isCreditCap("You've reached your Opus limit · /usage-credits or /model"));
    assert.ok(!isCreditCap("You've hit your session limit · resets 5:40pm"));
  });

  it('the window the wording names', () => {
    assert.equal(limitWindowFromWording("You've hit your session limit · resets 5:40pm"), '5-hour');
    assert.equal(limitWindowFromWording("You've hit your weekly limit · resets Oct 9"), '7-day');
    assert.equal(limitWindowFromWording('Request rejected (429)'), null);
  });

  it('which versions continue by themselves; durations in words', () => {
    assert.deepEqual(['2.1.233', '2.1.234', '2.2.0', '2.1.77', '10.0.0', null, 'x'].map(continuesAfterReset), [false, true, true, false, true, false, false]);
    assert.deepEqual([20_000, 23 * 60_000, 65 * 60_000, 120 * 60_000].map(formatDuration), ['less than a minute', '23 min', '1 h 5 min', '2 h']);
  });
});

describe('Resume Session', () => {
  const id = '3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c';

  it('a CLI session: claude --resume with the id quoted, in its working directory', () => {
    assert.deepEqual(resumeTargetFor({ sessionId: id, cwd: '/home/dev/shop', entrypoint: 'cli' }), {
      kind: 'terminal',
      sessionId: id,
      cwd: '/home/dev/shop',
      commandLine: `claude --resume '${id}'`,
    });
    assert.equal(resumeCommandLine(id, 'cmd'), `claude --resume "${id}"`);
  });

  it("the Claude Code extension's own session: through that extension; other clients and odd ids: not at all", () => {
    assert.equal(resumeTargetFor({ sessionId: id, cwd: null, entrypoint: 'claude-vscode' })?.kind, 'claudeExtension');
    assert.equal(claudeExtensionSessionUri('cursor', id), `cursor://anthropic.claude-code/open?session=${id}`);
    for (const entrypoint of ['sdk-ts', 'claude-desktop', null]) assert.equal(resumeTargetFor({ sessionId: id, cwd: null, entrypoint }), null, String(entrypoint));
    for (const sessionId of [`${id}; rm -rf ~`, '$(reboot)', 's1', null, `'${id}'`]) {
      assert.equal(resumeTargetFor({ sessionId, cwd: null, entrypoint: 'cli' }), null, String(sessionId));
    }
  });

  it('quoting takes any text literally in each shell', () => {
    assert.equal(quoteForShell("it's", 'posix'), `'it'\\''s'`);
    assert.equal(quoteForShell("it's", 'powershell'), `'it''s'`);
    assert.equal(quoteForShell('say "hi"', 'cmd'), '"say ""hi"""');
    assert.deepEqual(['/bin/zsh', 'C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'C:\\Windows\\System32\\cmd.exe', undefined].map(shellKindOf), ['posix', 'powershell', 'cmd', 'posix']);
  });
});
