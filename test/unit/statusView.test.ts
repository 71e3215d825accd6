import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandId } from '../../src/core/commandIds';
import {
  OPEN_CONFIG_DIR_SETTING,
  describeFailureClass,
  describeRequestCounts,
  localTime,
  nothingToFileReason,
  canFileReport,
  describeNetworkCode,
  openConfigDirSetting,
  escapeMarkdown,
  formatRelativeTime,
  renderStatus,
  type AnthropicStatusSummary,
  type StatusViewOptions,
} from '../../src/core/statusView';
import type { WatchingState } from '../../src/core/types';
import { FailureTracker, type TrackerSnapshot } from '../../src/core/tracker';
import { FAILURE_CLASSES, type ApiFailureEvent, type FailureClass } from '../../src/core/types';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const SEC = 1000;
const MIN = 60 * SEC;

function failure(fields: Partial<ApiFailureEvent> = {}): ApiFailureEvent {
  return {
    kind: 'failure',
    uuid: 'u1',
    sessionId: '3f2a9c1e-7b4d-4e2a-9d0f-1a2b3c4d5e6f',
    timestamp: new Date(NOW - 2 * MIN).toISOString(),
    version: '2.1.120',
    cwd: '/home/dev/shop',
    entrypoint: 'cli',
    isSidechain: false,
    model: 'claude-sonnet-4-5',
    requestId: 'req_011CabcDEF',
    attempt: null,
    maxRetries: null,
    retryInMs: null,
    lastSuccessVersion: '2.1.118',
    status: 500,
    failureClass: 'server',
    errorType: 'api_error',
    requestIds: ['req_011CabcDEF', 'req_011Cxyz'],
    networkCode: null,
    message: '500 Internal server error',
    file: '/cfg/projects/-home-dev-shop/3f2a9c1e.jsonl',
    line: 12,
    ...fields,
  };
}

function snapshot(fields: Partial<TrackerSnapshot> = {}): TrackerSnapshot {
  return {
    state: 'healthy',
    failure: null,
    failureAt: null,
    failureClass: null,
    status: null,
    failureCount: 0,
    failedRequests: 0,
    retries: 0,
    retry: null,
    affectedSessions: [],
    failuresLastHour: 0,
    failedRequestsLastHour: 0,
    retriesLastHour: 0,
    outageStartedAt: null,
    lastFailureAt: null,
    recoveredAt: null,
    ...fields,
  };
}

function failing(event: ApiFailureEvent, fields: Partial<TrackerSnapshot> = {}): TrackerSnapshot {
  return snapshot({
    state: event.kind === 'retry' ? 'retrying' : 'failing',
    failure: event,
    failureAt: Date.parse(event.timestamp!),
    failureClass: event.failureClass,
    status: event.status,
    failureCount: 1,
    failedRequests: event.kind === 'retry' ? 0 : 1,
    retries: event.kind === 'retry' ? 1 : 0,
    affectedSessions: [event.sessionId!],
    failuresLastHour: 1,
    failedRequestsLastHour: event.kind === 'retry' ? 0 : 1,
    retriesLastHour: event.kind === 'retry' ? 1 : 0,
    outageStartedAt: Date.parse(event.timestamp!),
    lastFailureAt: Date.parse(event.timestamp!),
    ...fields,
  });
}

const options: StatusViewOptions = { showWhenHealthy: true, now: NOW };

/** Every `](command:...)` link target in the Markdown. */
function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(command:([^)\s]*)\)/g)].map((m) => m[1]);
}

describe('renderStatus: each state', () => {
  it('healthy: a small quiet icon, hidden unless asked for', () => {
    const view = renderStatus(snapshot(), options);
    assert.equal(view.visible, true);
    assert.equal(view.text, '$(pulse)');
    assert.equal(view.severity, 'none');
    assert.equal(view.command, CommandId.showActions);
    assert.match(view.tooltipMarkdown, /^No Claude API failures seen/);
    assert.match(view.accessibilityLabel, /no claude api failures seen/i);
    assert.equal(renderStatus(snapshot(), { ...options, showWhenHealthy: false }).visible, false);
  });

  it('healthy after earlier failures says so instead of "none seen"', () => {
    const view = renderStatus(snapshot({ failuresLastHour: 15, failedRequestsLastHour: 3, retriesLastHour: 12 }), options);
    assert.doesNotMatch(view.tooltipMarkdown, /No Claude API failures seen/);
    assert.match(view.tooltipMarkdown, /No current Claude API failures/);
    // Requests and retries apart: fifteen lines are three failed requests and their twelve retries.
    assert.match(view.tooltipMarkdown, /Last hour: 3 failed requests, 12 retries/);
    const retriesOnly = renderStatus(snapshot({ failuresLastHour: 2, retriesLastHour: 2 }), options);
    assert.match(retriesOnly.tooltipMarkdown, /Last hour: 2 retries$/m);
  });

  it('retrying: status and attempt, warning; no spinner once the next attempt is long overdue', () => {
    const event = failure({ kind: 'retry', status: 529, failureClass: 'overloaded', attempt: 3, maxRetries: 10, retryInMs: 20 * SEC });
    const at = Date.parse(event.timestamp!);
    const view = renderStatus(
      failing(event, { retry: { attempt: 3, maxRetries: 10, nextRetryAt: at + 20 * SEC, event } }),
      options,
    );
    assert.equal(view.text, '$(sync) Claude API 529 · retry 3/10', 'the attempt was due a minute ago: nothing spins');
    assert.equal(view.severity, 'warning');
    assert.equal(view.visible, true);
    assert.equal(view.command, CommandId.showActions);
    assert.equal(view.actions[0].command, CommandId.copyBugReport, 'an Anthropic outage: the report first');
    assert.equal(view.accessibilityLabel, 'Claude API 529, overloaded, retry 3 of 10');
    assert.match(view.tooltipMarkdown, /Retry 3 of 10, next attempt was due 1 min ago/);
  });

  it('retrying without a status names the network code, and copes with unknown attempts', () => {
    const event = failure({ kind: 'retry', status: null, failureClass: 'network', networkCode: 'ECONNRESET', attempt: null });
    const view = renderStatus(failing(event, { retry: { attempt: null, maxRetries: null, nextRetryAt: null, event } }), options);
    // Words, never the runtime's code (the tooltip's Network line keeps the code for searching).
    assert.equal(view.text, '$(sync~spin) Claude API connection failed · retrying');
    assert.match(view.tooltipMarkdown, /Network: `ECONNRESET`/);
    const socket = failure({ kind: 'retry', status: null, failureClass: 'network', networkCode: 'FailedToOpenSocket', attempt: 2, maxRetries: 10 });
    assert.equal(
      renderStatus(failing(socket, { retry: { attempt: 2, maxRetries: 10, nextRetryAt: null, event: socket } }), options).text,
      '$(sync~spin) Claude API connection failed · retry 2/10',
    );
    const next = failure({ kind: 'retry', status: 503, attempt: 2 });
    const future = renderStatus(
      failing(next, { retry: { attempt: 2, maxRetries: null, nextRetryAt: NOW + 30 * SEC, event: next } }),
      options,
    );
    assert.equal(future.text, '$(sync~spin) Claude API 503 · retry 2');
    assert.match(future.tooltipMarkdown, /Retry 2, next attempt in 30 s/);
  });

  it('failing with a server error: red, with the count', () => {
    // One request that failed after four retries is one failed request, not ×5.
    const one = renderStatus(failing(failure(), { failureCount: 5, failedRequests: 1, retries: 4 }), options);
    assert.equal(one.text, '$(error) Claude API 500');
    assert.equal(one.accessibilityLabel, 'Claude API 500, server error, 1 failed request after 4 retries');
    const view = renderStatus(failing(failure(), { failureCount: 3, failedRequests: 3, retries: 0 }), options);
    assert.equal(view.text, '$(error) Claude API 500 ×3');
    assert.equal(view.severity, 'error');
    assert.equal(view.command, CommandId.showActions);
    assert.equal(view.accessibilityLabel, 'Claude API 500, server error, 3 failed requests');
    assert.equal(view.title, 'Claude API 500 · server error');
    assert.equal(renderStatus(failing(failure()), options).text, '$(error) Claude API 500');
  });

  it('failing while overloaded, with or without a status', () => {
    const view = renderStatus(failing(failure({ status: 529, failureClass: 'overloaded' }), { failureCount: 2, failedRequests: 2 }), options);
    assert.equal(view.text, '$(error) Claude API 529 ×2');
    assert.equal(view.severity, 'error');
    const noStatus = renderStatus(failing(failure({ status: null, failureClass: 'overloaded' })), options);
    assert.equal(noStatus.text, '$(error) Claude API overloaded');
  });

  it('other classes in plain words, as warnings', () => {
    const expected: [FailureClass, number | null, string][] = [
      ['rate_limit', 429, '$(warning) Claude: rate limited'],
      ['auth', 401, '$(warning) Claude: login needed'],
      ['network', null, '$(warning) Claude: connection failed'],
      ['client', 400, '$(warning) Claude: request rejected'],
      ['unknown', null, '$(warning) Claude: API error'],
    ];
    for (const [failureClass, status, text] of expected) {
      const view = renderStatus(failing(failure({ failureClass, status }), { failureCount: 4 }), options);
      assert.equal(view.text, text);
      assert.equal(view.severity, 'warning');
      assert.equal(view.accessibilityLabel, text.replace('$(warning) ', ''));
      assert.equal(view.command, CommandId.showActions);
    }
  });

  it('recovered: a check mark, no colour, for the all-clear period', () => {
    const view = renderStatus(
      snapshot({ state: 'recovered', failure: failure(), failureAt: NOW - 2 * MIN, recoveredAt: NOW - 30 * SEC, failureCount: 5, failedRequests: 1, retries: 4, outageStartedAt: NOW - 9 * MIN }),
      options,
    );
    assert.equal(view.text, '$(check) Claude API recovered');
    assert.equal(view.severity, 'none');
    assert.equal(view.visible, true);
    assert.equal(view.command, CommandId.showActions);
    // The user's clock in the tooltip; the report keeps UTC.
    assert.ok(view.tooltipMarkdown.startsWith(`**Claude API recovered** 30 s ago (${localTime(NOW - 30 * SEC, NOW)})`), view.tooltipMarkdown);
    assert.ok(view.tooltipMarkdown.includes(`This outage: 1 failed request after 4 retries since ${localTime(NOW - 9 * MIN, NOW)}`));
    assert.doesNotMatch(view.tooltipMarkdown, /UTC/);
    assert.ok(commandLinks(view.tooltipMarkdown).includes(CommandId.copyBugReport));
  });
});

describe('renderStatus: tooltip', () => {
  it('says what failed, when, how often, and where', () => {
    const event = failure();
    const view = renderStatus(
      failing(event, { failureCount: 3, failedRequests: 2, retries: 1, failuresLastHour: 7, failedRequestsLastHour: 3, retriesLastHour: 4, affectedSessions: ['a', 'b'], outageStartedAt: NOW - 6 * MIN }),
      options,
    );
    const md = view.tooltipMarkdown;
    assert.match(md, /\*\*Claude API 500\*\* · server error/);
    assert.match(md, /a problem on their side/);
    assert.match(md, /Message: 500 Internal server error/);
    assert.ok(md.includes(`When: 2 min ago (${localTime(NOW - 2 * MIN, NOW)})`), md);
    assert.ok(md.includes(`This outage: 2 failed requests after 1 retry since ${localTime(NOW - 6 * MIN, NOW)} in 2 sessions`), md);
    assert.match(md, /Last hour: 3 failed requests, 4 retries/);
    assert.match(md, /Request ID: `req_011CabcDEF` \(\+1 more\)/);
    assert.match(md, /Project: shop · session `3f2a9c1e`/);
    assert.match(md, /Claude Code 2\\\.1\\\.120 \(last working: 2\\\.1\\\.118\)/);
    assert.match(md, /model `claude-sonnet-4-5`/);
  });

  it('links every command, each to a known id', () => {
    const md = renderStatus(failing(failure()), options).tooltipMarkdown;
    // A few links, grouped: what fits the trouble on one line, then Recent Failures and the click menu for the rest.
    assert.deepEqual(commandLinks(md), [
      CommandId.copyBugReport,
      CommandId.searchExistingIssues,
      CommandId.openGitHubIssue,
      CommandId.showRecentFailures,
      CommandId.showActions,
    ]);
    assert.match(md, /\[Copy Bug Report\]\(command:claudeApiWatch\.copyBugReport\)/);
    assert.match(md, /\[Open GitHub Issue\]\(command:claudeApiWatch\.openGitHubIssue\) {2}\n\[Recent Failures\]/);
    const healthy = renderStatus(snapshot(), options).tooltipMarkdown;
    assert.deepEqual(commandLinks(healthy), [CommandId.showRecentFailures, CommandId.showFailureHistory, CommandId.showLog, CommandId.showActions]);
    for (const failureClass of FAILURE_CLASSES) {
      const links = commandLinks(renderStatus(failing(failure({ failureClass })), options).tooltipMarkdown);
      assert.ok(links.length <= 5, `${failureClass}: ${links.join(', ')}`);
      assert.equal(links.at(-1), CommandId.showActions, 'the rest behind More Actions…');
    }
  });

  it("links Claude Code's URLs to Anthropic's sites, and only those", () => {
    const wording = 'Overloaded. Try again later; check https://status.claude.com. Or https://evil.example/x and https://claude.ai/upgrade?x=1).';
    const md = renderStatus(failing(failure({ wording })), options).tooltipMarkdown;
    const linked = (url: string) => `[${escapeMarkdown(url)}](${url})`;
    assert.ok(md.includes(`check ${linked('https://status.claude.com')}\\.`), md);
    assert.ok(md.includes(`${linked('https://claude.ai/upgrade?x=1')}\\)`), md);
    assert.ok(!md.includes('(https://evil'), 'no link elsewhere');
    assert.ok(md.includes(escapeMarkdown('https://evil.example/x')), 'the URL stays as text');
  });

  it('escapes transcript text so it cannot inject links, Markdown or icons', () => {
    const event = failure({
      message: 'boom [x](command:evil) **bold** <img src=x> $(zap) https://evil.example/ &amp;\n# heading',
      cwd: '/home/dev/[x](command:evil)',
      version: '2.1.120 [y](command:evil2)',
      lastSuccessVersion: null,
      requestIds: ['req_`[z](command:evil3)`'],
      requestId: null,
      model: 'm`[w](command:evil4)',
      sessionId: '`](command:evil5)',
    });
    const md = renderStatus(failing(event), options).tooltipMarkdown;
    for (const target of commandLinks(md)) {
      assert.ok((Object.values(CommandId) as string[]).includes(target), `unexpected link to ${target}`);
    }
    assert.ok(!/command:evil/.test(md), 'no raw command: text from the transcript');
    assert.ok(!md.includes('**bold**'));
    assert.match(md, /\\<img/, 'an escaped < is literal text, not HTML');
    assert.ok(!/(?:^|[^\\])<img/.test(md));
    assert.ok(!md.includes('$(zap)'));
    assert.ok(!md.includes('https://evil'), 'no autolink');
    assert.ok(!md.includes('&amp;'));
    assert.ok(!/\n# heading/.test(md), 'a newline in the message cannot start a heading');
    // Only plain identifiers go into code spans, where nothing could be escaped.
    assert.match(md, /Request ID: req\\_\\`\\\[z\\\]/);
  });

  it('escapeMarkdown leaves words alone and escapes every punctuation mark', () => {
    assert.equal(escapeMarkdown('Internal server error'), 'Internal server error');
    assert.equal(escapeMarkdown('[x](y)'), '\\[x\\]\\(y\\)');
    assert.equal(escapeMarkdown('a\r\n\n b'), 'a b');
  });

  it('omits what the event does not have', () => {
    const event = failure({ requestIds: [], requestId: null, cwd: null, sessionId: null, version: null, model: null, message: '' });
    const md = renderStatus(failing(event, { affectedSessions: ['/cfg/x.jsonl'] }), options).tooltipMarkdown;
    assert.doesNotMatch(md, /Request ID|Project|session|Claude Code|model|Message/);
    assert.match(md, /When: 2 min ago/);
  });

  it('marks subagents and shows the network code', () => {
    const event = failure({ isSidechain: true, status: null, failureClass: 'network', networkCode: 'ENOTFOUND' });
    const md = renderStatus(failing(event), options).tooltipMarkdown;
    assert.match(md, /session `3f2a9c1e` \(subagent\)/);
    assert.match(md, /Network: `ENOTFOUND`/);
    assert.match(md, /\*\*Claude API failure\*\* · DNS lookup failed/);
  });

  it('takes the project name from Windows paths too', () => {
    const md = renderStatus(failing(failure({ cwd: 'C:\\Users\\dev\\shop\\' })), options).tooltipMarkdown;
    assert.match(md, /Project: shop /);
  });
});

describe('renderStatus: Anthropic status line', () => {
  const incident: AnthropicStatusSummary = {
    indicator: 'major',
    description: 'Partial System Outage',
    incidents: [
      { name: 'Elevated errors on Claude Opus', status: 'investigating', url: 'https://stspg.io/abc123' },
      { name: 'Login [issues](command:evil)', status: 'identified', url: 'javascript:alert(1)' },
    ],
  };

  it('is omitted when not given', () => {
    const md = renderStatus(failing(failure()), { ...options, anthropicStatus: null }).tooltipMarkdown;
    assert.doesNotMatch(md, /Anthropic reports|Anthropic status:/);
    assert.doesNotMatch(renderStatus(failing(failure()), options).tooltipMarkdown, /Anthropic reports/);
  });

  it('says when there is no incident', () => {
    const md = renderStatus(failing(failure()), {
      ...options,
      anthropicStatus: { indicator: 'none', description: 'All Systems Operational', incidents: [] },
    }).tooltipMarkdown;
    assert.match(md, /Anthropic reports no incident/);
  });

  it('says when the status is unknown', () => {
    const md = renderStatus(failing(failure()), { ...options, anthropicStatus: 'unknown' }).tooltipMarkdown;
    assert.match(md, /Anthropic status: unknown/);
  });

  it('lists incidents, linking only plain https addresses', () => {
    const md = renderStatus(failing(failure()), { ...options, anthropicStatus: incident }).tooltipMarkdown;
    assert.match(md, /Anthropic reports: Partial System Outage/);
    assert.match(md, /\[Elevated errors on Claude Opus\]\(https:\/\/stspg\.io\/abc123\) \(investigating\)/);
    assert.match(md, /Login \\\[issues\\\]\\\(command\\:evil\\\) \(identified\)/);
    assert.ok(!md.includes('javascript:'));
    assert.ok(!/command:evil/.test(md));
  });
});

describe('describeFailureClass and formatRelativeTime', () => {
  it('has plain words for every class', () => {
    for (const c of FAILURE_CLASSES) assert.match(describeFailureClass(c), /^[a-zA-Z ]+$/);
    assert.equal(describeFailureClass('rate_limit'), 'rate limited');
    assert.equal(describeFailureClass('auth'), 'login needed');
  });

  it('formats past and future times', () => {
    assert.equal(formatRelativeTime(NOW, NOW), 'just now');
    assert.equal(formatRelativeTime(NOW - 45 * SEC, NOW), '45 s ago');
    assert.equal(formatRelativeTime(NOW - 2 * MIN - 59 * SEC, NOW), '2 min ago');
    assert.equal(formatRelativeTime(NOW - 3 * 60 * MIN, NOW), '3 h ago');
    assert.equal(formatRelativeTime(NOW - 24 * 60 * MIN, NOW), '1 day ago');
    assert.equal(formatRelativeTime(NOW - 3 * 24 * 60 * MIN, NOW), '3 days ago');
    assert.equal(formatRelativeTime(NOW + 20 * SEC, NOW), 'in 20 s');
  });
});

describe('renderStatus from a real tracker', () => {
  it('follows the tracker through an outage', () => {
    let clock = NOW;
    const tracker = new FailureTracker({ now: () => clock });
    const at = (ms: number) => new Date(ms).toISOString();
    tracker.record(failure({ uuid: 'r1', line: 1, kind: 'retry', status: 529, failureClass: 'overloaded', attempt: 1, maxRetries: 10, retryInMs: 1000, timestamp: at(NOW) }));
    assert.equal(renderStatus(tracker.snapshot(), options).text, '$(sync~spin) Claude API 529 · retry 1/10');
    clock += 5 * SEC;
    tracker.record(failure({ uuid: 'f1', line: 2, status: 529, failureClass: 'overloaded', timestamp: at(clock) }));
    // A retry and the final failure of one request: one failed request, not ×2.
    const failed = renderStatus(tracker.snapshot(), { ...options, now: clock });
    assert.equal(failed.text, '$(error) Claude API 529');
    assert.equal(failed.accessibilityLabel, 'Claude API 529, overloaded, 1 failed request after 1 retry');
    clock += 5 * SEC;
    tracker.record(failure({ uuid: 'f2', line: 3, status: 529, failureClass: 'overloaded', timestamp: at(clock) }));
    assert.equal(renderStatus(tracker.snapshot(), { ...options, now: clock }).text, '$(error) Claude API 529 ×2');
  });
});

describe('renderStatus: actions, limits and what is watched', () => {
  const watching = (fields: Partial<WatchingState> = {}): WatchingState => ({ phase: 'live', configDirs: ['/home/dev/.claude'], problem: null, transcripts: 12, lastLineAt: NOW - 2 * MIN, ...fields });

  it('offers what fits the class: report an outage, check the network, nothing to file for a login or a limit', () => {
    const first = (fields: Partial<ApiFailureEvent>) => renderStatus(failing(failure(fields)), options).actions.map((a) => a.command);
    assert.deepEqual(first({ status: 529, failureClass: 'overloaded' }).slice(0, 2), [CommandId.copyBugReport, CommandId.searchExistingIssues]);
    assert.equal(first({ status: null, failureClass: 'network', networkCode: 'ENOTFOUND' })[0], CommandId.checkApiHealth);
    for (const failureClass of ['auth', 'rate_limit'] as const) {
      const actions = first({ status: null, failureClass });
      assert.ok(!actions.includes(CommandId.copyBugReport) && !actions.includes(CommandId.openGitHubIssue), failureClass);
    }
  });

  it('a plan limit says when it resets, short in the item and whole in the tooltip', () => {
    const resetsAt = new Date(NOW + 2 * 3_600_000).toISOString();
    const view = renderStatus(failing(failure({ status: null, failureClass: 'rate_limit', message: "You've hit your session limit", resetsAt, limitWindow: '5-hour' })), options);
    const at = new Date(resetsAt);
    const clock = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
    assert.equal(view.text, `$(warning) Claude: limit · resets ${clock}`);
    assert.match(view.tooltipMarkdown, /plan limit \\\(5\\-hour\\\) · resets/);
  });

  it("without quotaLimits, the reset comes from Claude Code's wording; the tooltip and the click carry the whole wording", () => {
    const wording = "You've hit your session limit · resets 5:40pm (Europe/Madrid)";
    const view = renderStatus(failing(failure({ status: null, impliedStatus: 429, failureClass: 'rate_limit', message: "You've hit your session limit", wording })), options);
    assert.equal(view.text, '$(warning) Claude: limit · resets 5:40pm');
    assert.ok(view.tooltipMarkdown.includes(`Claude Code said: ${escapeMarkdown(wording)}`));
    assert.equal(view.detail, wording);
    assert.doesNotMatch(view.text + view.tooltipMarkdown, /429/, 'a status nobody sent is never shown');
  });

  it('"Not logged in" is headlined by what happened, with its advice, never as a 401', () => {
    const wording = 'Not logged in · Please run /login';
    const view = renderStatus(failing(failure({ status: null, impliedStatus: 401, statusSource: 'category', failureClass: 'auth', errorType: 'authentication_failed', message: 'Not logged in', wording, requestId: null, requestIds: [] })), options);
    assert.equal(view.text, '$(warning) Claude: login needed');
    assert.match(view.tooltipMarkdown, /^\*\*Claude API failure\*\* · login needed/);
    assert.ok(view.tooltipMarkdown.includes(escapeMarkdown(wording)));
    assert.doesNotMatch(view.text + view.tooltipMarkdown + view.accessibilityLabel, /401/);
  });

  it("a 429 keeps the limit it exceeded in the tooltip; the item stays short", () => {
    const wording = "Request rejected (429) · This request would exceed your organization's rate limit of 30,000 input tokens per minute.";
    const view = renderStatus(failing(failure({ status: 429, failureClass: 'rate_limit', message: 'Request rejected (429)', wording })), options);
    assert.equal(view.text, '$(warning) Claude: rate limited');
    assert.ok(view.tooltipMarkdown.includes(escapeMarkdown('rate limit of 30,000 input tokens per minute')));
  });

  it('a monitor that sees nothing says so instead of looking healthy', () => {
    for (const state of [watching({ transcripts: 0 }), watching({ phase: 'missing', problem: 'Claude config dir not found: /home/dev/.claude' })]) {
      const view = renderStatus(snapshot(), { ...options, watching: state });
      assert.equal(view.text, '$(eye-closed) Claude: not watching');
      assert.equal(view.severity, 'warning');
      assert.equal(view.visible, true, 'shown even when the healthy item is hidden');
      assert.match(view.tooltipMarkdown, /Not watching:/);
      assert.deepEqual(view.actions[0], OPEN_CONFIG_DIR_SETTING);
    }
    const reading = renderStatus(snapshot(), { ...options, watching: watching({ phase: 'reading', transcripts: 0 }) });
    assert.equal(reading.text, '$(pulse)', 'not yet: the first read is still going');
  });

  it('the healthy tooltip says what is being watched', () => {
    const view = renderStatus(snapshot(), { ...options, watching: watching() });
    assert.match(view.tooltipMarkdown, /Watching 12 transcripts in \\\/home\\\/dev\\\/\\\.claude; last line read 2 min ago/);
  });
});

describe('words for counts, network errors, filing and settings', () => {
  it('counts failed requests and retries apart, as the report does', () => {
    assert.equal(describeRequestCounts(1, 4), '1 failed request after 4 retries');
    assert.equal(describeRequestCounts(2, 1), '2 failed requests after 1 retry');
    assert.equal(describeRequestCounts(3, 0), '3 failed requests');
    assert.equal(describeRequestCounts(0, 2), '2 retries');
    assert.equal(describeRequestCounts(0, 0), '');
  });

  it('says a network error in words: ECONNRESET is a failed connection, not "offline"', () => {
    assert.equal(describeNetworkCode('ECONNRESET'), 'connection failed');
    assert.equal(describeNetworkCode('FailedToOpenSocket'), 'connection failed');
    assert.equal(describeNetworkCode('ConnectionRefused'), 'connection refused');
    assert.equal(describeNetworkCode('ECONNREFUSED'), 'connection refused');
    assert.equal(describeNetworkCode('ENOTFOUND'), 'DNS lookup failed');
    assert.equal(describeNetworkCode('UND_ERR_CONNECT_TIMEOUT'), 'timed out');
    assert.equal(describeNetworkCode('ETIMEDOUT'), 'timed out');
    assert.equal(describeNetworkCode('ENETUNREACH'), 'network unreachable');
    assert.equal(describeNetworkCode(null), 'connection failed');
  });

  it("files only what may be Claude Code's or Anthropic's: never a login, a limit or the user's network", () => {
    for (const failureClass of FAILURE_CLASSES) {
      const fileable = canFileReport(failure({ failureClass }));
      assert.equal(fileable, !['auth', 'rate_limit', 'network'].includes(failureClass), failureClass);
      const actions = renderStatus(failing(failure({ failureClass })), options).actions.map((a) => a.command);
      assert.equal(actions.includes(CommandId.copyBugReport), fileable, `the item's actions follow the same rule (${failureClass})`);
    }
    assert.match(nothingToFileReason(failure({ failureClass: 'auth' })), /\/login/);
    assert.match(nothingToFileReason(failure({ failureClass: 'rate_limit' })), /limit, not a bug/);
    assert.match(nothingToFileReason(failure({ failureClass: 'network' })), /Check API Health/);
  });

  it('"Open Setting" opens the Remote tab in a remote window, where a machine setting lives', () => {
    assert.deepEqual(openConfigDirSetting(true), {
      title: 'Open Setting',
      command: 'workbench.action.openRemoteSettings',
      args: [{ query: 'claudeAPIWatch.configDir' }],
      icon: 'settings-gear',
      group: 'setup',
    });
    assert.equal(openConfigDirSetting(false).command, 'workbench.action.openSettings');
    const view = renderStatus(snapshot(), { ...options, remote: true, watching: { phase: 'live', configDirs: ['/x'], problem: null, transcripts: 0, lastLineAt: null } });
    assert.equal(view.actions[0].command, 'workbench.action.openRemoteSettings');
    assert.ok(view.tooltipMarkdown.includes('command:workbench.action.openRemoteSettings?'));
  });
});
