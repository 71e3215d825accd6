// Builds bug reports in the editor: the core report plus what only the editor knows
// (its name, version, remote kind) and the latest health check and Anthropic status.
import * as vscode from 'vscode';
import { gatherEnvironment } from '../core/report/environment';
import { episodeAround } from '../core/episodes';
import { buildBugReport, type BugReport } from '../core/report/report';
import type { ApiFailureEvent } from '../core/types';

export interface ReportSources {
  /** The failures and retries of the current outage, oldest first (may be empty). */
  currentOutage(): ApiFailureEvent[];
  /** Retained failures and retries, newest first. */
  recentFailures(): ApiFailureEvent[];
  configDirs(): string[];
  /** The user's quiet period: the gap that ends an episode. */
  quietPeriodMs(): number;
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
    let events = chosen ? episodeAround(recent, chosen, this.sources.quietPeriodMs()) : this.sources.currentOutage();
    if (events.length === 0) {
      const latest = recent.find((event) => event.kind === 'failure') ?? recent[0];
      if (!latest) return undefined;
      events = episodeAround(recent, latest, this.sources.quietPeriodMs());
    }
    // The failure the report is about: its file and entrypoint describe the environment.
    const subject = chosen ?? [...events].reverse().find((event) => event.kind === 'failure') ?? events[events.length - 1];
    const environment = await gatherEnvironment({
      // The extension host's TERM_PROGRAM names whatever launched the editor, not the terminal
      // Claude Code ran in: leave the terminal to the session's entrypoint, or say it is unknown.
      env: { ...process.env, TERM_PROGRAM: undefined },
      configDirs: this.sources.configDirs(),
      failureFile: subject.file,
      entrypoint: subject.entrypoint,
      editor: { name: vscode.env.appName, version: vscode.version, remoteName: vscode.env.remoteName ?? null },
      extensionVersion: this.extensionVersion,
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
