// Settings that cannot be turned against the user, and strings that cannot break a URL (ARCHITECTURE.md §4).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runReportCommand } from '../../src/cli/report';
import { buildIssueSearchUrl, buildIssueUrl, DEFAULT_REPOSITORY, validRepository } from '../../src/core/report/issueUrl';
import { buildBugReport } from '../../src/core/report/report';
import { toWellFormed } from '../../src/core/report/wellFormed';
import { failureEvent, REPORT_CASES } from '../fixtures/report/cases';

const LONE_HIGH = '\uD83D';
const LONE_LOW = '\uDE00';

describe('issueRepository: where reports go', () => {
  it('accepts owner/name as GitHub spells them, surrounding blanks ignored', () => {
    for (const ok of ['anthropics/claude-code', 'me/fork', 'a-b/c.d_e', 'A1/x', ' me/fork ']) assert.equal(validRepository(ok), ok.trim(), ok);
  });

  it('refuses anything that could add a path, a query, a fragment or another host', () => {
    const hostile = [
      'a/b?assignees=someone',
      'a/b&labels=x',
      'a/b#x',
      'a/b/../../evil',
      'a/..',
      'a/.',
      '-a/b',
      'a-/b',
      'a--b/c',
      'a/b c',
      'a',
      '/a/b',
      'evil.com/a/b',
      '@evil/x',
      'a\\b',
      `${'x'.repeat(40)}/y`,
      `x/${'y'.repeat(101)}`,
      '',
      42,
      null,
      ['a/b'],
    ];
    for (const value of hostile) assert.equal(validRepository(value), null, JSON.stringify(value));
  });

  it('falls back to the default repository in the URL builders themselves', async () => {
    const report = await buildBugReport(REPORT_CASES[0].input);
    for (const repository of ['a/b?assignees=x', 'a/b/../../x', 'a/b#frag']) {
      assert.ok(buildIssueUrl(report, { repository }).url.startsWith(`https://github.com/${DEFAULT_REPOSITORY}/issues/new?template=bug_report.yml&`));
      assert.ok(buildIssueSearchUrl(report, { repository }).startsWith(`https://github.com/${DEFAULT_REPOSITORY}/issues?q=`));
    }
  });

  it('is the user’s alone: application scope, restricted in untrusted workspaces, the same pattern in the schema', async () => {
    const manifest = JSON.parse(await readFile(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const setting = manifest.contributes.configuration.properties['claudeAPIWatch.issueRepository'];
    assert.ok(['application', 'machine'].includes(setting.scope), setting.scope);
    assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('claudeAPIWatch.issueRepository'));
    const schema = new RegExp(setting.pattern, 'u');
    for (const value of ['anthropics/claude-code', 'a/b?assignees=x', 'a/..', '-a/b', 'a/b#x']) {
      assert.equal(schema.test(value), validRepository(value) !== null, value);
    }
  });
});

describe('lone surrogates', () => {
  it('are replaced, pairs kept', () => {
    assert.equal(toWellFormed(`a${LONE_HIGH}b${LONE_LOW}c😀`), 'a\uFFFDb\uFFFDc😀');
  });

  it('in an error type or network code never make the issue or search URL throw', async () => {
    for (const overrides of [
      { errorType: `api_error${LONE_HIGH}` },
      { errorType: null, status: null, networkCode: `ECONN${LONE_LOW}RESET`, failureClass: 'network' as const },
    ]) {
      const report = await buildBugReport({ ...REPORT_CASES[0].input, chosen: undefined, events: [failureEvent(overrides)] });
      const search = buildIssueSearchUrl(report);
      // Not an error type or network code of a known shape: printed as unrecognised, left out of the search.
      assert.ok(!decodeURIComponent(search).includes('\uFFFD') && !search.includes('ECONN') && !search.includes('api_error'), search);
      assert.ok(report.markdown.includes('(unrecognised value)'), report.markdown);
      assert.doesNotThrow(() => buildIssueUrl(report));
      assert.doesNotThrow(() => JSON.stringify(report));
    }
    const cut = await buildBugReport({ ...REPORT_CASES[0].input, chosen: undefined, events: [failureEvent({ message: `Internal ${LONE_HIGH} error` })] });
    assert.ok(new URL(buildIssueUrl(cut).url).searchParams.get('actual')!.includes('Internal \uFFFD error'));
  });

  it('in a transcript: report --format json exits 0 with the issue and search URLs', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'caw-surrogate-'));
    try {
      const project = path.join(root, 'projects', 'p');
      await mkdir(project, { recursive: true });
      // Written as JSON escapes, as a line cut mid-character would be serialized.
      const text = 'API Error: 500 {"type":"error","error":{"type":"api_error\\ud83d","message":"Internal server error"},"request_id":"req_011CSurrogate01"}';
      const line = `{"type":"assistant","isApiErrorMessage":true,"timestamp":"2026-01-15T10:00:00.000Z","sessionId":"s1","cwd":"/tmp/x","version":"2.1.100","message":{"model":"<synthetic>","content":[{"type":"text","text":${JSON.stringify(text)}}]}}`;
      await writeFile(path.join(project, 's1.jsonl'), `${line.replace('api_error\\\\ud83d', 'api_error\\ud83d')}\n`);
      const out: string[] = [];
      const err: string[] = [];
      const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env: { HOME: '/home/alice' }, now: () => new Date('2026-01-15T12:00:00.000Z') };
      assert.equal(await runReportCommand(['--config-dir', root, '--format', 'json'], io), 0, err.join('\n'));
      const json = JSON.parse(out.join('\n'));
      assert.equal(json.summary.errorType, '(unrecognised value)');
      assert.ok(!json.searchUrl.includes('api_error'), json.searchUrl);
      assert.ok(json.issueUrl.startsWith('https://github.com/anthropics/claude-code/issues/new?'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
