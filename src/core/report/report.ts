// The bug report a support engineer wishes they always got: what failed, when, how often, every
// request ID, and the environment, laid out in the order of the claude-code bug form
// (.github/ISSUE_TEMPLATE/bug_report.yml). Only error messages, IDs, versions and names go in —
// never prompt or file content — and every field is redacted before it is returned.
// Every string taken from a transcript or the environment is redacted first (then cut to length),
// and quoted where GitHub renders Markdown, so it cannot add links, images, HTML, lists,
// @mentions or #references to the issue (DESIGN §4).
import { eventTime } from '../episodes';
import { describePlanLimit } from '../planLimit';
import type { ApiFailureEvent, FailureClass } from '../types';
import type { EnvironmentFacts, OsOption, PlatformOption, TerminalOption } from './environment';
import { redactionFor } from './knownSecrets';
import { capLength, MAX_REDACTED_LENGTH, redact, type RedactionContext } from './redact';
import { baseName } from '../paths';

export interface BugReportInput {
  /** The chosen failure, or the whole outage (failures and retries; see `episodeAround`). */
  events: ApiFailureEvent[];
  environment: EnvironmentFacts;
  healthCheck?: { summary: string } | null;
  anthropicStatus?: { summary: string } | null;
  /** The Anthropic incident this outage overlaps, or that there was none (`describeIncidentMatch`); absent when not asked. */
  anthropicIncident?: { summary: string } | null;
  /** The outage is over: the evidence the API answers again and the time lost (the session's words); absent when not known. */
  backToWork?: { summary: string } | null;
  now: Date;
  /** IANA zone for local times; default: this machine's. */
  timeZone?: string;
  /** The failure the report is about; default: the latest final failure, else the latest retry. */
  chosen?: ApiFailureEvent;
}

/** The text fields of the bug form that a URL can pre-fill, by id. */
export type IssueFieldId =
  | 'title'
  | 'actual'
  | 'expected'
  | 'error_output'
  | 'reproduction'
  | 'working_version'
  | 'version'
  | 'additional';

export const ISSUE_FIELD_IDS: readonly IssueFieldId[] = [
  'title',
  'actual',
  'expected',
  'error_output',
  'reproduction',
  'working_version',
  'version',
  'additional',
];

export type IssueFields = Record<IssueFieldId, string>;

export type ModelOption = 'Sonnet (default)' | 'Opus' | 'Not sure / Multiple models' | 'Other';
export type RegressionAnswer = 'yes' | 'no' | 'unknown';

/** What to pick in the form's dropdowns, which a URL cannot pre-fill. */
export interface DetectedDropdowns {
  model: ModelOption;
  regression: RegressionAnswer;
  platform: PlatformOption;
  os: OsOption;
  terminal: TerminalOption;
}

export interface FailureSummary {
  status: number | null;
  failureClass: FailureClass;
  errorType: string | null;
  networkCode: string | null;
  /** One human line, redacted. */
  message: string;
  /** ISO timestamps of the first and last event, when known. */
  firstAt: string | null;
  lastAt: string | null;
  failures: number;
  retries: number;
  /** Short (8-character) session IDs, in order of first appearance. */
  sessions: string[];
  /** Project folder names (basename of the redacted cwd). */
  projects: string[];
  model: string | null;
  version: string | null;
  lastWorkingVersion: string | null;
}

export interface BugReport {
  title: string;
  /** Every request ID involved, de-duplicated, the chosen failure's own first. */
  requestIds: string[];
  summary: FailureSummary;
  fields: IssueFields;
  detected: DetectedDropdowns;
  /** The whole report for the clipboard, in the form's order. */
  markdown: string;
}

const REGRESSION_LABEL: Readonly<Record<RegressionAnswer, string>> = {
  yes: 'Yes, this worked in a previous version',
  no: 'No, this never worked',
  unknown: "I don't know",
};

const EXPECTED_BY_CLASS: Readonly<Record<FailureClass, string>> = {
  server:
    "Claude Code's API requests should succeed. A brief server-side error should be absorbed by the retries instead of ending the turn.",
  overloaded:
    "Claude Code's API requests should succeed. Brief overload should be absorbed by the retries instead of ending the turn.",
  rate_limit:
    "Requests within my plan's limits should be accepted; when a limit is hit, the error should say which limit and when it resets.",
  auth: 'Claude Code should authenticate with my current credentials, or say exactly what to fix.',
  client: 'The requests Claude Code builds should be accepted by the API.',
  network: 'Claude Code should reach the API, or recover by itself once the connection is back.',
  unknown: "Claude Code's API requests should succeed.",
};

const SHORT_SESSION_ID = 8;
const TITLE_MESSAGE_MAX = 90;
const TITLE_VERSION_MAX = 24;
const MAX_LOG_LINES = 100;

/** Async: the rule set for known token shapes is loaded (once) when the first report is built. */
export async function buildBugReport(input: BugReportInput): Promise<BugReport> {
  const facts = gatherFacts(input, await redactionFor(reportTexts(input), input.environment.redaction));
  const { chosen, environment, clean } = facts;
  const summary: FailureSummary = {
    status: chosen.status,
    failureClass: chosen.failureClass,
    errorType: facts.errorType,
    networkCode: facts.networkCode,
    message: facts.message,
    firstAt: facts.firstAt,
    lastAt: facts.lastAt,
    failures: facts.failures,
    retries: facts.retries,
    sessions: facts.sessions,
    projects: facts.projects,
    model: facts.model,
    version: facts.version,
    lastWorkingVersion: facts.lastWorkingVersion,
  };
  const detected: DetectedDropdowns = {
    model: modelOption(facts.models.length > 1 ? null : facts.model, facts.models.length > 1),
    regression: facts.lastWorkingVersion ? 'yes' : 'unknown',
    platform: environment.platformOption,
    os: environment.os,
    terminal: environment.terminalOption,
  };
  const fields: IssueFields = {
    title: clean(buildTitle(chosen)),
    actual: clean(whatsWrong(facts)),
    expected: EXPECTED_BY_CLASS[chosen.failureClass],
    error_output: clean(errorLog(chosen, facts.events, facts.sessions.length > 1)),
    reproduction: clean(stepsToReproduce(facts)),
    working_version: facts.lastWorkingVersion ? code(facts.lastWorkingVersion) : '',
    version: facts.version ? `${code(facts.version)} (Claude Code)` : '',
    additional: clean(`${detectedValues(facts, detected)}\n\n${additionalDetails(facts)}`),
  };
  return {
    title: fields.title,
    requestIds: facts.requestIds,
    summary,
    fields,
    detected,
    markdown: renderMarkdown(fields, facts, detected),
  };
}

/** Everything the sections are written from, taken once from the events; strings already redacted. */
interface ReportFacts {
  input: BugReportInput;
  environment: EnvironmentFacts;
  /** Redacts composed text (a second line of defence: every value in it is already redacted). */
  clean: (text: string) => string;
  /** One value: redacted, on one line. */
  value: (text: string) => string;
  /** A value from this machine (OS, terminal, gateway host): redacted, and quoted unless plain words. */
  local: (text: string) => string;
  clock: Clock;
  /** Oldest first. */
  events: ApiFailureEvent[];
  chosen: ApiFailureEvent;
  /** One line: `API Error 500 (api_error): Internal server error`. */
  headline: string;
  message: string;
  errorType: string | null;
  networkCode: string | null;
  failures: number;
  retries: number;
  sessions: string[];
  projects: string[];
  requestIds: string[];
  models: string[];
  model: string | null;
  version: string | null;
  lastWorkingVersion: string | null;
  firstAt: string | null;
  lastAt: string | null;
}

/** Every string of the input that can reach the report: what the rule set is asked about. */
function reportTexts(input: BugReportInput): string[] {
  const texts = new Set<string>();
  const add = (text: string | null | undefined): void => {
    if (text) texts.add(capLength(text, MAX_REDACTED_LENGTH));
  };
  for (const event of input.chosen ? [...input.events, input.chosen] : input.events) {
    for (const text of [event.message, event.wording, event.errorType, event.networkCode, event.cwd, event.sessionId, event.model]) add(text);
    for (const text of [event.version, event.entrypoint, event.requestId, event.lastSuccessVersion, event.timestamp]) add(text);
    event.requestIds.forEach(add);
  }
  const { environment } = input;
  for (const text of [environment.apiPlatform, environment.osDetail, environment.terminal, environment.editor, environment.extensionVersion]) add(text);
  add(input.healthCheck?.summary);
  add(input.anthropicStatus?.summary);
  add(input.anthropicIncident?.summary);
  add(input.backToWork?.summary);
  return [...texts];
}

function gatherFacts(input: BugReportInput, redaction: RedactionContext): ReportFacts {
  if (input.events.length === 0 && !input.chosen) throw new RangeError('buildBugReport needs at least one event');
  const { environment } = input;
  const clean = (text: string): string => redact(text, redaction);
  // A value is redacted whole, then kept on one line: it can neither start a Markdown block nor
  // close the fence of the log.
  const value = (text: string): string => oneLine(clean(text));
  const valueOrNull = (text: string | null): string | null => (text === null ? null : value(text));
  const cleanEvent = (event: ApiFailureEvent): ApiFailureEvent => ({
    ...event,
    timestamp: isTime(event.timestamp) ? new Date(Date.parse(event.timestamp)).toISOString() : null,
    message: value(event.message),
    wording: valueOrNull(event.wording ?? null),
    errorType: valueOrNull(event.errorType),
    networkCode: valueOrNull(event.networkCode),
    cwd: valueOrNull(event.cwd),
    sessionId: valueOrNull(event.sessionId),
    model: valueOrNull(event.model),
    version: valueOrNull(event.version),
    entrypoint: valueOrNull(event.entrypoint),
    requestId: valueOrNull(event.requestId),
    requestIds: event.requestIds.map(value),
    lastSuccessVersion: valueOrNull(event.lastSuccessVersion),
  });
  const cleaned = new Map<ApiFailureEvent, ApiFailureEvent>();
  for (const event of input.chosen ? [...input.events, input.chosen] : input.events) {
    if (!cleaned.has(event)) cleaned.set(event, cleanEvent(event));
  }
  const events = sortByTime([...cleaned.values()]);
  const chosen = input.chosen ? cleaned.get(input.chosen)! : latestFailure(events);
  const failures = events.filter((event) => event.kind === 'failure').length;
  const models = unique(events.map((event) => event.model));
  const times = events.map((event) => event.timestamp).filter(isTime);
  return {
    input,
    environment,
    clean,
    value,
    local: (text: string) => plainOrCode(value(text)),
    clock: new Clock(input.timeZone),
    events,
    chosen,
    headline: code(describeError(chosen)),
    message: chosen.message,
    errorType: chosen.errorType,
    networkCode: chosen.networkCode,
    failures,
    retries: events.length - failures,
    sessions: unique(events.map((event) => event.sessionId?.slice(0, SHORT_SESSION_ID))),
    projects: unique(events.map((event) => (event.cwd ? projectName(event.cwd) : null))),
    requestIds: unique([chosen, ...[...events].reverse()].flatMap(idsOf)),
    models,
    model: chosen.model ?? models[models.length - 1] ?? null,
    version: chosen.version,
    lastWorkingVersion: regressionHint(events, chosen.version),
    firstAt: times[0] ?? null,
    lastAt: times[times.length - 1] ?? null,
  };
}

function whatsWrong(facts: ReportFacts): string {
  const { chosen, headline, firstAt, lastAt } = facts;
  const target = platformPhrase(facts.environment.apiPlatform);
  return [
    chosen.kind === 'failure'
      ? `Claude Code's requests to ${target} failed with ${headline}.`
      : `Claude Code's requests to ${target} were failing with ${headline} while Claude Code retried${attemptText(chosen)}.`,
    '',
    // Claude Code's whole wording (redacted): the reset time, the limit exceeded, its advice.
    ...(chosen.wording ? [`- Claude Code said: ${code(chosen.wording)}`] : []),
    `- When: ${describeWhen(firstAt, lastAt, facts.clock)}`,
    `- How often: ${countText(facts.failures, facts.retries)}${spanText(firstAt, lastAt)}`,
    ...(chosen.limitWindow || chosen.resetsAt ? [`- Limit: ${describePlanLimit(chosen, facts.input.now, facts.input.timeZone)}`] : []),
    `- Sessions: ${describeSessions(facts.events) || 'unknown'}`,
    `- Request IDs: ${facts.requestIds.length ? facts.requestIds.map(code).join(', ') : 'none recorded'}`,
  ].join('\n');
}

function stepsToReproduce(facts: ReportFacts): string {
  const { environment, sessions, projects } = facts;
  const setting = `on ${environment.os}; terminal: ${facts.local(environment.terminal)}; API: ${facts.local(environment.apiPlatform)}; model: ${facts.model ? code(facts.model) : 'unknown'}`;
  const spread =
    sessions.length > 1 || projects.length > 1
      ? [
          `The same failure hit ${plural(sessions.length, 'session')} in ${plural(projects.length, 'project')}${spanText(facts.firstAt, facts.lastAt)}.`,
        ]
      : [];
  return [
    "Observed in Claude Code's own transcripts (no prompt or file content included):",
    `1. Claude Code ${facts.version ? code(facts.version) : '(version unknown)'} ${setting}.`,
    `2. An ordinary request in a session got ${facts.headline}.`,
    `3. ${outcomeText(facts.chosen, facts.events)}`,
    ...spread,
  ].join('\n');
}

function regressionText(facts: ReportFacts, detected: DetectedDropdowns): string {
  return facts.lastWorkingVersion
    ? `${REGRESSION_LABEL.yes} (last success on ${code(facts.lastWorkingVersion)}, failing on ${facts.version ? code(facts.version) : 'unknown'})`
    : REGRESSION_LABEL[detected.regression];
}

/** The dropdowns a URL cannot fill, stated so the user can pick them. */
function detectedValues(facts: ReportFacts, detected: DetectedDropdowns): string {
  const { environment, local } = facts;
  const withDetail = (option: string, detail: string): string => (option === detail ? option : `${option} (${local(detail)})`);
  return [
    'Detected values for the dropdowns above (please select them):',
    `- Claude Model: ${modelDescription(detected.model, facts.model, facts.models)}`,
    `- Is this a regression?: ${regressionText(facts, detected)}`,
    `- Platform: ${withDetail(environment.platformOption, environment.apiPlatform)}`,
    `- Operating System: ${environment.os} (${local(environment.osDetail)})`,
    `- Terminal/Shell: ${withDetail(environment.terminalOption, environment.terminal)}`,
  ].join('\n');
}

function additionalDetails(facts: ReportFacts): string {
  const { environment, events, input, local } = facts;
  const versionsSeen = unique(events.map((event) => event.version));
  const fromSubagents = events.filter((event) => event.isSidechain).length;
  const generatedBy = `Claude API Watch${environment.extensionVersion ? ` ${local(environment.extensionVersion)}` : ''}`;
  return [
    `- Error: ${classText(facts.chosen)}`,
    ...(versionsSeen.length > 1 ? [`- Claude Code versions in this outage: ${versionsSeen.map(code).join(', ')}`] : []),
    ...(fromSubagents ? [`- From subagents: ${fromSubagents} of ${events.length}`] : []),
    `- Entrypoint: ${unique(events.map((event) => event.entrypoint)).map(code).join(', ') || 'unknown'}`,
    `- API platform: ${local(environment.apiPlatform)}`,
    ...(environment.editor ? [`- Editor: ${local(environment.editor)}`] : []),
    // Network text (an API's answer, the status page's wording): always quoted.
    ...(input.healthCheck ? [`- Health check: ${code(facts.value(input.healthCheck.summary))}`] : []),
    ...(input.anthropicStatus ? [`- Anthropic status (status.claude.com): ${code(facts.value(input.anthropicStatus.summary))}`] : []),
    ...(input.anthropicIncident ? [`- Anthropic incident: ${code(facts.value(input.anthropicIncident.summary))}`] : []),
    ...(input.backToWork ? [`- Back to work: ${code(facts.value(input.backToWork.summary))}`] : []),
    `- Report generated ${facts.clock.utc(input.now)} by ${generatedBy}`,
  ].join('\n');
}

/** The whole report for the clipboard: the form's sections in the form's order, as GitHub renders them. */
function renderMarkdown(fields: IssueFields, facts: ReportFacts, detected: DetectedDropdowns): string {
  const { environment, clean, local } = facts;
  const fence = codeFence(fields.error_output);
  const sections = [
    `**${fields.title}**`,
    section("What's Wrong?", fields.actual),
    section('What Should Happen?', fields.expected),
    section('Error Messages/Logs', `${fence}shell\n${fields.error_output}\n${fence}`),
    section('Steps to Reproduce', fields.reproduction),
    section('Claude Model', modelDescription(detected.model, facts.model, facts.models)),
    section('Is this a regression?', regressionText(facts, detected)),
    section('Last Working Version', fields.working_version || 'Unknown'),
    section('Claude Code Version', fields.version || 'Unknown'),
    section('Platform', local(environment.apiPlatform)),
    section('Operating System', `${environment.os} (${local(environment.osDetail)})`),
    section('Terminal/Shell', local(environment.terminal)),
    section('Additional Information', clean(additionalDetails(facts))),
  ];
  return `${sections.join('\n\n')}\n`;
}

/** The latest final failure, else (still retrying) the latest retry. */
function latestFailure(sorted: ApiFailureEvent[]): ApiFailureEvent {
  const finals = sorted.filter((event) => event.kind === 'failure');
  const pool = finals.length ? finals : sorted;
  return pool[pool.length - 1];
}

/**
 * The regression hint: the version of the last success before the first failure, when it differs
 * from the failing version; else the caller's value under the same rule.
 */
/** The version of the last success before the first failure that has one, when it is not the failing version. */
function regressionHint(sorted: ApiFailureEvent[], failingVersion: string | null): string | null {
  const fromEvents = sorted.find((event) => event.lastSuccessVersion)?.lastSuccessVersion ?? null;
  return fromEvents && fromEvents !== failingVersion ? fromEvents : null;
}

function sortByTime(events: ApiFailureEvent[]): ApiFailureEvent[] {
  return events
    .map((event, index) => ({ event, index, time: eventTime(event) ?? Number.NEGATIVE_INFINITY }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map(({ event }) => event);
}

function isTime(value: string | null): value is string {
  return value !== null && Number.isFinite(Date.parse(value));
}

function idsOf(event: ApiFailureEvent): string[] {
  return event.requestId ? [event.requestId, ...event.requestIds] : event.requestIds;
}

function unique(values: readonly (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => !!value))];
}

/** The last path segment, whichever separator the transcript's machine used. */
function projectName(cwd: string): string {
  return baseName(cwd) || cwd;
}

/** `the Anthropic API`, `AWS Bedrock`, `an inference gateway (llm-gw.example.com)`. */
function platformPhrase(apiPlatform: string): string {
  if (apiPlatform === 'Anthropic API') return 'the Anthropic API';
  const gateway = /^Gateway \((.*)\)$/.exec(apiPlatform);
  return gateway ? `an inference gateway (${gateway[1]})` : apiPlatform;
}

/** `API Error 500 (api_error): Internal server error`, `API Error: Unable to connect to API (ECONNRESET)`. */
function describeError(event: ApiFailureEvent): string {
  const type = event.errorType ? ` (${event.errorType})` : '';
  if (event.status === null) return `API Error${type}: ${event.message}`;
  return `API Error ${event.status}${type}: ${messageWithoutStatus(event)}`;
}

function messageWithoutStatus(event: ApiFailureEvent): string {
  const status = String(event.status);
  const text = event.message.startsWith(`${status} `) ? event.message.slice(status.length + 1) : event.message;
  // (endsWith, not a regex: `\s*\(500\)$` costs quadratic time on a long run of blanks.)
  const suffix = `(${status})`;
  return (text.endsWith(suffix) ? text.slice(0, -suffix.length).trimEnd() : text) || event.message;
}

/**
 * `[BUG] API Error 500: Internal server error (Claude Code 2.1.120)`: the error and the version,
 * never a request ID, so the same outage reads the same in every report and duplicates are found.
 */
function buildTitle(event: ApiFailureEvent): string {
  // The event's strings are redacted already: cutting them now cannot leave half a secret.
  const message = code(truncate(event.status === null ? event.message : messageWithoutStatus(event), TITLE_MESSAGE_MAX));
  const head = event.status === null ? `API Error: ${message}` : `API Error ${event.status}: ${message}`;
  const version = event.version ? ` (Claude Code ${code(truncate(event.version, TITLE_VERSION_MAX))})` : '';
  return `[BUG] ${head}${version}`;
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

function attemptText(event: ApiFailureEvent): string {
  if (event.attempt === null) return '';
  return event.maxRetries === null ? ` (attempt ${event.attempt})` : ` (attempt ${event.attempt} of ${event.maxRetries})`;
}

function outcomeText(chosen: ApiFailureEvent, events: ApiFailureEvent[]): string {
  const retriesBefore = events.filter(
    (event) => event.kind === 'retry' && event.sessionId === chosen.sessionId && (eventTime(event) ?? 0) <= (eventTime(chosen) ?? 0),
  );
  if (chosen.kind === 'retry') {
    const laterFailure = events.find(
      (event) => event.kind === 'failure' && event.sessionId === chosen.sessionId && (eventTime(event) ?? 0) >= (eventTime(chosen) ?? 0),
    );
    return laterFailure
      ? `Claude Code kept retrying, then stopped the turn with ${code(describeError(laterFailure))}.`
      : `Claude Code was retrying${attemptText(chosen)}; no final error was recorded.`;
  }
  if (retriesBefore.length === 0) return 'Claude Code stopped the turn with the error above.';
  const span = spanText(retriesBefore[0].timestamp, chosen.timestamp);
  return `Claude Code retried ${plural(retriesBefore.length, 'time')}${span}, then stopped the turn with the error above.`;
}

function countText(failures: number, retries: number): string {
  const finals = plural(failures, 'final failure');
  if (retries === 0) return finals;
  if (failures === 0) return `${plural(retries, 'failed attempt')} (still retrying)`;
  return `${finals} after ${plural(retries, 'retry', 'retries')}`;
}

function spanText(from: string | null, to: string | null): string {
  if (!isTime(from) || !isTime(to)) return '';
  const ms = Date.parse(to) - Date.parse(from);
  return ms > 0 ? ` over ${formatDuration(ms)}` : '';
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${Math.max(seconds, 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function describeWhen(firstAt: string | null, lastAt: string | null, clock: Clock): string {
  if (!firstAt || !lastAt) return 'unknown (no timestamp recorded)';
  return clock.describe(new Date(firstAt), new Date(lastAt));
}

function describeSessions(events: ApiFailureEvent[]): string {
  const bySession = new Map<string, Set<string>>();
  for (const event of events) {
    if (!event.sessionId) continue;
    const id = event.sessionId.slice(0, SHORT_SESSION_ID);
    const projects = bySession.get(id) ?? new Set<string>();
    if (event.cwd) projects.add(projectName(event.cwd));
    bySession.set(id, projects);
  }
  return [...bySession]
    .map(([id, projects]) => (projects.size ? `${code(id)} (project ${[...projects].map(code).join(', ')})` : code(id)))
    .join(', ');
}

function classText(event: ApiFailureEvent): string {
  const parts = [
    event.status === null ? null : `HTTP ${event.status}`,
    event.errorType === event.failureClass || !event.errorType ? null : code(event.errorType),
    event.networkCode && !event.errorType?.includes(event.networkCode) ? code(event.networkCode) : null,
  ].filter(Boolean);
  return `${event.failureClass}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

function modelOption(model: string | null, several: boolean): ModelOption {
  if (several || !model) return 'Not sure / Multiple models';
  if (/opus/i.test(model)) return 'Opus';
  if (/sonnet/i.test(model)) return 'Sonnet (default)';
  return 'Other';
}

function modelDescription(option: ModelOption, model: string | null, models: string[]): string {
  if (models.length > 1) return `${option} — ${models.map(code).join(', ')}`;
  return model ? `${option} — ${code(model)}` : `${option} — no model recorded before the failure`;
}

/** The chosen event first, then the others newest first: trimming a long log keeps what matters. */
function errorLog(chosen: ApiFailureEvent, events: ApiFailureEvent[], showSession: boolean): string {
  const ordered = [chosen, ...[...events].reverse().filter((event) => event !== chosen)];
  const lines = ordered.slice(0, MAX_LOG_LINES).map((event) => logLine(event, showSession));
  if (ordered.length > MAX_LOG_LINES) lines.push(`... and ${ordered.length - MAX_LOG_LINES} earlier events`);
  return lines.join('\n');
}

function logLine(event: ApiFailureEvent, showSession: boolean): string {
  const kind =
    event.kind === 'failure'
      ? 'failure'
      : `retry ${event.attempt ?? '?'}${event.maxRetries === null ? '' : `/${event.maxRetries}`}`;
  const parts = [
    event.timestamp ?? 'unknown-time',
    kind.padEnd(11),
    `API Error${event.status === null ? ':' : ` ${event.status}:`} ${event.status === null ? event.message : messageWithoutStatus(event)}`,
    event.errorType ? `[${event.errorType}]` : null,
    ...idsOf(event).filter((id, index, ids) => ids.indexOf(id) === index),
    showSession && event.sessionId ? `session=${event.sessionId.slice(0, SHORT_SESSION_ID)}` : null,
  ];
  return parts.filter(Boolean).join('  ');
}

/** Identifiers (`req_...`, versions, model ids, `api_error`): nothing in them can be Markdown. */
const PLAIN_IDENTIFIER = /^[A-Za-z\d](?:[\w.-]*[A-Za-z\d])?…?$/;
/** Plain words from this machine (`Ubuntu 24.04.1 LTS, kernel 6.8.0-45-generic, x64`, `Gateway (host)`). */
const PLAIN_WORDS = /^[A-Za-z\d][\w .,;:()/+-]*$/;

/**
 * Text from a transcript as a code span: inside one, GitHub renders no link, image, HTML,
 * emphasis, @mention or #reference. Identifiers stay bare (they cannot be any of those).
 */
export function code(text: string): string {
  if (PLAIN_IDENTIFIER.test(text) && !/www\./i.test(text)) return text;
  if (!text) return '(empty)';
  const ticks = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function plainOrCode(text: string): string {
  return PLAIN_WORDS.test(text) && !/:\/\/|www\.|^\d+[.)]\s/i.test(text) ? text : code(text);
}

/** Control characters and line breaks as spaces: a value stays on its line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, ' ');
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

function codeFence(content: string): string {
  return '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
}

function section(label: string, body: string): string {
  return `### ${label}\n\n${body}`;
}

/** UTC and local renderings of times, deterministic given the zone. */
class Clock {
  private readonly local: Intl.DateTimeFormat | null;
  private readonly zone: string;

  constructor(timeZone?: string) {
    this.zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
    this.local = /^(?:UTC|Etc\/UTC|Etc\/GMT|GMT)$/i.test(this.zone) ? null : localFormat(this.zone);
  }

  utc(date: Date): string {
    const { date: day, time } = utcParts(date);
    return `${day} ${time} UTC`;
  }

  /** `2026-01-15 10:20:01 UTC (2026-01-15 11:20:01 GMT+1, Europe/Berlin)`; a range shares its date. */
  describe(from: Date, to: Date = from): string {
    const utc = this.range(utcParts(from), utcParts(to), 'UTC');
    if (!this.local) return utc;
    const zoneName = (date: Date): string => this.local!.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
    return `${utc} (${this.range(this.localParts(from), this.localParts(to), zoneName(to))}, ${this.zone})`;
  }

  private range(from: DateParts, to: DateParts, zoneName: string): string {
    if (from.date === to.date && from.time === to.time) return `${from.date} ${from.time} ${zoneName}`;
    if (from.date === to.date) return `${from.date} ${from.time} to ${to.time} ${zoneName}`;
    return `${from.date} ${from.time} to ${to.date} ${to.time} ${zoneName}`;
  }

  private localParts(date: Date): DateParts {
    const parts = this.local!.formatToParts(date);
    const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
    return { date: `${part('year')}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}:${part('second')}` };
  }
}

interface DateParts {
  date: string;
  time: string;
}

function utcParts(date: Date): DateParts {
  const iso = date.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

/** Null for a zone this runtime does not know: the report then gives UTC only. */
function localFormat(timeZone: string): Intl.DateTimeFormat | null {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
  } catch {
    return null;
  }
}
