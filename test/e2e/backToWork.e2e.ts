// Back to work as a user sees it, in a real VS Code (code-server + Chromium, the packaged .vsix): a
// plan limit that resets 10 s after it is written brings "Your 5-hour limit has reset"; an outage
// followed by a success in another session brings "Anthropic's API answers again", whose Resume
// Session opens a terminal for the session that gave up. (The in-host suite checks the terminal's
// command line through the terminal API: test/e2e/suite/backToWork.test.ts.)
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { projectFolderName } from '../../scripts/demo-outage';
import { assistantText, finalFailure, userPrompt, type Envelope } from '../fixtures/transcripts';
import { makeTempDir, openWorkbench, repoRoot, startCodeServer, type CodeServerSession, type Workbench } from './harness';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = process.env.CAW_E2E_VSIX ?? path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const WAIT_MS = 30_000;
const log = (...args: unknown[]) => console.log('backToWork.e2e:', ...args);

/** Appends Claude Code transcript lines for one session of the CLI, stamped with the current time. */
class TranscriptSession {
  readonly sessionId = randomUUID();
  readonly file: string;

  constructor(
    configDir: string,
    readonly cwd: string,
  ) {
    this.file = path.join(configDir, 'projects', projectFolderName(cwd), `${this.sessionId}.jsonl`);
  }

  async append(...lines: ((e: Envelope) => string)[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const envelope = (): Envelope => ({ sessionId: this.sessionId, cwd: this.cwd, version: '2.1.205', entrypoint: 'cli', timestamp: new Date().toISOString() });
    await appendFile(this.file, lines.map((line) => line(envelope()) + '\n').join(''));
  }
}

describe('back to work in code-server, as a user sees it', { timeout: 300_000 }, () => {
  let session: CodeServerSession | undefined;
  let workbench: Workbench;
  let page: Page;
  let claudeConfigDir: string | undefined;

  /** A notification toast showing `text`, once it has finished sliding in. */
  async function toast(text: string | RegExp): Promise<Locator> {
    const shown = page.locator('.notifications-toasts .notification-toast.notification-fade-in-done').filter({ hasText: text });
    await shown.first().waitFor({ state: 'visible', timeout: WAIT_MS });
    return shown.first();
  }

  before(async () => {
    assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run npm run test:e2e (it packages first)`);
    claudeConfigDir = await makeTempDir('claude');
    await mkdir(path.join(claudeConfigDir, 'projects'), { recursive: true });
    session = await startCodeServer({
      extensionVsix: vsixPath,
      env: { CLAUDE_CONFIG_DIR: claudeConfigDir },
      // Tests talk only to 127.0.0.1: no status page look-ups.
      settings: { 'claudeAPIWatch.anthropicStatus.enabled': false },
    });
    workbench = await openWorkbench(session);
    page = workbench.page;
    const baseline = new TranscriptSession(claudeConfigDir, session.workspaceDir);
    await baseline.append((e) => userPrompt('Hello', e));
    await page.locator('[id="workbench.parts.statusbar"] [id$="claudeApiWatch.status"]').waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    await session?.stop();
    if (claudeConfigDir) await rm(claudeConfigDir, { recursive: true, force: true });
  });

  test('a plan limit that resets 10 s after it is written: "Your 5-hour limit has reset", with Resume Session', async () => {
    const limited = new TranscriptSession(claudeConfigDir!, session!.workspaceDir);
    const resetsAt = Math.ceil(Date.now() / 1000) + 10;
    await limited.append(
      (e) => userPrompt('Refactor the parser', e),
      (e) => finalFailure("You've hit your session limit · resets 5:40pm", e, { error: 'rate_limit', quotaLimits: { status: 'rejected', resetsAt, rateLimitType: 'five_hour' } }),
    );
    await toast('Claude Code hit a limit');
    await page.keyboard.press('Escape');
    const reset = await toast('Your 5-hour limit has reset');
    assert.ok(Date.now() >= resetsAt * 1000, 'not before the reset');
    assert.equal(await reset.getByRole('button', { name: 'Resume Session', exact: true }).count(), 1);
    await workbench.screenshot('notification-limit-reset');
    await page.locator('.notifications-toasts .notification-toast').first().hover();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    log('limit reset told');
  });

  test('an outage, then a success in another session: back to work, and Resume Session opens a terminal for the session that gave up', async () => {
    const failed = new TranscriptSession(claudeConfigDir!, session!.workspaceDir);
    await failed.append(
      (e) => userPrompt('Run the tests and fix what fails', e),
      (e) =>
        finalFailure('API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment.', e, {
          error: 'server_error',
          apiErrorStatus: 500,
          requestId: 'req_011CVbackToWork0000001',
        }),
    );
    await toast('Claude Code gave up after an API error');
    const elsewhere = new TranscriptSession(claudeConfigDir!, session!.workspaceDir);
    await elsewhere.append(
      (e) => userPrompt('Hello', e),
      (e) => assistantText('Hello! What shall we work on?', e),
    );
    const back = await toast(/Anthropic's API answers again \(a request succeeded in another session\): down for/);
    await workbench.screenshot('notification-back-to-work');
    await back.getByRole('button', { name: 'Resume Session', exact: true }).click();
    // The terminal is named after the session it resumes.
    await page.getByText(`Claude Code ${failed.sessionId.slice(0, 8)}`).first().waitFor({ state: 'visible', timeout: WAIT_MS });
    await workbench.screenshot('resume-session-terminal');
    log('resumed in a terminal');
  });
});
