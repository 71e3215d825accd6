// The status bar item as a user sees it, in a real VS Code (code-server + Chromium, the packaged .vsix):
// healthy → retrying → failing → tooltip → one-click report → GitHub issue form → recovered, then scope,
// Anthropic's status page during failures, and the API health check. One server session for every check;
// the checks run in order and build on each other. Transcript lines are appended the way Claude Code writes
// them, with current timestamps. Screenshots go to test-results/ (the README shows them).
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { projectFolderName } from '../../scripts/demo-outage';
import { assistantText, finalFailure, retryFlat, userInterrupt, userPrompt, type Envelope } from '../fixtures/transcripts';
import { startApiStandIn, type ApiStandIn } from '../support/apiStandIn';
import { closedPortUrl } from '../support/httpStandIn';
import { startStatusPageStandIn, statusSummary, type StatusPageStandIn } from '../support/statusPageStandIn';
import {
  makeTempDir,
  openWorkbench,
  readOutputLog,
  repoRoot,
  startCodeServer,
  updateMachineSettings,
  type CodeServerSession,
  type Workbench,
  until as untilIn,
} from './harness';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = process.env.CAW_E2E_VSIX ?? path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);

const CLAUDE_CODE_VERSION = '2.1.205';
const MODEL = 'claude-sonnet-4-5-20250929';
const RETRY_IDS = ['req_011CVq8Zr7Qx3Lm2Nd5Tw9Ab', 'req_011CVq8Zs1Kp4Hj6Vb8Rc2Ef'];
const FINAL_ID = 'req_011CVq8ZtYw5Gn7Xc3Jm9Pk4';
const OUTSIDE_ID = 'req_011CVq8ZuOutsideScope0001';
const STATUS_FAILURE_ID = 'req_011CVq8ZvDuringIncident01';
const INCIDENT = 'Elevated errors on Claude Sonnet 4.5';
const FINAL_500_TEXT =
  'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check https://status.claude.com.';
// The bug form's text fields: the only ones a URL can fill. Its dropdowns and checkboxes must not be in it.
const ISSUE_TEXT_FIELDS = ['template', 'title', 'actual', 'expected', 'error_output', 'reproduction', 'working_version', 'version', 'additional'];
const ISSUE_DROPDOWNS = ['model', 'platform', 'os', 'terminal', 'regression', 'preflight'];
const WAIT_MS = 20_000;
/** What the workspace's .vscode/settings.json asks for: the repository is ignored, the look-back taken. */
const WORKSPACE_REPOSITORY = 'attacker-org/collect-reports';
const WORKSPACE_LOOKBACK_HOURS = 37;
const log = (...args: unknown[]) => console.log('statusBar.e2e:', ...args);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `until` with this file's patience. */
const until = <T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = WAIT_MS) => untilIn(what, read, accept, timeoutMs);

/** Passes only if `accept` holds on every read for `forMs` (a thing that must not happen, given time to). */
async function stays<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, forMs: number): Promise<T> {
  const deadline = Date.now() + forMs;
  for (;;) {
    const value = await read();
    assert.ok(accept(value), `${what}; saw: ${JSON.stringify(value, null, 2)}`);
    if (Date.now() > deadline) return value;
    await sleep(250);
  }
}

interface ItemState {
  text: string;
  label: string;
  kind: 'warning' | 'error' | 'none';
  /** The computed background colour, 'rgba(0, 0, 0, 0)' when the item has none of its own. */
  background: string;
}

/** Appends Claude Code transcript lines for one session, stamped with the current time. */
class TranscriptSession {
  readonly sessionId = randomUUID();
  readonly file: string;

  constructor(
    configDir: string,
    readonly cwd: string,
  ) {
    this.file = path.join(configDir, 'projects', projectFolderName(cwd), `${this.sessionId}.jsonl`);
  }

  envelope(): Envelope {
    return { sessionId: this.sessionId, cwd: this.cwd, version: CLAUDE_CODE_VERSION, timestamp: new Date().toISOString() };
  }

  async append(...lines: ((e: Envelope) => string)[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, lines.map((line) => line(this.envelope()) + '\n').join(''));
  }
}

const retry529 = (attempt: number, requestId: string) => (e: Envelope) =>
  retryFlat({ status: 529, message: 'Overloaded', requestId }, attempt, e);
const final500 = (requestId: string) => (e: Envelope) =>
  finalFailure(FINAL_500_TEXT, e, { error: 'server_error', apiErrorStatus: 500, requestId });

describe('the status bar item in code-server, as a user sees it', { timeout: 300_000 }, () => {
  let session: CodeServerSession | undefined;
  let workbench: Workbench;
  let page: Page;
  let claudeConfigDir: string | undefined;
  let workspace: string;
  let main: TranscriptSession;
  let statusPage: StatusPageStandIn | undefined;
  let api: ApiStandIn | undefined;
  let item: Locator;
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  async function itemState(): Promise<ItemState> {
    return item.evaluate((element) => {
      const label = element.querySelector('.statusbar-item-label');
      const kind = element.classList.contains('error-kind') ? 'error' : element.classList.contains('warning-kind') ? 'warning' : 'none';
      return {
        text: (label?.textContent ?? '').trim(),
        label: label?.getAttribute('aria-label') ?? '',
        kind,
        background: element.ownerDocument.defaultView!.getComputedStyle(element).backgroundColor,
      } as const;
    });
  }

  /** The colour the theme gives `statusBarItem.<name>`, as the browser computes it. */
  async function themeColour(name: string): Promise<string> {
    return item.evaluate((element, variable) => {
      const probe = element.ownerDocument.createElement('div');
      probe.style.backgroundColor = `var(${variable})`;
      // The theme's colour variables are set on the workbench element, not the document.
      element.closest('.monaco-workbench')!.appendChild(probe);
      const colour = element.ownerDocument.defaultView!.getComputedStyle(probe).backgroundColor;
      probe.remove();
      return colour;
    }, `--vscode-statusBarItem-${name}`);
  }

  /** Hovers the item afresh (the tooltip is read when the hover opens) and returns the hover's text. */
  async function tooltipText(): Promise<string> {
    await page.mouse.move(700, 300);
    await page.keyboard.press('Escape');
    const hover = await workbench.hover(item);
    return (await hover.innerText()).replace(/\u00a0/g, ' ');
  }

  /** The open quick pick's placeholder: what it says above its items. */
  async function quickPickPlaceholder(): Promise<string> {
    return (await page.locator('.quick-input-widget .quick-input-box input').first().getAttribute('placeholder')) ?? '';
  }

  /** The open quick pick's rows: each one's label (icons left out), the group heading it starts, and whether it is active. */
  async function quickPickRows(): Promise<{ label: string; separator: string; active: boolean }[]> {
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: WAIT_MS });
    return rows.evaluateAll((elements) =>
      elements
        .map((row) => ({
          top: parseFloat((row as HTMLElement).style.top || '0'),
          label: (row.querySelector('.quick-input-list-label .label-name')?.textContent ?? '').trim(),
          separator: (row.querySelector('.quick-input-list-separator')?.textContent ?? '').trim(),
          active: row.classList.contains('focused'),
        }))
        .sort((a, b) => a.top - b.top)
        .map(({ label, separator, active }) => ({ label, separator, active })),
    );
  }

  /** Whether a hover widget shows anywhere (one over the quick pick would cover its first rows). */
  async function hoverShown(): Promise<boolean> {
    return (await page.locator('.monaco-hover, .workbench-hover').filter({ visible: true }).count()) > 0;
  }

  /** The window as the issue saw it: 1280×657 (a laptop with the browser's bars). */
  async function smallWindow<T>(action: () => Promise<T>): Promise<T> {
    await page.setViewportSize({ width: 1280, height: 657 });
    try {
      return await action();
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  }

  /** A notification toast showing `text`, once it has finished sliding in (so screenshots show all of it). */
  async function toast(text: string | RegExp): Promise<Locator> {
    const shown = page.locator('.notifications-toasts .notification-toast.notification-fade-in-done').filter({ hasText: text });
    await shown.waitFor({ state: 'visible', timeout: WAIT_MS });
    return shown;
  }

  /** Applies settings the way a user's remote settings change would, and waits until the extension took them. */
  async function changeSettings(settings: Record<string, unknown>): Promise<void> {
    const applied = async () => ((await readOutputLog(session!, 'Claude API Watch')).match(/Settings changed/g) ?? []).length;
    const before = await applied();
    await updateMachineSettings(session!, settings);
    await until(`the extension to apply ${JSON.stringify(settings)}`, applied, (count) => count > before);
  }

  before(async () => {
    assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run npm run test:e2e (it packages first)`);
    claudeConfigDir = await makeTempDir('claude');
    // The config dir exists from the start, as it does once Claude Code has run.
    await mkdir(path.join(claudeConfigDir, 'projects'), { recursive: true });
    statusPage = await startStatusPageStandIn({
      summary: statusSummary('minor', {
        apiStatus: 'degraded_performance',
        incidents: [{ name: INCIDENT, status: 'investigating', impact: 'minor' }],
      }),
    });
    api = await startApiStandIn('server_error');
    session = await startCodeServer({
      extensionVsix: vsixPath,
      env: {
        CLAUDE_CONFIG_DIR: claudeConfigDir,
        // Whatever the machine running the tests has: the extension must see a plain Anthropic API set-up.
        // Unset, not empty: a variable the process sets (even empty) wins over Claude Code's settings.json (step 11).
        ANTHROPIC_BASE_URL: undefined,
        ANTHROPIC_API_KEY: undefined,
        CLAUDE_CODE_USE_BEDROCK: undefined,
        CLAUDE_CODE_USE_VERTEX: undefined,
        CLAUDE_CODE_USE_FOUNDRY: undefined,
      },
      settings: {
        // Off until the status page check turns it on (with the stand-in's URL): tests talk only to 127.0.0.1.
        'claudeAPIWatch.anthropicStatus.enabled': false,
        'claudeAPIWatch.statusBar.showWhenHealthy': true,
      },
    });
    workspace = session.workspaceDir;
    // A cloned repository's own settings, there before the window opens: they try to send reports elsewhere
    // (step 6c), beside a harmless setting they may change, which shows that the file is read.
    await mkdir(path.join(workspace, '.vscode'), { recursive: true });
    await writeFile(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'claudeAPIWatch.issueRepository': WORKSPACE_REPOSITORY, 'claudeAPIWatch.lookbackHours': WORKSPACE_LOOKBACK_HOURS }, null, 2),
    );
    main = new TranscriptSession(claudeConfigDir, workspace);
    workbench = await openWorkbench(session);
    page = workbench.page;
    item = page.locator('[id="workbench.parts.statusbar"] [id$="claudeApiWatch.status"]');
    log(`workbench open after ${elapsed()}`);
  });

  after(async () => {
    await session?.stop();
    await statusPage?.close();
    await api?.close();
    if (claudeConfigDir) await rm(claudeConfigDir, { recursive: true, force: true });
    log(`done after ${elapsed()}`);
  });

  test('1. no transcript yet: "Not watching", never a healthy look; then a quiet icon', async () => {
    await item.waitFor({ state: 'visible', timeout: 45_000 });
    const notWatching = await until('the not-watching item', itemState, (s) => s.text.includes('not watching'));
    assert.equal(notWatching.text, 'Claude: not watching');
    assert.equal(notWatching.kind, 'warning');
    assert.match(notWatching.label, /^Claude API Watch: not watching, no transcripts at /);
    assert.match(await tooltipText(), /Not watching: no transcripts at[\s\S]*Open Setting · Run Diagnostics · Show Log/);
    await workbench.screenshot('status-not-watching');
    // The config dir is a machine setting: in this remote window (code-server) only the Remote tab has it.
    // The link must land on it, not on the User tab's "No Settings Found".
    await smallWindow(async () => {
      // Hovered afresh in the small window (a resize closes a hover).
      await tooltipText();
      const openSetting = page.locator('.monaco-hover, .workbench-hover').filter({ visible: true }).last().getByText('Open Setting', { exact: true });
      assert.match((await openSetting.getAttribute('data-href')) ?? '', /^command:workbench\.action\.openRemoteSettings\?/);
      await openSetting.click();
      const editor = page.locator('.settings-editor');
      await editor.waitFor({ state: 'visible', timeout: WAIT_MS });
      const setting = editor.locator('.setting-item-contents').filter({ hasText: 'claudeAPIWatch.configDir' }).or(editor.locator('.setting-item-contents').filter({ hasText: /Config Dir/ }));
      await setting.first().waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await editor.getByText('No Settings Found').filter({ visible: true }).count(), 0);
      assert.match(await editor.locator('.settings-tabs-widget .action-item.checked, .settings-tabs-widget .checked').first().innerText(), /Remote/);
      // The text box is there to type into, in view.
      const box = await setting.first().locator('input, textarea').first().boundingBox();
      assert.ok(box && box.y + box.height <= 657, `the setting's box is in view: ${JSON.stringify(box)}`);
      await workbench.screenshot('status-not-watching-setting');
    });
    // VS Code 1.139 opens the Settings editor as a modal over the workbench: closed by its own X.
    const modal = page.locator('.monaco-modal-editor-block').filter({ visible: true });
    if ((await modal.count()) > 0) {
      await modal.locator('.codicon-close').filter({ visible: true }).first().click();
      await modal.first().waitFor({ state: 'hidden', timeout: WAIT_MS });
    } else {
      await workbench.runCommand('View: Close Editor');
    }
    await page.mouse.move(700, 300);
    await page.keyboard.press('Escape');

    await main.append((e) => userPrompt('Hello', e));
    const state = await until('the healthy item', itemState, (s) => /no claude api failures/i.test(s.label));
    assert.equal(state.text, '', 'healthy shows only an icon');
    assert.equal(await item.locator('.codicon-pulse').count(), 1);
    assert.equal(state.kind, 'none');
    assert.match(state.label, /^Claude API Watch: no claude api failures seen$/i);
    await workbench.screenshot('status-healthy');
    log(`healthy after ${elapsed()}`);
  });

  test('2. two 529 retries: "529 · retry 2/10" in warning colours, spinning', async () => {
    await main.append((e) => userPrompt('Add input validation to the signup form', e));
    await main.append(retry529(1, RETRY_IDS[0]), retry529(2, RETRY_IDS[1]));
    const state = await until('the retrying item', itemState, (s) => s.text.includes('529 · retry 2/10'));
    assert.equal(state.text, 'Claude API 529 · retry 2/10');
    assert.equal(state.kind, 'warning');
    assert.equal(state.background, await themeColour('warningBackground'));
    assert.equal(state.label, 'Claude API 529, overloaded, retry 2 of 10');
    assert.equal(await item.locator('.codicon-sync.codicon-modifier-spin').count(), 1, 'a spinning sync icon');
    // Two retries are not yet an established outage: Claude Code often recovers by itself.
    assert.equal(await page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Claude Code' }).count(), 0, 'no notification yet');
    await workbench.screenshot('status-retrying');
  });

  test('3. the final 500 (2.1.108+ wording): "Claude API 500" in error colours, one failed request after two retries', async () => {
    await main.append(final500(FINAL_ID));
    const state = await until('the failing item', itemState, (s) => s.kind === 'error');
    // One request, retried twice, then given up: one failed request (the report says the same), never "×3".
    assert.equal(state.text, 'Claude API 500');
    assert.equal(state.background, await themeColour('errorBackground'));
    assert.equal(state.label, 'Claude API 500, server error, 1 failed request after 2 retries');
    assert.equal(await item.locator('.codicon-error').count(), 1);
    // Claude Code gave up: now the outage is established, and one notification offers what fits it.
    const notice = await toast('Claude Code gave up after an API error');
    // Claude Code's whole wording, its advice included, not only the first sentence.
    assert.match(await notice.innerText(), /Claude Code gave up after an API error: 500 Internal server error\. This is a server-side issue, usually temporary/);
    const buttons = (await notice.locator('.monaco-button').allInnerTexts()).map((b) => b.trim()).filter(Boolean);
    assert.deepEqual(buttons, ['Copy Bug Report', 'Search Existing Issues'], 'two buttons, neither cut off');
    await workbench.screenshot('status-failing');
    await page.keyboard.press('Escape');
    await workbench.runCommand('Notifications: Clear All Notifications');
  });

  test('4. the tooltip: message, request ID, project, counts, local times, a few grouped links', async () => {
    const text = await until('the failure tooltip', tooltipText, (t) => t.includes(FINAL_ID));
    assert.match(text, /Claude API 500 · server error/);
    assert.match(text, /Claude Code said: 500 Internal server error\. This is a server-side issue, usually temporary — try again in a moment\. If it persists, check https:\/\/status\.claude\.com\./);
    // Requests and retries apart; the user's clock (HH:MM:SS), not UTC.
    assert.match(text, /This outage: 1 failed request after 2 retries since \d\d:\d\d:\d\d/);
    assert.match(text, /Last hour: 1 failed request, 2 retries/);
    assert.match(text, /When: (just now|\d+ s ago) \(\d\d:\d\d:\d\d\)/);
    assert.doesNotMatch(text, /UTC/);
    assert.match(text, new RegExp(`Request ID: ${FINAL_ID} \\(\\+2 more\\)`));
    assert.match(text, new RegExp(`Project: ${path.basename(workspace)} · session ${main.sessionId.slice(0, 8)}`));
    assert.match(text, new RegExp(`Claude Code ${CLAUDE_CODE_VERSION.replace(/\./g, '\\.')}`));
    const hover = page.locator('.monaco-hover').filter({ visible: true }).last();
    const links = await hover.locator('a[data-href^="command:"]').evaluateAll((anchors) =>
      anchors.map((a) => [a.textContent, a.getAttribute('data-href')]),
    );
    // An outage on Anthropic's side: reporting it comes first, searching before filing; the rest is one click away.
    assert.deepEqual(links, [
      ['Copy Bug Report', 'command:claudeApiWatch.copyBugReport'],
      ['Search Existing Issues', 'command:claudeApiWatch.searchExistingIssues'],
      ['Open GitHub Issue', 'command:claudeApiWatch.openGitHubIssue'],
      ['Recent Failures', 'command:claudeApiWatch.showRecentFailures'],
      ['More Actions…', 'command:claudeApiWatch.showActions'],
    ]);
    // Claude Code's URL is a link (to the status page), the rest of its words plain text.
    assert.deepEqual(await hover.locator('a[data-href^="https:"]').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('data-href'))), ['https://status.claude.com']);
    await workbench.screenshot('tooltip');
    await page.mouse.move(700, 300);
    await page.keyboard.press('Escape');
  });

  test('5. a click opens the actions that fit the outage; Copy Bug Report says what it copied', async () => {
    // The keyboard reaches the same quick pick: Enter on the focused item runs its command, which is this one.
    const rowsShown = await smallWindow(async () => {
      await item.click();
      const shown = await quickPickRows();
      // Claude Code's words first, whole, in rows that can be read (not a placeholder cut to one line
      // with a hover over the first items), then the actions under their headings, the report active.
      const title = (await page.locator('.quick-input-widget .quick-input-title').innerText()).trim();
      assert.equal(title, 'Claude API 500 · server error');
      assert.equal(await quickPickPlaceholder(), 'Choose what to do');
      const wordingRows = shown.slice(0, shown.findIndex((row) => row.label === 'Copy Bug Report'));
      assert.equal(wordingRows[0].separator, 'Claude Code said');
      assert.equal(wordingRows.map((row) => row.label).join(' '), FINAL_500_TEXT.replace(/^API Error: /, ''));
      const labelsAt = shown.map((row) => row.label);
      const copyAt = labelsAt.indexOf('Copy Bug Report');
      assert.deepEqual(labelsAt.slice(copyAt, copyAt + 3), ['Copy Bug Report', 'Search Existing Issues', 'Open GitHub Issue']);
      assert.equal(shown[copyAt].separator, 'Report to Anthropic');
      assert.ok(shown[copyAt].active, 'Enter files the report, not the copy of the words');
      assert.ok(await page.locator('.quick-input-widget .codicon-github').count() > 0, 'items have icons');
      assert.equal(await hoverShown(), false, 'no hover over the items');
      // Every row is in the window, none cut: the widget ends above the window's edge.
      const box = await page.locator('.quick-input-widget').boundingBox();
      assert.ok(box && box.y + box.height <= 657, JSON.stringify(box));
      await workbench.screenshot('actions-quick-pick');
      // Further down (the list scrolls): Clear says what it clears.
      await page.locator('.quick-input-widget input').fill('clear');
      const clear = await until('the Clear row', quickPickRows, (found) => found.some((row) => row.label === 'Clear Status Bar Item'));
      assert.ok(clear.length >= 1);
      assert.match(await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'Clear Status Bar Item' }).innerText(), /until the next failure/);
      await page.locator('.quick-input-widget input').fill('');
      return labelsAt;
    });
    assert.ok(rowsShown.includes('Open Transcript') && rowsShown.includes('Show Log'), rowsShown.join(', '));
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'Copy Bug Report' }).first().click();
    const copied = await toast('Bug report copied');
    assert.match(await copied.innerText(), /Bug report copied to the clipboard, with 3 request ID\(s\)\./);
    assert.match(await until('the report', () => workbench.readClipboard(), (t) => t.includes(FINAL_ID)), /1 final failure after 2 retries/);
    const buttons = await copied.locator('.monaco-button').allInnerTexts();
    assert.deepEqual(buttons.map((b) => b.trim()).filter(Boolean).slice(0, 3), ['Search Existing Issues', 'Show Report', 'Open GitHub Issue'], 'searching comes first');
    const report = await until('the report on the clipboard', () => workbench.readClipboard(), (text) => text.includes(FINAL_ID));
    assert.match(report, /^\*\*\[BUG\] API Error 500: `?Internal server error/);
    assert.ok(!/127\.0\.0\.1:\d+/.test(report), 'no local host:port in a public report');
    assert.match(report, /Editor: `?code-server [\d.]+ \(remote: remote server\)/);
    for (const id of [FINAL_ID, ...RETRY_IDS]) assert.ok(report.includes(id), `the report lists ${id}`);
    assert.match(report, /### Claude Code Version\s+2\.1\.205 \(Claude Code\)/);
    assert.match(report, /API Error 500 \(server_error\): Internal server error/);
    assert.match(report, /retry 2\/10 {3}API Error 529: Overloaded/);
    assert.match(report, /### Error Messages\/Logs\s+```shell/);
    await workbench.screenshot('report-copied');
  });

  test('6. "Open GitHub Issue": the editor asks first; at 1280×657 its question, the pre-filled URL and Open all fit', async () => {
    const dialog = page.locator('.monaco-dialog-box');
    const { fields, popup } = await smallWindow(async () => {
      await (await toast('Bug report copied')).getByRole('button', { name: 'Open GitHub Issue', exact: true }).click();
      // code-server trusts no GitHub domain: it asks before it opens the site, showing the whole URL string.
      await dialog.waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await dialog.locator('.dialog-message-text').innerText(), 'Do you want code-server to open the external website?');
      const shownUrl = (await dialog.locator('.dialog-message-detail').innerText()).trim();
      // Readable and pressable without scrolling: the question at the top, Open at the bottom, inside the window.
      const question = await dialog.locator('.dialog-message-text').boundingBox();
      const open = await dialog.getByRole('button', { name: 'Open', exact: true }).boundingBox();
      assert.ok(question && question.y >= 0, `the question is in view: ${JSON.stringify(question)}`);
      assert.ok(open && open.y >= 0 && open.y + open.height <= 657, `Open is in view: ${JSON.stringify(open)}`);
      await workbench.screenshot('issue-url');
      const shownFields = issueFields(shownUrl);
      return { fields: shownFields, popup: workbench.context.waitForEvent('page', { timeout: WAIT_MS }) };
    });

    // Every field still pre-filled: the title and version whole, the long ones cut with a pointer to the clipboard.
    assert.match(fields.get('title') ?? '', /^\[BUG\] API Error 500: `?Internal server error/);
    assert.equal(fields.get('version'), `${CLAUDE_CODE_VERSION} (Claude Code)`);
    for (const field of ['actual', 'expected', 'error_output', 'reproduction', 'additional']) assert.ok(fields.get(field)?.trim(), `${field} is pre-filled`);
    assert.ok(fields.get('actual')!.includes(FINAL_ID) || fields.get('error_output')!.includes(FINAL_ID), 'the request ID is in the form');
    assert.ok(!fields.get('error_output')!.includes('```'), 'GitHub renders error_output as shell code: no fences');
    assert.ok([...fields.values()].some((value) => value.includes('the full report is on your clipboard')), 'says where the rest is');
    const clipboard = await workbench.readClipboard();
    assert.ok(clipboard.includes('### Additional Information') && [FINAL_ID, ...RETRY_IDS].every((id) => clipboard.includes(id)), 'the whole report is on the clipboard');

    // "Open" opens the URL in a new browser page (its request is blocked here: tests stay on this machine).
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();
    const opened = await popup;
    const requested = await until(
      'the request for the issue form',
      async () => workbench.blockedRequests.find((url) => url.startsWith('https://github.com/anthropics/claude-code/issues/new')),
      (url) => url !== undefined,
    );
    assert.deepEqual([...issueFields(requested!)], [...fields], 'the page opened is the URL the dialog showed');
    await opened.close();
  });

  test('6b. "Show Report" opens the report as a read-only document with a clean title', async () => {
    await workbench.runCommand('Claude API Watch: Copy Bug Report');
    await (await toast('Bug report copied')).getByRole('button', { name: 'Show Report', exact: true }).click();
    const editor = page.locator('[id="workbench.parts.editor"] .monaco-editor .view-lines').first();
    const text = await until('the report in an editor', async () => (await editor.innerText()).replace(/\u00a0/g, ' '), (t) =>
      t.includes('[BUG] API Error 500'),
    );
    assert.match(text, /### What Should Happen\?/);
    const tab = page.locator('[id="workbench.parts.editor"] .tab.active');
    // VS Code 1.139 renders the name and the extension in separate elements (a line break between them).
    assert.match((await tab.innerText()).replace(/\s+/g, ''), /^ClaudeAPIBugReport\.md/);
    assert.equal(await tab.evaluate((element) => element.classList.contains('dirty')), false, 'nothing to save');
    // Its title bar offers what to do with it, searching before filing.
    const titleActions = page.locator('[id="workbench.parts.editor"] .editor-actions .action-label');
    const titles = await titleActions.evaluateAll((labels) => labels.map((label) => label.getAttribute('aria-label') ?? ''));
    const ours = titles.filter((title) => /Copy Bug Report|Search Existing|Open GitHub Issue/.test(title));
    assert.deepEqual(ours.map((title) => title.replace(/ \(.*\)$/, '')), ['Claude API Watch: Copy Bug Report', 'Claude API Watch: Search Existing GitHub Issues', 'Claude API Watch: Open GitHub Issue'].map((t) => t.replace(/^Claude API Watch: /, '')), titles.join(' | '));
    // The language indicator in the status bar says which language the editor gave the document.
    await until('the Markdown language mode', () => workbench.statusItem('Markdown').innerText(), (t) => t.trim() === 'Markdown');
    await workbench.screenshot('report-document');
    // Out of the way of the screenshots that follow (the untitled report is dropped, not saved).
    // Read-only and never dirty: closing asks nothing.
    await workbench.runCommand('View: Close Editor');
    await page.locator('[id="workbench.parts.editor"] .tab').waitFor({ state: 'detached', timeout: WAIT_MS });
  });

  test("6c. the workspace's .vscode/settings.json is read, yet cannot redirect reports: step 6 went to anthropics/claude-code", async () => {
    // The file is read: its window-scoped look-back reaches the extension (Run Diagnostics shows it)...
    await workbench.runCommand('Claude API Watch: Run Diagnostics');
    const diagnostics = page.locator('[id="workbench.parts.editor"] .monaco-editor .view-lines').first();
    await until('the diagnostics document', async () => (await diagnostics.innerText()).replace(/\u00a0/g, ' '), (t) =>
      new RegExp(`changed\\s+in\\s+the\\s+last\\s+${WORKSPACE_LOOKBACK_HOURS}\\s+h`).test(t),
    );
    await workbench.runCommand('View: Close Editor');
    // ...but issueRepository is application-scoped: a workspace value never applies, trusted or not (this
    // window's workspace is trusted: trust is off). The file was there before the window opened, so the
    // issue form step 6 opened (its dialog URL checked by issueFields) is the one to look at.
    const forms = workbench.blockedRequests.filter((url) => url.includes('/issues/new'));
    assert.ok(forms.length > 0, 'step 6 opened the issue form');
    for (const url of forms) assert.ok(url.startsWith('https://github.com/anthropics/claude-code/issues/new?'), url);
    assert.ok(!workbench.blockedRequests.some((url) => url.includes(WORKSPACE_REPOSITORY)), workbench.blockedRequests.join('\n'));
  });

  test('7. a real answer in the same session: the item shows it recovered', async () => {
    await main.append((e) => assistantText('Done: the form now validates e-mail and password length.', e, MODEL, 'req_011CVq8ZwRecovered000001'));
    const state = await until('the recovered item', itemState, (s) => s.text.includes('recovered'));
    assert.equal(state.text, 'Claude API recovered');
    assert.equal(state.kind, 'none');
    assert.equal(await item.locator('.codicon-check').count(), 1);
    await workbench.screenshot('status-recovered');
  });

  test('8. a failure in a session outside the workspace is ignored under the default scope', async () => {
    const outside = new TranscriptSession(claudeConfigDir!, path.join(path.dirname(workspace), 'another-project'));
    await outside.append(final500(OUTSIDE_ID));
    // Lines show up in well under a second (steps 2, 3, 7): three quiet seconds mean the line was ignored...
    await stays('a session outside the workspace must not light the item', itemState, (s) => s.kind === 'none', 3_000);
    // ...and not missed: it was read, and only the scope kept it out. With scope "all" it lights the item.
    await changeSettings({ 'claudeAPIWatch.scope': 'all' });
    await until('the outside failure under scope "all"', itemState, (s) => s.kind === 'error');
    assert.match(await tooltipText(), /Project: another-project/);
    await changeSettings({ 'claudeAPIWatch.scope': undefined });
    const state = await until('the item back to not failing', itemState, (s) => s.kind === 'none');
    assert.doesNotMatch(state.text, /500/);
  });

  test('8b. persistent retries: a progress notification that goes away when the user interrupts; the spin ends at once', async () => {
    const interrupted = new TranscriptSession(claudeConfigDir!, workspace);
    await interrupted.append((e) => userPrompt('Refactor the checkout flow', e));
    await interrupted.append(retry529(1, 'req_011CVq8ZxInterrupted0001'), retry529(2, 'req_011CVq8ZxInterrupted0002'), retry529(3, 'req_011CVq8ZxInterrupted0003'));
    await until('the retrying item', itemState, (s) => s.text.includes('529 · retry 3/10'));
    // Established (3 attempts): a notice the session can withdraw, not a toast that outlives the retrying.
    const notice = await toast('Claude Code is still retrying after an API error');
    assert.match(await notice.innerText(), /529 Overloaded/);
    await workbench.screenshot('notification-retrying');
    await interrupted.append((e) => userInterrupt(e));
    await until('the item no longer retrying', itemState, (s) => s.kind === 'none' && !s.text.includes('retry'));
    await page
      .locator('.notifications-toasts .notification-toast')
      .filter({ hasText: 'still retrying' })
      .waitFor({ state: 'detached', timeout: WAIT_MS });
  });

  test("8c. a plan limit: the short form in the item, Claude Code's whole wording in the tooltip, the notification and the quick pick", async () => {
    const limited = new TranscriptSession(claudeConfigDir!, workspace);
    const wording = "You've hit your session limit · resets 5:40pm (Europe/Madrid)";
    await limited.append((e) => finalFailure(wording, e, { error: 'rate_limit' }));
    const state = await until('the plan-limit item', itemState, (s) => s.text.includes('limit'));
    assert.equal(state.text, 'Claude: limit · resets 5:40pm');
    assert.equal(state.kind, 'warning');
    assert.doesNotMatch(state.text + state.label, /429/, 'no status nobody sent');
    const notice = await toast('Claude Code hit a limit');
    assert.ok((await notice.innerText()).includes(wording), 'the notification keeps the reset time');
    // "Show Details" shows the limit's details (its lines in Recent Failures), not a menu of actions.
    await notice.getByRole('button', { name: 'Show Details', exact: true }).click();
    const details = await quickPickRows();
    assert.match(details[0].separator, /^Limits · 1 failed request · \d\d:\d\d:\d\d$/);
    assert.match(details[0].label, /session limit/);
    await page.keyboard.press('Escape');
    const text = await until('the limit tooltip', tooltipText, (t) => t.includes('Claude Code said'));
    assert.ok(text.includes(`Claude Code said: ${wording}`), text);
    assert.match(text, /Claude API failure · rate limited/);
    await workbench.screenshot('tooltip-plan-limit');
    await page.mouse.move(700, 300);
    await page.keyboard.press('Escape');
    // A limit is not an outage, and nothing to file.
    assert.match(text, /Since \d\d:\d\d:\d\d: 1 failed request/);
    assert.doesNotMatch(text, /This outage|Copy Bug Report|Open GitHub Issue/);
    await item.click();
    const rows = await quickPickRows();
    assert.equal(rows[0].label, wording, "Claude Code's words, whole, in the first row");
    assert.ok(!rows.some((row) => /Copy Bug Report|Open GitHub Issue|Search Existing/.test(row.label)), rows.map((r) => r.label).join(', '));
    assert.equal(await hoverShown(), false);
    await page.keyboard.press('Escape');
    // Nothing to file from the palette either: the report commands are not offered...
    await page.keyboard.press('F1');
    const paletteInput = page.locator('.quick-input-widget input');
    await paletteInput.fill('>Claude API Watch: ');
    const paletteRows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await paletteRows.first().waitFor({ state: 'visible', timeout: WAIT_MS });
    const offered = (await paletteRows.allInnerTexts()).join('\n');
    assert.match(offered, /Show Recent Failures/);
    assert.doesNotMatch(offered, /Copy Bug Report|Open GitHub Issue|Search Existing GitHub Issues/);
    await page.keyboard.press('Escape');
    await workbench.runCommand('Notifications: Clear All Notifications');
    // Out of the way of the status page check, which needs a quiet item first.
    await workbench.runCommand('Claude API Watch: Clear Indicator');
    await until('the item quiet again', itemState, (s) => s.kind === 'none');
  });

  test('9. during failures the tooltip says what Anthropic reports; while healthy the status page is never asked', async () => {
    await changeSettings({ 'claudeAPIWatch.anthropicStatus.enabled': true, 'claudeAPIWatch.anthropicStatus.url': statusPage!.url });
    await stays('no status request while nothing is failing', async () => statusPage!.requests.length, (count) => count === 0, 3_000);

    const during = new TranscriptSession(claudeConfigDir!, workspace);
    await during.append(final500(STATUS_FAILURE_ID));
    await until('the failing item', itemState, (s) => s.kind === 'error');
    const text = await until('the Anthropic status in the tooltip', tooltipText, (t) => t.includes(INCIDENT));
    assert.match(text, /Anthropic reports: Partially Degraded Service/);
    assert.match(text, new RegExp(`${INCIDENT} \\(investigating\\)`));
    assert.ok(statusPage!.requests.length >= 1, 'the status page was asked');
    assert.equal(statusPage!.requests[0].url, '/api/v2/summary.json');
    await workbench.screenshot('tooltip-anthropic-status');
    await page.mouse.move(700, 300);
    await page.keyboard.press('Escape');
  });

  test('10. "Check API Health" against a failing API: a warning with the answer and its request ID', async () => {
    // A base URL that is not api.anthropic.com also turns the status page off (it says nothing about gateways).
    await changeSettings({ 'claudeAPIWatch.health.baseUrl': api!.url });
    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.runCommand('Claude API Watch: Check API Health');
    const verdict = await toast('Anthropic API is down');
    // The progress notification closes when the check is done.
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Checking the Anthropic API' }).waitFor({ state: 'detached', timeout: WAIT_MS });
    const requestId = api!.lastRequestId;
    assert.ok(requestId, 'the API stand-in answered');
    assert.match(
      await verdict.locator('.notification-list-item-message').innerText(),
      new RegExp(`^Anthropic API is down — server error 500: Internal server error \\(${requestId}\\)$`),
    );
    assert.equal(await verdict.locator('.codicon-warning').count(), 1, 'shown as a warning');
    assert.deepEqual(
      api!.requests.map((request) => [request.method, request.url.split('?')[0], request.headers['x-api-key'] ?? request.headers.authorization ?? null]),
      [['GET', '/v1/models', null]],
      'one keyless GET /v1/models',
    );
    // Not up: try again, or read what was tried. A toast with buttons opens expanded, request ID and all.
    const buttons = (await verdict.locator('.monaco-button').allInnerTexts()).map((b) => b.trim()).filter(Boolean);
    assert.deepEqual(buttons, ['Retry', 'Show Log']);
    await verdict.locator('.notification-list-item.expanded').waitFor({ timeout: WAIT_MS });
    await workbench.screenshot('health-check');
  });

  test('11. "Check API Health" with nothing listening: a verdict in plain words naming the host; Retry checks again', async () => {
    const closed = await closedPortUrl();
    const host = new URL(closed).host;
    await changeSettings({ 'claudeAPIWatch.health.baseUrl': closed });
    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.runCommand('Claude API Watch: Check API Health');
    const verdict = await toast(`Could not connect to ${host}`);
    assert.equal(
      (await verdict.locator('.notification-list-item-message').innerText()).trim(),
      `Could not connect to ${host} (ECONNREFUSED): your network, a proxy or a firewall, or the gateway, not Anthropic`,
    );
    const checks = async () => ((await readOutputLog(session!, 'Claude API Watch')).match(/Health check: .*could not connect/g) ?? []).length;
    const before = await checks();
    await verdict.getByRole('button', { name: 'Retry', exact: true }).click();
    await until('a second check', checks, (count) => count > before);
    await workbench.screenshot('health-check-unreachable');
  });

  test("12. Check API Health follows Claude Code's settings.json: its gateway is the target; with Bedrock the Anthropic check does not apply", async () => {
    const gateway = await startApiStandIn('overloaded');
    const settingsFile = path.join(claudeConfigDir!, 'settings.json');
    try {
      // Without the editor's own base URL, what Claude Code itself is set to use decides.
      await changeSettings({ 'claudeAPIWatch.health.baseUrl': undefined });
      const apiRequests = api!.requests.length;
      await writeFile(settingsFile, JSON.stringify({ env: { ANTHROPIC_BASE_URL: gateway.url } }));
      await workbench.runCommand('Notifications: Clear All Notifications');
      await workbench.runCommand('Claude API Watch: Check API Health');
      const answer = await toast(/Anthropic API (is up|is degraded|is down|could not be reached)/);
      await page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Checking the Anthropic API' }).waitFor({ state: 'detached', timeout: WAIT_MS });
      assert.deepEqual(gateway.requests.map((request) => [request.method, request.url.split('?')[0]]), [['GET', '/v1/models']], 'the gateway was asked, once');
      assert.equal(api!.requests.length, apiRequests, 'the API of the previous step was not asked');
      assert.ok(gateway.lastRequestId, 'the gateway answered');
      assert.match(await answer.locator('.notification-list-item-message').innerText(), new RegExp(`\\(${gateway.lastRequestId}\\)$`));

      await writeFile(settingsFile, JSON.stringify({ env: { CLAUDE_CODE_USE_BEDROCK: '1' } }));
      await workbench.runCommand('Notifications: Clear All Notifications');
      await workbench.runCommand('Claude API Watch: Check API Health');
      const bedrock = await toast('Amazon Bedrock');
      assert.match(
        await bedrock.locator('.notification-list-item-message').innerText(),
        /^Claude Code uses Amazon Bedrock \(set in .*settings\.json\), so the Anthropic API check does not apply\./,
      );
      assert.deepEqual(
        (await bedrock.locator('.monaco-button').allInnerTexts()).map((b) => b.trim()).filter(Boolean),
        ['Open Amazon Bedrock Status'],
      );
      assert.equal(gateway.requests.length, 1, 'nothing asked with Bedrock set');
      assert.equal(api!.requests.length, apiRequests, 'nothing asked with Bedrock set');
      await workbench.screenshot('health-check-bedrock');
    } finally {
      await rm(settingsFile, { force: true });
      await gateway.close();
    }
  });
});

/** The query of a bug-form URL, decoded field by field, after checking where it points and what it may hold. */
function issueFields(url: string): Map<string, string> {
  const parsed = new URL(url);
  assert.equal(`${parsed.origin}${parsed.pathname}`, 'https://github.com/anthropics/claude-code/issues/new');
  assert.ok(url.length < 7_500, `the URL is ${url.length} characters`);
  const fields = new Map(parsed.searchParams);
  assert.equal(fields.get('template'), 'bug_report.yml');
  for (const key of fields.keys()) assert.ok(ISSUE_TEXT_FIELDS.includes(key), `"${key}" is not a text field of the bug form`);
  for (const dropdown of ISSUE_DROPDOWNS) assert.ok(!fields.has(dropdown), `no "${dropdown}" in the URL`);
  return fields;
}
