import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectEnvironment } from '../../src/core/report/environment';
import { episodeAround } from '../../src/core/episodes';
import { buildBugReport, ISSUE_FIELD_IDS, type BugReportInput } from '../../src/core/report/report';
import type { ApiFailureEvent } from '../../src/core/types';
import { failureEvent, REPORT_CASES, retryEvent } from '../fixtures/report/cases';

const ENVIRONMENT = collectEnvironment({
  env: { HOME: '/home/alice', USER: 'alice', TERM_PROGRAM: 'vscode' },
  platform: 'linux',
  osRelease: '6.8.0-45-generic',
  arch: 'x64',
  linuxOsRelease: 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nID=ubuntu\n',
});
const NOW = new Date('2026-01-15T10:30:00.000Z');

function report(events: ApiFailureEvent[], extra: Partial<BugReportInput> = {}) {
  return buildBugReport({ events, environment: ENVIRONMENT, now: NOW, timeZone: 'UTC', ...extra });
}

function at(minute: number, second = 0): string {
  return new Date(Date.UTC(2026, 0, 15, 10, minute, second)).toISOString();
}

describe('buildBugReport: title and what failed', () => {
  it('titles the report like the form asks: the error and the Claude Code version, never a request ID', async () => {
    const one = await report([failureEvent({ requestId: 'req_011CXabcdefghijklmnop', requestIds: ['req_011CXabcdefghijklmnop'], version: '2.1.120' })]);
    const other = await report([failureEvent({ requestId: 'req_011CZzzzzzzzzzzzzzzz', requestIds: ['req_011CZzzzzzzzzzzzzzzz'], version: '2.1.120' })]);
    assert.equal(one.title, '[BUG] API Error 500: `Internal server error` (Claude Code 2.1.120)');
    assert.equal(one.fields.title, one.title);
    assert.equal(other.title, one.title, 'two reports of the same error read alike: a duplicate is found by its title');
  });

  it("carries Claude Code's whole wording, redacted, into What's Wrong", async () => {
    const wording = "You've hit your session limit · resets 5:40pm (Europe/Madrid) · key sk-ant-api03-" + 'A'.repeat(90);
    const built = await report([failureEvent({ status: null, failureClass: 'rate_limit', message: "You've hit your session limit", wording })]);
    assert.match(built.fields.actual, /- Claude Code said: `You've hit your session limit · resets 5:40pm \(Europe\/Madrid\) · key /);
    assert.doesNotMatch(built.markdown, /AAAAAAAAAA/);
  });

  it('says what failed in one line, with status, type and message', async () => {
    const built = (await report([failureEvent()]));
    assert.match(built.fields.actual, /^Claude Code's requests to the Anthropic API failed with `API Error 500 \(api_error\): Internal server error`\.$/m);
    assert.equal(built.summary.status, 500);
    assert.equal(built.summary.failureClass, 'server');
  });

  it('gives times in UTC and in the local zone', async () => {
    const built = (await report([failureEvent({ timestamp: '2026-01-15T23:30:05.000Z' })], { timeZone: 'Asia/Kolkata' }));
    assert.match(built.fields.actual, /When: 2026-01-15 23:30:05 UTC \(2026-01-16 05:00:05 GMT\+5:30, Asia\/Kolkata\)/);
  });

  it('falls back to UTC alone for a zone the runtime does not know', async () => {
    const built = (await report([failureEvent({ timestamp: '2026-01-15T23:30:05.000Z' })], { timeZone: 'Mars/Olympus_Mons' }));
    assert.match(built.fields.actual, /When: 2026-01-15 23:30:05 UTC$/m);
  });

  it('counts failures and retries, the span, the sessions and projects', async () => {
    const one = { sessionId: 'aaaaaaaa-0000-4000-8000-000000000001', file: '/cfg/projects/-one/aaaaaaaa-0000-4000-8000-000000000001.jsonl', cwd: '/home/alice/src/one' };
    const two = { sessionId: 'bbbbbbbb-0000-4000-8000-000000000002', file: '/cfg/projects/-two/bbbbbbbb-0000-4000-8000-000000000002.jsonl', cwd: '/srv/work/two' };
    const events = [
      retryEvent(1, { timestamp: at(0), ...one }),
      retryEvent(2, { timestamp: at(1), ...one }),
      failureEvent({ timestamp: at(2), ...one }),
      failureEvent({ timestamp: at(3, 30), ...two }),
    ];
    const built = (await report(events));
    assert.equal(built.summary.failures, 2);
    assert.equal(built.summary.retries, 2);
    assert.deepEqual(built.summary.sessions, ['aaaaaaaa', 'bbbbbbbb']);
    assert.deepEqual(built.summary.projects, ['one', 'two']);
    assert.match(built.fields.actual, /How often: 2 final failures after 2 retries over 3 min 30 s/);
    assert.match(built.fields.actual, /Sessions: `aaaaaaaa` \(project `one`\), `bbbbbbbb` \(project `two`\)/);
    assert.match(built.fields.reproduction, /The same failure hit 2 sessions in 2 projects over 3 min 30 s\./);
  });

  it('reports a retry in progress when there is no final failure', async () => {
    const built = (await report([retryEvent(1, { timestamp: at(0) }), retryEvent(4, { timestamp: at(1) })]));
    assert.equal(built.summary.failures, 0);
    assert.match(built.fields.actual, /while Claude Code retried \(attempt 4 of 10\)/);
    assert.match(built.fields.reproduction, /no final error was recorded/);
  });
});

describe('buildBugReport: request IDs', () => {
  it('lists every ID once, the chosen failure’s own first, then the newest', async () => {
    const events = [
      retryEvent(1, { timestamp: at(0), requestId: 'req_A1', requestIds: ['req_A1'] }),
      retryEvent(2, { timestamp: at(1), requestId: 'req_B2', requestIds: ['req_B2'] }),
      failureEvent({ timestamp: at(2), requestId: 'req_C3', requestIds: ['req_C3', 'req_B2', 'req_A1'] }),
      retryEvent(1, { timestamp: at(3), sessionId: 'other', requestId: 'req_D4', requestIds: ['req_D4', 'req_B2'] }),
    ];
    assert.deepEqual((await report(events)).requestIds, ['req_C3', 'req_B2', 'req_A1', 'req_D4']);
  });

  it('puts an explicitly chosen event’s IDs first', async () => {
    const older = failureEvent({ timestamp: at(0), requestId: 'req_OLD', requestIds: ['req_OLD'] });
    const newer = failureEvent({ timestamp: at(5), requestId: 'req_NEW', requestIds: ['req_NEW'] });
    const built = (await report([older, newer], { chosen: older }));
    assert.deepEqual(built.requestIds, ['req_OLD', 'req_NEW']);
    assert.doesNotMatch(built.title, /req_/);
  });

  it('says when no ID was recorded', async () => {
    const built = (await report([failureEvent()]));
    assert.deepEqual(built.requestIds, []);
    assert.match(built.fields.actual, /Request IDs: none recorded/);
    assert.doesNotMatch(built.title, /\(req_/);
  });
});

describe('buildBugReport: regression hint', () => {
  it('takes the last success version of the first failure when it differs', async () => {
    const built = (await report([
      retryEvent(1, { timestamp: at(0), version: '2.1.110', lastSuccessVersion: '2.1.101' }),
      failureEvent({ timestamp: at(1), version: '2.1.110', lastSuccessVersion: '2.1.110' }),
    ]));
    assert.equal(built.summary.lastWorkingVersion, '2.1.101');
    assert.equal(built.fields.working_version, '2.1.101');
    assert.equal(built.detected.regression, 'yes');
    assert.match(built.markdown, /### Is this a regression\?\n\nYes, this worked in a previous version \(last success on 2\.1\.101, failing on 2\.1\.110\)/);
  });

  it('is no hint when the last success was on the same version', async () => {
    const built = (await report([failureEvent({ version: '2.1.110', lastSuccessVersion: '2.1.110' })]));
    assert.equal(built.summary.lastWorkingVersion, null);
    assert.equal(built.fields.working_version, '');
    assert.equal(built.detected.regression, 'unknown');
    assert.match(built.markdown, /### Is this a regression\?\n\nI don't know/);
  });
});

describe('buildBugReport: environment and dropdowns', () => {
  it('fills the version field like `claude --version` prints it', async () => {
    assert.equal((await report([failureEvent({ version: '2.1.110' })])).fields.version, '2.1.110 (Claude Code)');
    assert.equal((await report([failureEvent({ version: null })])).fields.version, '');
  });

  it('maps the model to the form option', async () => {
    assert.equal((await report([failureEvent({ model: 'claude-opus-4-5-20251101' })])).detected.model, 'Opus');
    assert.equal((await report([failureEvent({ model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' })])).detected.model, 'Sonnet (default)');
    assert.equal((await report([failureEvent({ model: 'claude-haiku-4-5-20251001' })])).detected.model, 'Other');
    assert.equal((await report([failureEvent({ model: null })])).detected.model, 'Not sure / Multiple models');
    const mixed = (await report([
      retryEvent(1, { timestamp: at(0), model: 'claude-haiku-4-5' }),
      failureEvent({ timestamp: at(1), model: 'claude-opus-4-5' }),
    ]));
    assert.equal(mixed.detected.model, 'Not sure / Multiple models');
  });

  it('states every detected dropdown value in `additional`, in the form’s words', async () => {
    const built = (await report([failureEvent({ model: 'claude-opus-4-5' })]));
    assert.deepEqual(built.detected, {
      model: 'Opus',
      regression: 'unknown',
      platform: 'Anthropic API',
      os: 'Ubuntu/Debian Linux',
      terminal: 'VS Code integrated terminal',
    });
    for (const line of [
      '- Claude Model: Opus — `claude-opus-4-5`',
      "- Is this a regression?: I don't know",
      '- Platform: Anthropic API',
      '- Operating System: Ubuntu/Debian Linux (`Ubuntu 24.04.1 LTS, kernel 6.8.0-45-generic, x64`)',
      '- Terminal/Shell: VS Code integrated terminal',
    ]) {
      assert.ok(built.fields.additional.includes(line), `missing "${line}" in:\n${built.fields.additional}`);
    }
  });

  it('lays the Markdown out in the order of the bug form', async () => {
    const headings = [...(await report([failureEvent()])).markdown.matchAll(/^### (.*)$/gm)].map((match) => match[1]);
    assert.deepEqual(headings, [
      "What's Wrong?",
      'What Should Happen?',
      'Error Messages/Logs',
      'Steps to Reproduce',
      'Claude Model',
      'Is this a regression?',
      'Last Working Version',
      'Claude Code Version',
      'Platform',
      'Operating System',
      'Terminal/Shell',
      'Additional Information',
    ]);
  });

  it('fences the log with more backticks than it contains, and leaves fences out of the field', async () => {
    const built = (await report([failureEvent({ message: '500 weird ```json``` body' })]));
    assert.ok(!built.fields.error_output.includes('```shell'));
    assert.match(built.markdown, /````shell\n/);
  });

  it('has every text field of the form and nothing else', async () => {
    assert.deepEqual(Object.keys((await report([failureEvent()])).fields).sort(), [...ISSUE_FIELD_IDS].sort());
  });
});

describe('buildBugReport: privacy', () => {
  it('redacts secrets and the home directory in everything taken from transcripts', async () => {
    const built = (await report([
      failureEvent({
        message: '401 invalid x-api-key sk-ant-api03-SECRETSECRETSECRET for jane@example.com',
        cwd: '/home/alice/src/alice-private-client',
        file: '/home/alice/.claude/projects/x/s.jsonl',
        requestId: 'req_011CXkeepme',
        requestIds: ['req_011CXkeepme'],
      }),
    ]));
    const everything = [built.markdown, ...Object.values(built.fields), JSON.stringify(built.summary)].join('\n');
    assert.ok(!everything.includes('SECRETSECRET'));
    assert.ok(!everything.includes('jane@example.com'));
    assert.ok(!everything.includes('/home/alice'));
    assert.ok(everything.includes('req_011CXkeepme'));
    assert.ok(everything.includes('alice-private-client'), 'the project name is kept: it says where it happened');
  });

  it('names a project in the home directory itself as ~, not by the user name', async () => {
    const built = (await report([failureEvent({ cwd: '/home/alice' })]));
    assert.deepEqual(built.summary.projects, ['~']);
    assert.ok(!built.markdown.includes('alice'));
  });

  it('never includes the transcript path or the environment’s secrets', async () => {
    const auth = REPORT_CASES.find((c) => c.name === 'auth-401')!;
    const built = (await buildBugReport(auth.input));
    assert.ok(!built.markdown.includes('never-in-a-report'));
    assert.ok(!built.markdown.includes('.jsonl'));
  });
});

describe('a report of one episode', () => {
  it('counts the failures and retries of the episode it is given', async () => {
    const a = retryEvent(1, { line: 1, timestamp: at(0) });
    const b = failureEvent({ line: 2, timestamp: at(8) });
    const c = retryEvent(1, { line: 3, timestamp: at(17), sessionId: 'other' });
    const d = failureEvent({ line: 4, timestamp: at(40) });
    const built = (await report(episodeAround([a, b, c, d], b), { chosen: b }));
    assert.equal(built.summary.failures, 1);
    assert.equal(built.summary.retries, 2);
  });
});
