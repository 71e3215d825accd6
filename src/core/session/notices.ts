// Every notification the session raises, in words and as the JSON line `watch --json` prints, so
// that the terminal says what the editor shows. Pure.
import { familyOf } from '../episodes';
import { backToWorkMessage, limitResetMessage } from './backToWork';
import { resumeTargetFor, type ShellKind } from './resume';
import type { SessionNotice } from './watchSession';

/** The notice in one line, as the editor's toast words it. */
export function noticeMessage(notice: SessionNotice): string {
  if (notice.reason === 'limitReset') return limitResetMessage(notice);
  if (notice.reason === 'backToWork') return backToWorkMessage(notice);
  const { failure } = notice;
  const what = failure.wording ?? failure.message;
  switch (familyOf(failure.failureClass)) {
    case 'anthropic':
      return notice.reason === 'retrying' ? `Claude Code is still retrying after an API error: ${what}` : `Claude Code gave up after an API error: ${what}`;
    case 'network':
      return `Claude Code cannot reach the API: ${what}`;
    case 'auth':
      return /\/login/.test(what) ? `Claude Code needs you to log in again: ${what}` : `Claude Code needs you to log in again: ${what}. Run /login in Claude Code.`;
    case 'rate_limit':
      return `Claude Code hit a limit: ${what}`;
    default:
      return `Claude Code API failure: ${what}`;
  }
}

/** `watch --json`'s line for a notice (the README lists the fields). */
export interface NoticeJson {
  kind: 'notice';
  /** `failure` (Claude Code gave up), `retrying` (its retries keep failing), `limitReset`, `backToWork`. */
  reason: SessionNotice['reason'];
  /** When it was raised, ISO 8601, UTC. */
  time: string;
  message: string;
  sessionId: string | null;
  cwd: string | null;
  class: string;
  status: number | null;
  requestId: string | null;
  /** `limitReset`: the window (`5-hour`, ...) or null, and the reset. */
  limitWindow: string | null;
  resetsAt: string | null;
  /** `backToWork`: the outage's first failure, the evidence's time, the time lost, the evidence. */
  outageStartedAt: string | null;
  answeredAt: string | null;
  downForMs: number | null;
  evidence: 'success' | 'incidentResolved' | null;
  incident: string | null;
  /** `limitReset`, `backToWork`: the command that resumes a Claude Code CLI session, else null. */
  resumeCommand: string | null;
}

export function toNoticeJson(notice: SessionNotice, now: number, shell: ShellKind = 'posix'): NoticeJson {
  const { failure } = notice;
  const iso = (ms: number) => new Date(ms).toISOString();
  const back = notice.reason === 'backToWork' ? notice : null;
  const resume = notice.reason === 'limitReset' || back ? resumeTargetFor(failure, shell) : null;
  return {
    kind: 'notice',
    reason: notice.reason,
    time: iso(now),
    message: noticeMessage(notice),
    sessionId: failure.sessionId,
    cwd: failure.cwd,
    class: failure.failureClass,
    status: failure.status ?? failure.impliedStatus ?? null,
    requestId: failure.requestId,
    limitWindow: notice.reason === 'limitReset' ? notice.window : null,
    resetsAt: notice.reason === 'limitReset' ? iso(notice.resetAt) : null,
    outageStartedAt: back ? iso(back.outageStartedAt) : null,
    answeredAt: back ? iso(back.answeredAt) : null,
    downForMs: back ? back.lostMs : null,
    evidence: back ? back.evidence.kind : null,
    incident: back?.evidence.kind === 'incidentResolved' ? back.evidence.incident : null,
    resumeCommand: resume?.kind === 'terminal' ? resume.commandLine : null,
  };
}
