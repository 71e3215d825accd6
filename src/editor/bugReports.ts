// Builds bug reports in the editor: the core report plus what only the editor knows
// (its name, version, remote kind) and the latest health check and Anthropic status.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isPathInside } from '../core/scope';
import { collectEnvironment, readClaudeSettingsEnv, readLinuxOsRelease } from '../core/report/environment';
import { buildBugReport, selectOutageEvents, type BugReport } from '../core/report/report';
import type { ApiFailureEvent } from '../core/types';

export interface ReportSources {
  /** The failures and retries of the current outage, oldest first (may be empty). */
  currentOutage(): ApiFailureEvent[];
  /** Retained failures and retries, newest first. */
  recentFailures(): ApiFailureEvent[];
  configDirs(): string[];
  /** One line each, or null: "a health check at 10:42 UTC got 500 api_error (req_…)". */
  healthSummary(): string | null;
  anthropicStatusSummary(): string | null;
}

export class BugReports {
  constructor(
    private readonly sources: ReportSources,
    private readonly extensionVersion: string,
  ) {}

  /** The report for `chosen`'s outage, else the current outage, else the latest failure's; undefined when none was seen. */
  async build(chosen?: ApiFailureEvent): Promise<BugReport | undefined> {
    const recent = this.sources.recentFailures();
    let events = chosen ? selectOutageEvents(recent, chosen) : this.sources.currentOutage();
    if (events.length === 0) {
      const latest = recent.find((event) => event.kind === 'failure') ?? recent[0];
      if (!latest) return undefined;
      events = selectOutageEvents(recent, latest);
    }
    const subject = chosen ?? events[events.length - 1];
    const configDir = this.sources.configDirs().find((dir) => isPathInside(subject.file, dir, process.platform)) ?? this.sources.configDirs()[0];
    const environment = collectEnvironment({
      env: process.env,
      claudeSettingsEnv: configDir ? await readClaudeSettingsEnv(configDir) : {},
      platform: process.platform,
      osRelease: os.release(),
      arch: process.arch,
      linuxOsRelease: process.platform === 'linux' ? await readLinuxOsRelease() : undefined,
      editor: { name: vscode.env.appName, version: vscode.version, remoteName: vscode.env.remoteName ?? null },
      extensionVersion: this.extensionVersion,
      entrypoint: subject.entrypoint,
      homedir: os.homedir(),
      username: safeUserName(),
    });
    const health = this.sources.healthSummary();
    const status = this.sources.anthropicStatusSummary();
    return buildBugReport({
      events,
      chosen,
      environment,
      healthCheck: health ? { summary: health } : null,
      anthropicStatus: status ? { summary: status } : null,
      now: new Date(),
    });
  }
}

function safeUserName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the home directory is still redacted.
    return process.env.USER ?? process.env.USERNAME ?? path.basename(os.homedir());
  }
}
