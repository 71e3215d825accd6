// Builds bug reports in the editor: the core report plus what only the editor knows (its name,
// version, remote kind) and what the session knows (the outage, the health check, the status page).
import * as vscode from 'vscode';
import { healthForOutage } from '../core/health/apiHealth';
import type { BugReport } from '../core/report/report';
import type { WatchSession } from '../core/session/watchSession';
import type { ApiFailureEvent } from '../core/types';

/** What the failure history adds to a report: older outages, and Anthropic's matching incident. */
export interface HistoryReportSources {
  /** The whole outage `chosen` belongs to when the history knows it (older than the session keeps). */
  outageAround(chosen: ApiFailureEvent): ApiFailureEvent[] | null;
  /** The Anthropic incident line for an outage (`incidentLineForOutage`), or null when the status page is not asked. */
  anthropicIncident(events: ApiFailureEvent[]): Promise<string | null>;
}

export class BugReports {
  constructor(
    private readonly session: WatchSession,
    private readonly extensionVersion: string,
    private readonly history?: HistoryReportSources,
  ) {}

  /**
   * What a report would be about (the same choice as build()): the events and the failure they are
   * headed by; undefined when no failure was seen. Commands ask first whether it is anything to file.
   */
  subject(chosen?: ApiFailureEvent): { events: ApiFailureEvent[]; subject: ApiFailureEvent } | undefined {
    const session = this.session;
    let events = chosen ? (this.history?.outageAround(chosen) ?? session.episodeOf(chosen)) : session.currentOutage();
    if (events.length === 0) {
      const recent = session.recentFailures(Infinity);
      const latest = recent.find((event) => event.kind === 'failure') ?? recent[0];
      if (!latest) return undefined;
      events = session.episodeOf(latest);
    }
    // The failure the report is about: its file and entrypoint describe the environment.
    const subject = chosen ?? [...events].reverse().find((event) => event.kind === 'failure') ?? events[events.length - 1];
    return { events, subject };
  }

  /**
   * The report for `chosen`'s episode, else the outage the status bar shows (the same events its
   * ×N counts), else the latest failure's episode; undefined when none was seen.
   */
  async build(chosen?: ApiFailureEvent): Promise<BugReport | undefined> {
    const about = this.subject(chosen);
    if (!about) return undefined;
    const { events, subject } = about;
    const session = this.session;
    const { buildBugReport, gatherEnvironment } = await import('./lazy/reporting.js');
    const environment = await gatherEnvironment({
      // The extension host's TERM_PROGRAM names whatever launched the editor, not the terminal
      // Claude Code ran in: leave the terminal to the session's entrypoint, or say it is unknown.
      env: { ...process.env, TERM_PROGRAM: undefined },
      configDirs: session.configDirs,
      failureFile: subject.file,
      entrypoint: subject.entrypoint,
      editor: { name: vscode.env.appName, version: vscode.version, remoteName: publicRemoteName(vscode.env.remoteName) },
      extensionVersion: this.extensionVersion,
    });
    // Only a check close enough to be about this outage, with its age.
    const times = events.map((event) => Date.parse(event.timestamp ?? '')).filter(Number.isFinite);
    const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
    const health = healthForOutage(session.state.health, iso(Math.min(...times)), iso(Math.max(...times)));
    const status = session.anthropicStatusSummary();
    const incident = (await this.history?.anthropicIncident(events)) ?? null;
    // The API answered again after this outage: only when that outage is the one reported.
    const answered = session.state.answeredAgain;
    const backToWork = answered && times.some((at) => at >= answered.outageStartedAt && at <= answered.answeredAt) ? session.backToWorkSummary() : null;
    return buildBugReport({
      events,
      chosen,
      environment,
      healthCheck: health ? { summary: health } : null,
      anthropicStatus: status ? { summary: status } : null,
      anthropicIncident: incident ? { summary: incident } : null,
      backToWork: backToWork ? { summary: backToWork } : null,
      now: new Date(),
    });
  }
}

/**
 * The remote kind for a public report: `ssh-remote`, `wsl`, `dev-container`... A code-server or
 * other web host names itself by its address (`127.0.0.1:8095`): that stays on this machine.
 */
export function publicRemoteName(remoteName: string | undefined): string | null {
  if (!remoteName) return null;
  return /^[a-z][a-z0-9-]*$/i.test(remoteName) ? remoteName : 'remote server';
}
