// The report is safe by its shape (issue 21): a generated corpus (test/fixtures/report/attackCorpus.ts)
// of secrets, Markdown, invisible characters and personal data, placed in every transcript field
// that can reach a report (the record's fields and the envelope) and in the network and local
// values beside them, through all three formats (Markdown, the issue URL's fields, JSON). The
// properties: no window of 8 characters of a planted secret survives; no planted Markdown renders
// (markdown-it, GFM autolinks); nothing invisible or acting gets through. Then each class on its
// own: cut before redaction, redaction of the assembled Markdown, value fields, known-safe shapes,
// thresholds and the word list; and what a maintainer needs stays readable.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { runReportCommand } from '../../src/cli/report';
import { renderDoctorMarkdown, runDiagnostics } from '../../src/core/doctor';
import { limitWindowLabel } from '../../src/core/planLimit';
import { parseTranscriptLine } from '../../src/core/records';
import { collectEnvironment, type EnvironmentFacts } from '../../src/core/report/environment';
import { UNRECOGNISED } from '../../src/core/report/fields';
import { buildIssueSearchUrl, buildIssueUrl } from '../../src/core/report/issueUrl';
import { redact } from '../../src/core/report/redact';
import { buildBugReport, type BugReport, type BugReportInput } from '../../src/core/report/report';
import type { ApiFailureEvent } from '../../src/core/types';
import { INVISIBLE, MARKDOWN_PAYLOADS, plantedSecrets, SecretFactory, TERMINAL_ESCAPES, type Planted } from '../fixtures/report/attackCorpus';
import { failureEvent, retryEvent } from '../fixtures/report/cases';
import { assistantText, finalFailure, retrySdkError, writeConfigDir } from '../fixtures/transcripts';

const ENVIRONMENT = collectEnvironment({ env: { HOME: '/home/alice', USER: 'alice' }, platform: 'linux', osRelease: '6.8.0-45-generic', arch: 'x64' });
const NOW = new Date('2026-01-15T10:30:00.000Z');
const SESSION = '4f1c2d3e-0a1b-4c5d-8e9f-a0b1c2d3e4f5';

type Place = (text: string) => BugReportInput;

function input(overrides: Partial<ApiFailureEvent> = {}, extra: Partial<BugReportInput> = {}, environment: Partial<EnvironmentFacts> = {}): BugReportInput {
  const retry = retryEvent(2, { timestamp: '2026-01-15T09:59:00.000Z', requestId: 'req_011CRetryBefore01', requestIds: ['req_011CRetryBefore01'], ...overrides });
  const chosen = failureEvent({ requestId: 'req_011CChosenFail01', requestIds: ['req_011CChosenFail01'], ...overrides });
  return { events: [retry, chosen], chosen, environment: { ...ENVIRONMENT, ...environment }, now: NOW, timeZone: 'UTC', ...extra };
}

/**
 * Every field of a failure that can reach a report: the record's and the envelope's (as the event
 * reader hands them over), the network texts and the local values beside them.
 */
const FIELDS: ReadonlyArray<readonly [string, Place]> = [
  ['message', (t) => input({ message: `500 ${t}` })],
  ['message (status only)', (t) => input({ message: t, status: null })],
  ['wording', (t) => input({ wording: `Internal server error. ${t} Try again.` })],
  ['cwd', (t) => input({ cwd: `/srv/build/${t}` })],
  ['cwd (last segment)', (t) => input({ cwd: `/srv/${t.replace(/[\\/]/g, '_')}` })],
  ['model', (t) => input({ model: t })],
  ['version', (t) => input({ version: t })],
  ['last success version', (t) => input({ lastSuccessVersion: t })],
  ['entrypoint', (t) => input({ entrypoint: t })],
  ['network code', (t) => input({ networkCode: t, status: null, failureClass: 'network' })],
  ['error type (category, errorDetails.type)', (t) => input({ errorType: t })],
  ['quotaLimits.rateLimitType', (t) => input({ limitWindow: limitWindowLabel(t), failureClass: 'rate_limit', status: 429 })],
  ['session id', (t) => input({ sessionId: t })],
  ['session id and its file', (t) => input({ sessionId: t, file: `/home/alice/.claude/projects/-srv/${t}.jsonl` })],
  ['request id', (t) => input({ requestId: t, requestIds: [t] })],
  ['timestamp', (t) => input({ timestamp: t })],
  ['reset time', (t) => input({ resetsAt: t, failureClass: 'rate_limit', status: 429 })],
  ['health check', (t) => input({}, { healthCheck: { summary: `got 401 (${t})` } })],
  ['Anthropic status', (t) => input({}, { anthropicStatus: { summary: t } })],
  ['Anthropic incident', (t) => input({}, { anthropicIncident: { summary: t } })],
  ['gateway host', (t) => input({}, {}, { apiPlatform: `Gateway (${t})`, platformOption: 'Other' })],
  ['terminal', (t) => input({}, {}, { terminal: t, terminalOption: 'Other' })],
  ['OS detail', (t) => input({}, {}, { osDetail: t })],
  ['editor', (t) => input({}, {}, { editor: t })],
  ['extension version', (t) => input({}, {}, { extensionVersion: t })],
];

interface Outputs {
  /** Markdown that GitHub renders: the clipboard report and each field of the URL. */
  markdown: string[];
  /** Every text handed out, in all three formats (the URL decoded, the JSON as the CLI prints it). */
  all: string;
}

function outputs(report: BugReport): Outputs {
  const issue = buildIssueUrl(report);
  const search = buildIssueSearchUrl(report);
  const fields = new URL(issue.url).searchParams;
  const json = JSON.stringify({ ...report, issueUrl: issue.url, issueUrlTrimmed: issue.trimmed, searchUrl: search }, null, 2);
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(JSON.parse(json));
  const urlTexts = [...fields.values(), ...new URL(search).searchParams.values(), decodeURIComponent(issue.url), decodeURIComponent(search)];
  return {
    markdown: [report.markdown, ...[...fields.entries()].filter(([id]) => id !== 'error_output' && id !== 'template').map(([, value]) => value)],
    all: [report.markdown, ...urlTexts, json, ...strings].join('\n'),
  };
}

function windows(secret: string, size = 8): string[] {
  if (secret.length <= size) return [secret];
  const found: string[] = [];
  for (let i = 0; i + size <= secret.length; i++) found.push(secret.slice(i, i + size));
  return found;
}

/** Windows of the secrets found in the outputs that the same report with harmless text does not hold. */
function survivors(secrets: readonly string[], texts: string, baseline: string): string[] {
  const found = new Set<string>();
  for (const secret of secrets) {
    for (const form of [secret, encodeURIComponent(secret)]) {
      for (const window of windows(form)) {
        if (texts.includes(window) && !baseline.includes(window)) found.add(window);
      }
    }
  }
  return [...found];
}

const markdown = new MarkdownIt({ html: true, linkify: true });
markdown.linkify.set({ fuzzyLink: false });

/** What renders live: links, images, HTML, and @mentions or references in text outside code. */
function liveMarkdown(source: string): string[] {
  const live: string[] = [];
  const walk = (tokens: ReturnType<typeof markdown.parse>): void => {
    for (const token of tokens) {
      if (token.type === 'link_open') live.push(`link ${token.attrGet('href')}`);
      if (token.type === 'image') live.push('image');
      if (token.type === 'html_inline' || token.type === 'html_block') live.push(`html ${token.content}`);
      if (token.type === 'text') {
        // GitHub's own autolinks in text: @mentions, #123, owner/repo#123, GH-123.
        const reference = /(?:^|[^\w`])@[A-Za-z\d]|(?:^|[^\w&])#\d|\/[\w.-]+#\d|\bGH-\d/.exec(token.content);
        if (reference) live.push(`reference ${reference[0]}`);
      }
      if (token.children) walk(token.children);
    }
  };
  walk(markdown.parse(source, {}));
  return live;
}

function blocks(source: string): string[] {
  return markdown
    .parse(source, {})
    .filter((token) => token.nesting === 1 && token.level === 0)
    .map((token) => token.type);
}

// eslint-disable-next-line no-control-regex
const ACTING = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]|\udb40[\udc00-\udc7f]/;

describe('the generated corpus, in every field, in all three formats', () => {
  const factory = new SecretFactory(0x21c0de);
  const corpus = plantedSecrets(factory, 4);

  it('covers every class the issue names, with many kinds', () => {
    const classes = new Set(corpus.map((p) => p.kind.split(':')[0]));
    for (const name of ['prefix', 'known-safe shape', 'default deny', 'word list', 'threshold', 'wrapped over two lines', 'wrapped, joined with a blank', 'personal data']) {
      assert.ok(classes.has(name), name);
    }
    assert.ok(new Set(corpus.map((p) => p.kind)).size >= 25, `${new Set(corpus.map((p) => p.kind)).size} kinds`);
  });

  for (const [field, place] of FIELDS) {
    it(`leaks no window of a planted secret from the ${field}`, async () => {
      const baseline = outputs(await buildBugReport(place('plain words here'))).all;
      const leaks: string[] = [];
      for (const planted of corpus) {
        const found = survivors(planted.secrets, outputs(await buildBugReport(place(planted.text))).all, baseline);
        if (found.length) leaks.push(`${planted.kind}: ${JSON.stringify(planted.text)} → ${found.slice(0, 3).join(' | ')}`);
      }
      assert.deepEqual(leaks, [], `${leaks.length} of ${corpus.length} leaked from the ${field}`);
    });
  }
});

describe('no planted Markdown renders, in any field, in the Markdown or the URL', () => {
  const payloads = [...MARKDOWN_PAYLOADS, ...MARKDOWN_PAYLOADS.map((payload) => `password: ${payload}`)];
  for (const [field, place] of FIELDS) {
    it(`from the ${field}`, async () => {
      const skeleton = blocks((await buildBugReport(place('plain words here'))).markdown);
      const problems: string[] = [];
      for (const payload of payloads) {
        const report = await buildBugReport(place(payload));
        const { markdown: sources } = outputs(report);
        for (const source of sources) {
          const live = liveMarkdown(source);
          if (live.length) problems.push(`${JSON.stringify(payload)}: ${live.join(', ')}`);
        }
        if (JSON.stringify(blocks(report.markdown)) !== JSON.stringify(skeleton)) problems.push(`${JSON.stringify(payload)}: the report's blocks changed`);
        // GitHub puts error_output in a shell fence of three backticks: no line may close it.
        const log = new URL(buildIssueUrl(report).url).searchParams.get('error_output') ?? '';
        if (log.split('\n').some((line) => /^\s{0,3}(?:`{3,}|~{3,})/.test(line))) problems.push(`${JSON.stringify(payload)}: the log's fence can be closed`);
      }
      assert.deepEqual(problems, []);
    });
  }
});

describe('redaction of the assembled Markdown: a value ending in a secret name cannot open up the next one', () => {
  it('a message ending in password:, token=, api_key:, Authorization: keeps every payload in other fields inert', async () => {
    const problems: string[] = [];
    for (const suffix of ['password:', 'token=', 'api_key:', 'Authorization:', 'secret =', '"passwd":', '--password']) {
      for (const payload of MARKDOWN_PAYLOADS) {
        const report = await buildBugReport(
          input(
            // A value ending in the name, then free text with the payload in the same section.
            { message: `500 upstream ${suffix}`, wording: `${payload} ${suffix}`, cwd: `/srv/${payload.replace(/\//g, '_')}` },
            { healthCheck: { summary: `upstream ${suffix}` }, anthropicStatus: { summary: payload }, anthropicIncident: { summary: `${payload} ${suffix}` } },
          ),
        );
        for (const source of outputs(report).markdown) {
          const live = liveMarkdown(source);
          if (live.length) problems.push(`${suffix} + ${JSON.stringify(payload)}: ${live.join(', ')}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('every free value is its own code span, closed where it ends (undoing "quoted so it cannot become Markdown" fails here)', async () => {
    const value = 'see `x` and ``y`` then @octocat #1 password: ![i](https://evil.example/i.png)';
    const report = await buildBugReport(input({ message: `500 ${value}`, wording: value }));
    const said = /- Claude Code said: (.*)$/m.exec(report.fields.actual)![1];
    // Three backticks around a text whose longest run is two, each side, and nothing after.
    assert.match(said, /^```[^`].*[^`]```$/);
    const inline = markdown.parseInline(said, {})[0].children!;
    assert.deepEqual(inline.map((token) => token.type), ['code_inline']);
    assert.ok(inline[0].content.includes('@octocat #1 password:'), inline[0].content);
  });
});

describe('invisible and acting characters', () => {
  const texts = [...INVISIBLE.map((char) => `ghp${char}_bad${char}GH-1234 ${char}@octocat`), ...TERMINAL_ESCAPES];
  for (const [field, place] of FIELDS) {
    it(`none reaches any format from the ${field}`, async () => {
      const problems: string[] = [];
      for (const text of texts) {
        const { all } = outputs(await buildBugReport(place(text)));
        const found = ACTING.exec(all);
        if (found) problems.push(`${JSON.stringify(text)}: U+${found[0].codePointAt(0)!.toString(16)}`);
      }
      assert.deepEqual(problems, []);
    });
  }

  it('a zero-width character inside a token does not hide it from the rules', async () => {
    const factory = new SecretFactory(7);
    for (let i = 0; i < 20; i++) {
      const token = factory.vendorToken().replace(/-$/, '-0a1b2c3d');
      const at = 3 + factory.int(token.length - 4);
      const hidden = `${token.slice(0, at)}${factory.pick(['\u200b', '\u200d', '\u2060', '\u00ad', '\ufeff'])}${token.slice(at)}`;
      const { all } = outputs(await buildBugReport(input({ message: `500 failed ${hidden}` })));
      assert.deepEqual(survivors([token], all, ''), [], hidden);
    }
  });
});

describe('value fields: only the parsed form is printed', () => {
  const typed: ReadonlyArray<readonly [string, Place, string]> = [
    ['model', (t) => input({ model: t }), 'claude-opus-4-5-20251101'],
    ['version', (t) => input({ version: t }), '2.1.131'],
    ['entrypoint', (t) => input({ entrypoint: t }), 'claude-vscode'],
    ['network code', (t) => input({ networkCode: t, status: null, failureClass: 'network' }), 'ECONNRESET'],
    ['error type', (t) => input({ errorType: t }), 'overloaded_error'],
    ['limit window', (t) => input({ limitWindow: limitWindowLabel(t), failureClass: 'rate_limit', status: 429 }), 'seven_day_opus'],
    ['request id', (t) => input({ requestId: t, requestIds: [t] }), 'req_011CXr4t3L1m1tEd0000000002'],
  ];
  for (const [field, place, good] of typed) {
    it(`${field}: a value of its shape is printed, anything else is "${UNRECOGNISED}"`, async () => {
      const kept = outputs(await buildBugReport(place(good)));
      const shown = good === 'seven_day_opus' ? '7-day Opus' : good;
      assert.ok(kept.all.includes(shown), `${shown} missing`);
      for (const bad of ['GH-1234', '@octocat', '#1', 'x](https://evil.example)', `${good} extra`, `${good}\u202e`, 'claude-opus-4-5 ghp_x', '99.99.99-evil']) {
        const report = await buildBugReport(place(bad));
        const { all } = outputs(report);
        assert.ok(report.markdown.includes(UNRECOGNISED) || !report.markdown.includes(bad), `${field} = ${bad}`);
        assert.ok(!all.includes(bad) || bad === good, `${field} = ${bad} printed verbatim`);
      }
    });
  }

  it('a session is shown only by a UUID naming its transcript', async () => {
    const named = await buildBugReport(input({ sessionId: SESSION }));
    assert.match(named.markdown, /Sessions: `4f1c2d3e`/);
    const stray = await buildBugReport(input({ sessionId: 'GH-1234-@octocat', file: '/cfg/projects/-x/not-a-session.jsonl' }));
    assert.match(stray.markdown, /Sessions: \(unrecognised value\)/);
    // A UUID-shaped id that is not the transcript's: the transcript's own name is shown.
    const other = await buildBugReport(input({ sessionId: '11111111-2222-4333-8444-555555555555' }));
    assert.match(other.markdown, /Sessions: `4f1c2d3e`/);
    assert.ok(!outputs(other).all.includes('11111111'));
  });

  it('numbers are numbers: a card number as an attempt or a status is not printed', async () => {
    const report = await buildBugReport(input({ attempt: 4111111111111111, maxRetries: 5555555555554444, status: 4111111111111111 }));
    assert.ok(!outputs(report).all.includes('41111111'), report.markdown);
  });
});

describe('redact first, cut after', () => {
  // The cut points of the report: the title's message (90), a message (240), the wording (600).
  const factory = new SecretFactory(0xc07);
  const secrets = Array.from({ length: 6 }, () => factory.vendorToken().replace(/-$/, '-0a1b2c3d-0a1b-4c5d-8e9f-a0b1c2d3e4f5'));
  for (const [where, cut, place] of [
    ['the title', 90, (text: string) => input({ message: `500 ${text}` })],
    ['a message', 240, (text: string) => input({ message: `500 ${text}` })],
    ['the wording', 600, (text: string) => input({ wording: text })],
    ['a health check', 600, (text: string) => input({}, { healthCheck: { summary: text } })],
  ] as const) {
    it(`no piece of a token straddling the cut of ${where} (${cut}) survives`, async () => {
      const leaks: string[] = [];
      for (const secret of secrets) {
        for (let overlap = 1; overlap < secret.length; overlap += Math.max(1, Math.floor(secret.length / 9))) {
          // Words up to the point where the secret starts `overlap` characters before the cut.
          const lead = Math.max(1, cut - overlap - 4);
          const padding = 'lorem ipsum dolor sit amet '.repeat(40).slice(0, lead).trimEnd();
          const { all } = outputs(await buildBugReport(place(`${padding} ${secret} tail`)));
          const found = survivors([secret], all, '');
          if (found.length) leaks.push(`${secret.slice(0, 12)}… at ${cut - overlap}: ${found.slice(0, 2).join(' | ')}`);
        }
      }
      assert.deepEqual(leaks, []);
    });
  }

  it('the record layer hands over the whole message and wording (the cut is the report\'s, on redacted text)', () => {
    const token = `${'x'.repeat(0)}${new SecretFactory(3).vendorToken()}`;
    const text = `API Error: 500 ${'word '.repeat(60)}${token} and more. ${'advice '.repeat(120)}`;
    const line = JSON.stringify({ type: 'assistant', isApiErrorMessage: true, timestamp: '2026-01-15T10:00:00.000Z', message: { model: '<synthetic>', content: [{ type: 'text', text }] } });
    const record = parseTranscriptLine(line) as { message: string; wording: string | null };
    assert.ok(record.message.includes(token), 'the message is not cut before redaction');
    assert.ok(record.wording!.includes(token) && record.wording!.endsWith('advice'), 'the wording is not cut before redaction');
  });

  it('a cut never splits a [REDACTED] marker', async () => {
    const factory = new SecretFactory(11);
    for (let lead = 70; lead < 95; lead++) {
      const report = await buildBugReport(input({ message: `500 ${'a'.repeat(lead)} ${factory.body(40)}` }));
      assert.doesNotMatch(report.title, /\[REDAC(?!TED\])|\[RED…|\[REDACTED[^\]]*…/, report.title);
    }
  });

  it('a text cut at the record layer\'s 64 KB bound loses its last, possibly partial, token before redaction', () => {
    const token = new SecretFactory(5).body(40);
    const text = `${'word '.repeat(13107)}${token}`.slice(0, 64 * 1024);
    const out = redact(text);
    assert.ok(!out.includes(text.slice(-12)), out.slice(-40));
  });
});

describe('known-safe shapes are no free pass, and what a maintainer needs stays readable', () => {
  it('a UUID is kept where it is labelled an ID of a known kind, and masked after a secret word or a vendor prefix', () => {
    const uuid = '9f1c2d3e-0a1b-4c5d-8e9f-a0b1c2d3e4f5';
    for (const kept of [`session ${uuid}`, `request_id: ${uuid}`, `"trace_id":"${uuid}"`, `x-request-id: ${uuid}`, `projects/-app/${uuid}.jsonl`, `conversation id ${uuid}`]) {
      assert.equal(redact(kept), kept);
    }
    for (const masked of [`API key: ${uuid}`, `token ${uuid}`, `pat-na1-${uuid}`, `access-production-${uuid}`, `sdk-${uuid}`, `key=${uuid}`, `failed ${uuid}`, `Bearer ${uuid}`]) {
      assert.ok(!redact(masked).includes(uuid.slice(0, 8)), masked);
    }
  });

  /** Claude Code's own wordings and what gateways add: none may lose a character. */
  const REALISTIC = [
    'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check https://status.claude.com.',
    'API Error: Repeated 529 Overloaded errors. Anthropic\'s API is temporarily overloaded.',
    'API Error: Request rejected (429) · This request would exceed your organization\'s rate limit of 30,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.',
    'API Error: Server error mid-response. The response above may be incomplete.',
    'API Error: Unable to connect to API (ECONNRESET)',
    'API Error: Can\'t reach the API server — check your internet or DNS (ENOTFOUND)',
    'API Error: Connection closed mid-response (ConnectionClosed)',
    'API Error: Stream idle timeout - partial response received',
    'API Error: API returned an empty or malformed response (HTTP 200) — check for a proxy or gateway intercepting the request',
    'Request timed out',
    'You\'ve hit your session limit · resets 5:40pm (Europe/Madrid)',
    'You\'ve hit your weekly limit · resets Mon 9:00am',
    'You\'re out of extra usage · resets 12am (America/New_York)',
    'You\'ve reached your Opus limit · /usage-credits or /model',
    'Server is temporarily limiting requests (not your usage limit) · Rate limited',
    'Not logged in · Please run /login',
    'Invalid API key · Please run /login',
    'OAuth token has expired · Please run /login',
    'Login expired · Please run /login',
    'API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CRz9y8X7w6V5u4T3s2R1q"} · Please run /login',
    'API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: 64000 > 32000, which is the maximum allowed number of output tokens for claude-opus-4-20250514"},"request_id":null}',
    'API Error: 400 prompt is too long: 215000 tokens > 200000 maximum',
    'API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"input_tokens: 1200, output_tokens: 300, cache_read_input_tokens: 0"}}',
    'API Error: 404 {"type":"error","error":{"type":"not_found_error","message":"model: claude-3-7-sonnet@20250219"}}',
    'API Error: 403 Your organization does not allow OAuth access (oauth_org_not_allowed)',
    'API Error: 502 Bad gateway — check your inference gateway (llm-gateway.internal.example.com)',
    'API Error: 502 <html><title>502 Bad Gateway</title> Cloudflare Ray ID: 8d2f3a1b2c3d4e5f · Performance & security by Cloudflare',
    'API Error: 502 Bad gateway (cf-ray: 8d2f3a1b2c3d4e5f-SJC)',
    'API Error: 500 stream error: event: error id: 01HZX3K7Q9M2N4P6R8T0V2W4Y6 data: {"type":"api_error"}',
    'API Error: 500 SSE event id: 7f3e2b1a9c8d4e5f6a7b8c9d0e1f2a3b',
    'API Error: 503 upstream connect error or disconnect/reset before headers. reset reason: overflow',
    'API Error: 504 Gateway Timeout (x-amzn-requestid: 0a9b8c7d-6e5f-4031-8a3b-4c5d6e7f8091)',
    'API Error: 500 {"error":"upstream timeout","request_id":"0a9b8c7d6e5f40312a3b4c5d6e7f8091","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}',
    'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CXbbbb2222"}',
    'API Error (us.anthropic.claude-opus-4-1-20250805-v1:0): ThrottlingException: Too many requests, please wait before trying again.',
    'API Error: 500 Internal server error (req_vrtx_011CXr4t3L1m1tEd0000000001)',
    'Claude Code 2.1.110 on node v20.20.2; @anthropic-ai/claude-code@1.0.51',
    'API Error: 500 retry 3/10 after 2.4 s; attempt 57/300',
    'API Error: 429 rate_limit_error: Number of request tokens has exceeded your per-minute rate limit (https://docs.claude.com/en/api/rate-limits)',
    'FailedToOpenSocket InternalServerErrorException ERR_TLS_CERT_ALTNAME_INVALID UND_ERR_CONNECT_TIMEOUT',
  ];

  it(`keeps ${REALISTIC.length} realistic wordings whole, IDs, versions and model names included`, () => {
    const changed = REALISTIC.filter((text) => redact(text, { homedir: '/home/alice', username: 'alice' }) !== text);
    assert.deepEqual(changed.map((text) => `${text} → ${redact(text)}`), []);
  });

  it('and in the report: request IDs, versions, model ids, statuses and the wording are readable', async () => {
    const report = await buildBugReport(
      input({ version: '2.1.131', model: 'claude-opus-4-5-20251101', wording: REALISTIC[26], message: '502 Bad Gateway', status: 502, errorType: 'api_error' }),
    );
    for (const expected of ['req_011CChosenFail01', 'req_011CRetryBefore01', '2.1.131', 'claude-opus-4-5-20251101', 'API Error 502', 'Cloudflare Ray ID: 8d2f3a1b2c3d4e5f']) {
      assert.ok(report.markdown.includes(expected), expected);
    }
  });
});

describe('the corpus itself', () => {
  it('is generated, not tuned: another seed gives other secrets of the same classes, and they hold too', async () => {
    const other = plantedSecrets(new SecretFactory(0xbadc0de), 1);
    const baseline = outputs(await buildBugReport(input({ message: '500 plain words here' }))).all;
    const leaks: string[] = [];
    for (const planted of other) {
      const found = survivors(planted.secrets, outputs(await buildBugReport(input({ message: `500 ${planted.text}` }))).all, baseline);
      if (found.length) leaks.push(`${planted.kind}: ${found.join(' | ')}`);
    }
    assert.deepEqual(leaks, []);
  });

  it('plants secrets the rules did not see before this corpus (sanity: the corpus is not empty of them)', () => {
    const corpus: Planted[] = plantedSecrets(new SecretFactory(1), 1);
    assert.ok(corpus.every((planted) => planted.secrets.every((secret) => planted.text.includes(secret))));
  });
});

describe('the other pasteable Markdown follows the same rules', () => {
  it('diagnostics (doctor, Run Diagnostics): transcript versions are parsed, skeletons fenced so they cannot close', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-doctor-md-'));
    try {
      const hostile = 'GH-1234 ![x](https://evil.example/x.png) @octocat';
      const configDir = await writeConfigDir(path.join(root, '.claude'), {
        '-srv-app/s1.jsonl': [
          finalFailure('API Error: 500 Internal server error.', { sessionId: 's1', timestamp: '2026-11-20T11:02:00.000Z', version: hostile }),
          JSON.stringify({ type: 'api_failure', isApiErrorMessage: true, version: `2.1.300 ${hostile}`, sessionId: 's1', timestamp: '2026-11-20T11:03:00.000Z', ['```\n# x\n```<img src=x>']: { [hostile]: 1 } }),
        ],
      });
      const report = await runDiagnostics({ configDirs: [configDir], explicitSource: '--config-dir', env: {}, homedir: root, platform: 'linux', now: new Date('2026-11-20T12:00:00.000Z'), lookbackMs: 3_600_000 });
      const rendered = await renderDoctorMarkdown(report, { homedir: root, username: 'dev' }, '0.1.0');
      assert.deepEqual(liveMarkdown(rendered), [], rendered);
      assert.ok(!rendered.includes('GH-1234 '), rendered);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});

describe('end to end: transcript lines in, claude-api-watch report out (Markdown, URL, JSON)', () => {
  it('no window of a secret planted in any field of the lines survives, through the record layer and the CLI', async () => {
    const corpus = plantedSecrets(new SecretFactory(0xe2e), 1).filter((planted) => planted.secrets.length > 0);
    const session = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';
    /** Each field of the lines, given the text it carries. */
    const fields: ReadonlyArray<(t: string) => { success?: object; retry?: object; failure?: object; extra?: object }> = [
      (t) => ({ failure: { text: `API Error: 500 ${t}` } }),
      (t) => ({ extra: { errorDetails: `500 ${JSON.stringify({ type: 'error', error: { type: t, message: t }, request_id: t })}` } }),
      (t) => ({ extra: { error: t } }),
      (t) => ({ extra: { quotaLimits: { status: 'rejected', resetsAt: 1763640000, rateLimitType: t } } }),
      (t) => ({ failure: { cwd: `/srv/${t}` } }),
      (t) => ({ failure: { version: t } }),
      (t) => ({ failure: { entrypoint: t } }),
      (t) => ({ extra: { requestId: t } }),
      (t) => ({ failure: { sessionId: t } }),
      (t) => ({ success: { model: t } }),
      (t) => ({ retry: { message: t, errorType: t } }),
    ];
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-e2e-report-'));
    const reportOf = async (configDir: string): Promise<string> => {
      const texts: string[] = [];
      for (const format of ['markdown', 'url', 'json']) {
        const out: string[] = [];
        const io = { stdout: (s: string) => out.push(s), stderr: () => undefined, env: { HOME: '/home/alice', USER: 'alice', TZ: 'UTC' }, now: () => new Date('2026-11-20T12:00:00.000Z') };
        assert.equal(await runReportCommand(['--config-dir', configDir, '--no-status', '--format', format], io), 0);
        const text = out.join('\n');
        texts.push(text, format === 'url' ? decodeURIComponent(text) : text);
        if (format === 'json') {
          const json = JSON.parse(text) as { issueUrl: string; searchUrl: string };
          texts.push(decodeURIComponent(json.issueUrl), decodeURIComponent(json.searchUrl));
        }
      }
      return texts.join('\n');
    };
    const write = async (name: string, text: (field: number) => string): Promise<string> => {
      const parts = fields.map((field, i) => field(text(i)));
      const pick = (key: 'success' | 'retry' | 'failure' | 'extra') => Object.assign({}, ...parts.map((part) => part[key] ?? {})) as Record<string, string>;
      const success = pick('success');
      const retry = pick('retry');
      const failure = pick('failure');
      const envelope = { cwd: failure.cwd ?? '/srv/app', version: failure.version ?? '2.1.131', entrypoint: failure.entrypoint ?? 'cli', sessionId: failure.sessionId ?? session };
      return writeConfigDir(path.join(root, name), {
        [`-srv-app/${session}.jsonl`]: [
          assistantText('On it.', { ...envelope, timestamp: '2026-11-20T10:00:00.000Z' }, success.model ?? 'claude-opus-4-5-20251101', 'req_011COk00000000001'),
          retrySdkError(500, retry.errorType ?? 'api_error', retry.message ?? 'Internal server error', 'req_011CRetry00000001', 1, { ...envelope, timestamp: '2026-11-20T10:01:00.000Z' }),
          finalFailure(failure.text ?? 'API Error: 500 Internal server error.', { ...envelope, timestamp: '2026-11-20T10:02:00.000Z' }, { apiErrorStatus: 500, ...pick('extra') }),
        ],
      });
    };
    try {
      const baseline = await reportOf(await write('baseline', () => 'plain words here'));
      const leaks: string[] = [];
      for (let k = 0; k < corpus.length; k++) {
        // Each field gets another planted text, so that every (text, field) pair is met once.
        const planted = (i: number) => corpus[(k + i) % corpus.length];
        const texts = await reportOf(await write(`case-${k}`, (i) => planted(i).text));
        for (let i = 0; i < fields.length; i++) {
          const found = survivors(planted(i).secrets, texts, baseline);
          if (found.length) leaks.push(`field ${i}, ${planted(i).kind}: ${found.slice(0, 2).join(' | ')}`);
        }
      }
      assert.deepEqual(leaks, []);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
