import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, describeUnknownShapes, FormatCanary, keySkeleton, NEWEST_KNOWN_CLAUDE_CODE_VERSION } from '../../src/core/canary';
import { isNetworkCode, networkCodeInText } from '../../src/core/classify';
import { describePlanLimit, limitWindowLabel, resetTimeFromEpoch } from '../../src/core/planLimit';
import { buildFormatIssueUrl } from '../../src/core/report/formatIssue';

describe('key skeletons', () => {
  it('keep keys and JSON types, never values', () => {
    const skeleton = keySkeleton({
      type: 'assistant',
      n: 3,
      ok: true,
      none: null,
      list: [{ a: 'x' }, { a: 'y' }, { b: 1 }],
      empty: [],
      secret: 'sk-ant-api03-abcdef',
    });
    assert.equal(skeleton, '{empty:[],list:[{a:string}|{b:number}],n:number,none:null,ok:boolean,secret:string,type:string}');
  });

  it('turn keys that could be data into <key>, and cap depth', () => {
    const skeleton = keySkeleton({ headers: { '/home/alice/secret.txt': 'x', 'alice@example.com': 1 }, deep: { a: { b: { c: { d: 1 } } } } });
    assert.ok(!skeleton.includes('alice'));
    assert.match(skeleton, /headers:\{<key>:number\|string\}/);
    assert.match(skeleton, /deep:\{a:\{b:\{c:\{…\}\}\}\}/);
  });
});

describe('versions', () => {
  it('compare numerically', () => {
    assert.equal(compareVersions('2.1.9', '2.1.10'), -1);
    assert.equal(compareVersions('2.1.240', '2.1.240'), 0);
    assert.equal(compareVersions('2.2.0', '2.1.999'), 1);
    assert.ok(/^\d+\.\d+\.\d+$/.test(NEWEST_KNOWN_CLAUDE_CODE_VERSION));
  });

  it('the canary ignores values that are not versions', () => {
    const canary = new FormatCanary();
    canary.noteVersion('../../etc');
    canary.noteVersion(null);
    canary.noteVersion('2.1.10');
    assert.deepEqual(canary.snapshot().newestVersionsSeen, ['2.1.10']);
    assert.equal(describeUnknownShapes(canary.snapshot()), null);
  });
});

describe('network codes', () => {
  it('both spellings, and nothing that merely looks like one', () => {
    for (const code of ['ECONNRESET', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'FailedToOpenSocket', 'ConnectionRefused', 'ConnectionClosed', 'CERT_HAS_EXPIRED']) {
      assert.ok(isNetworkCode(code), code);
    }
    for (const word of ['MyProject', 'Opus', 'Europe', 'HTTP', 'SessionLimit']) assert.ok(!isNetworkCode(word), word);
    assert.equal(networkCodeInText('Unable to connect (MyProject) (ConnectionRefused)'), 'ConnectionRefused');
  });
});

describe('plan limits', () => {
  it('name the window as people say it', () => {
    assert.equal(limitWindowLabel('five_hour'), '5-hour');
    assert.equal(limitWindowLabel('seven_day'), '7-day');
    assert.equal(limitWindowLabel('seven_day_opus'), '7-day Opus');
    assert.equal(limitWindowLabel('monthly_spend'), 'monthly spend');
    assert.equal(limitWindowLabel('[x](https://evil.example)'), 'xhttpsevilexample');
  });

  it('say when the limit resets and how long until then', () => {
    const now = new Date('2026-11-20T15:35:00Z');
    const resetsAt = resetTimeFromEpoch(Date.parse('2026-11-20T17:40:00Z') / 1000);
    assert.equal(describePlanLimit({ limitWindow: '5-hour', resetsAt }, now, 'UTC'), 'plan limit (5-hour) · resets 17:40, in 2 h 5 min');
    assert.equal(describePlanLimit({ limitWindow: '5-hour', resetsAt }, now, 'Europe/Madrid'), 'plan limit (5-hour) · resets 18:40, in 2 h 5 min');
    assert.equal(describePlanLimit({ resetsAt }, new Date('2026-11-20T18:00:00Z'), 'UTC'), 'plan limit · reset at 17:40');
    assert.equal(describePlanLimit({ limitWindow: '7-day', resetsAt: null }, now, 'UTC'), 'plan limit (7-day)');
    assert.equal(
      describePlanLimit({ limitWindow: '7-day', resetsAt: '2026-11-23T09:00:00.000Z' }, now, 'UTC'),
      'plan limit (7-day) · resets Mon 09:00, in 2 d 17 h',
    );
    assert.equal(resetTimeFromEpoch(1767225600000), '2026-01-01T00:00:00.000Z', 'milliseconds too');
  });
});

describe('the unknown-format issue', () => {
  it("opens this project's issue form with skeletons and versions, no values, within the URL limit", () => {
    const canary = new FormatCanary();
    const line = { type: 'api_failure', isApiErrorMessage: true, version: '2.1.290', cwd: '/home/alice/secret-project', detail: { reason: 'sk-ant-api03-leak' } };
    canary.noteUnknown(line, { file: '/home/alice/.claude/projects/x/s.jsonl', line: 3 });
    canary.noteUnknown(line, { file: '/home/alice/.claude/projects/x/s.jsonl', line: 9 });
    for (let i = 0; i < 40; i++) canary.noteUnknown({ isApiErrorMessage: true, version: '2.1.291', [`field${i}`]: { ['k'.repeat(30)]: 1 } }, { file: 'f', line: i });
    const url = buildFormatIssueUrl(canary.snapshot(), { bugsUrl: 'https://github.com/claude-api-watch/claude-api-watch/issues', extensionVersion: '0.2.0', maxUrlLength: 3000 });
    assert.ok(url);
    assert.ok(url.startsWith('https://github.com/claude-api-watch/claude-api-watch/issues/new?title='), url);
    assert.ok(url.length <= 3000);
    const body = new URL(url).searchParams.get('body') ?? '';
    assert.match(new URL(url).searchParams.get('title') ?? '', /Unknown transcript format from Claude Code 2\.1\.291/);
    assert.match(body, /Claude API Watch 0\.2\.0 could not read 42 error lines/);
    assert.match(body, /Claude Code 2\.1\.290: 2 lines/);
    assert.match(body, /cwd:string,detail:\{reason:string\}/);
    assert.match(body, /more shapes \(run `claude-api-watch doctor` for all\)/);
    for (const value of ['alice', 'secret-project', 'sk-ant', 'api_failure', 's.jsonl']) assert.ok(!body.includes(value), value);
    assert.equal(buildFormatIssueUrl(canary.snapshot(), { bugsUrl: 'javascript:alert(1)' }), null);
  });
});
