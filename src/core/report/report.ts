// The bug report a support engineer wishes they always got: what failed, when, how often, every
// request ID, and the environment, laid out in the order of the claude-code bug form
// (.github/ISSUE_TEMPLATE/bug_report.yml). Only error messages, IDs, versions and names go in —
// never prompt or file content. Safe by its shape, not by a list of rules:
// - a value with a shape (status, error type, model, version, entrypoint, network code, limit
//   window, request ID, session ID) is parsed, and only the parsed value is printed (fields.ts);
// - free text (the error message, Claude Code's wording, a project's name, a local value) is
//   sanitised and redacted once, whole, before anything cuts it; cuts come after, on redacted text;
// - each free value is quoted on its own, in a code span no text can close, and nothing redacts
//   the assembled Markdown again: transcript text adds no link, image, HTML, @mention or #reference.
import { eventTime } from '../episodes';
import { describePlanLimit } from '../planLimit';
import type { ApiFailureEvent, FailureClass } from '../types';
import { TERMINAL_OPTIONS, type EnvironmentFacts, type OsOption, type PlatformOption, type TerminalOption } from './environment';
import { cutText, sanitizeText } from '../text/sanitize';
import {
  parseEntrypoint,
  parseErrorType,
  parseFailureClass,
  parseLimitWindow,
  parseModel,
  parseNetworkCode,
  parseRequestId,
  parseSessionId,
  parseStatus,
  parseCount,
  parseTime,
  parseVersion,
  UNRECOGNISED,
} from './fields';
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

/** Async: the rule set for known token shapes is loaded (once) when the first report is built. */
export async function buildBugReport(input: BugReportInput): Promise<BugReport> {
  if (input.events.length === 0 && !input.chosen) throw new RangeError('buildBugReport needs at least one event');
  const shown = shownEvents(input);
  const redaction = await redactionFor(reportTexts(input, shown), input.environment.redaction);
  const facts = gatherFacts(input, shown, redaction);
  const { chosen, environment } = facts;
  const summary: FailureSummary = {
    status: chosen.status,
    failureClass: chosen.failureClass,
    errorType: chosen.errorType,
    networkCode: chosen.networkCode,
    message: cutText(chosen.message, MESSAGE_MAX),
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
    regression: facts.lastWorkingVersion && facts.lastWorkingVersion !== UNRECOGNISED ? 'yes' : 'unknown',
    platform: environment.platformOption,
    os: environment.os,
    terminal: environment.terminalOption,
  };
  const details = additionalDetails(facts);
  // Each section is assembled from values already redacted and quoted one by one: nothing redacts
  // the assembled text again (a second pass could read our own quoting as part of a secret).
  const fields: IssueFields = {
    title: buildTitle(chosen),
    actual: whatsWrong(facts),
    expected: EXPECTED_BY_CLASS[chosen.failureClass],
    error_output: errorLog(chosen, facts.events, facts.sessions.length > 1),
    reproduction: stepsToReproduce(facts),
    working_version: facts.lastWorkingVersion ?? '',
    version: facts.version ? `${facts.version} (Claude Code)` : '',
    additional: `${detectedValues(facts, detected)}\n\n${details}`,
  };
  return {
    title: fields.title,
    requestIds: facts.requestIds,
    summary,
    fields,
    detected,
    markdown: renderMarkdown(fields, details, facts, detected),
  };
}

/** The longest text a report shows of one message, of Claude Code's wording, in its title. */
const MESSAGE_MAX = 240;
const WORDING_MAX = 600;
const TITLE_MESSAGE_MAX = 90;
const MAX_LOG_LINES = 100;

/**
 * An event as a report may print it. Values with a shape are parsed (`UNRECOGNISED` when present
 * but not of their shape); free text is sanitised and redacted whole, not yet cut.
 */
interface ReportEvent {
  source: ApiFailureEvent;
  kind: 'failure' | 'retry';
  timestamp: string | null;
  status: number | null;
  failureClass: FailureClass;
  errorType: string | null;
  networkCode: string | null;
  /** Redacted, whole. */
  message: string;
  /** Redacted, whole. */
  wording: string | null;
  /** The project folder's name, from the redacted cwd. */
  project: string | null;
  /** The short session ID (`parseSessionId`). */
  session: string | null;
  model: string | null;
  version: string | null;
  entrypoint: string | null;
  lastSuccessVersion: string | null;
  requestIds: string[];
  attempt: number | null;
  maxRetries: number | null;
  limitWindow: string | null;
  resetsAt: string | null;
  isSidechain: boolean;
}

/** Everything the sections are written from, taken once from the events. */
interface ReportFacts {
  input: BugReportInput;
  environment: EnvironmentFacts;
  /** Free text (a health check's summary, a local value): sanitised and redacted whole, on one line. */
  free: (text: string) => string;
  clock: Clock;
  /** Oldest first. */
  events: ReportEvent[];
  chosen: ReportEvent;
  /** One line, quoted: `API Error 500 (api_error): Internal server error`. */
  headline: string;
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

/** The input's events, each once, oldest first, and the chosen one. */
function shownEvents(input: BugReportInput): { all: ApiFailureEvent[]; chosen: ApiFailureEvent; logged: Set<ApiFailureEvent> } {
  const all = sortByTime([...new Set(input.chosen ? [...input.events, input.chosen] : input.events)]);
  const chosen = input.chosen ?? latestFailure(all);
  const logged = new Set([chosen, ...[...all].reverse()].slice(0, MAX_LOG_LINES));
  return { all, chosen, logged };
}

/** Every free text the report can print: what the rule set for known token shapes is asked about. */
function reportTexts(input: BugReportInput, shown: ReturnType<typeof shownEvents>): string[] {
  const texts = new Set<string>();
  const add = (text: string | null | undefined): void => {
    if (text) texts.add(capLength(sanitizeText(text), MAX_REDACTED_LENGTH));
  };
  for (const event of shown.logged) add(event.message);
  add(shown.chosen.wording);
  for (const event of shown.all) add(event.cwd);
  const { environment } = input;
  for (const text of [environment.apiPlatform, environment.osDetail, environment.terminal, environment.editor, environment.extensionVersion]) add(text);
  add(input.healthCheck?.summary);
  add(input.anthropicStatus?.summary);
  add(input.anthropicIncident?.summary);
  add(input.backToWork?.summary);
  return [...texts];
}

function gatherFacts(input: BugReportInput, shown: ReturnType<typeof shownEvents>, redaction: RedactionContext): ReportFacts {
  const { environment } = input;
  // Free text is sanitised, then redacted once and whole, and kept on one line; it is cut only
  // where it is printed, on the redacted text.
  const redacted = new Map<string, string>();
  const free = (text: string): string => {
    let out = redacted.get(text);
    if (out === undefined) {
      out = oneLine(redact(sanitizeText(text), redaction));
      redacted.set(text, out);
    }
    return out;
  };
  // The message is the first line of a text whose whole is the wording: a token wrapped at that
  // line's end is judged with the piece the wording has after it (redactWrapped), then only the
  // message's own part is kept.
  const freeMessage = (event: ApiFailureEvent): string => {
    const message = event.message ?? '';
    const next = typeof event.wording === 'string' ? continuationOf(message, event.wording) : null;
    return next ? oneLine(redact(sanitizeText(`${oneLine(message)}\n${next}`), redaction).split('\n')[0]) : free(message);
  };
  const typed = (value: unknown, parse: (value: unknown) => string | null): string | null =>
    value === null || value === undefined || value === '' ? null : (parse(value) ?? UNRECOGNISED);
  const toReport = (event: ApiFailureEvent): ReportEvent => {
    const printed = shown.logged.has(event);
    return {
      source: event,
      kind: event.kind === 'retry' ? 'retry' : 'failure',
      timestamp: parseTime(event.timestamp),
      status: parseStatus(event.status),
      failureClass: parseFailureClass(event.failureClass),
      errorType: typed(event.errorType, parseErrorType),
      networkCode: typed(event.networkCode, parseNetworkCode),
      // Only what is printed is redacted: an outage of thousands of events logs its latest hundred.
      message: printed ? freeMessage(event) : '',
      wording: event === shown.chosen && event.wording ? free(event.wording) : null,
      project: event.cwd ? projectName(free(event.cwd)) || null : null,
      session: parseSessionId(event.sessionId, event.file) ?? (event.sessionId ? UNRECOGNISED : null),
      model: typed(event.model, parseModel),
      version: typed(event.version, parseVersion),
      entrypoint: typed(event.entrypoint, parseEntrypoint),
      lastSuccessVersion: typed(event.lastSuccessVersion, parseVersion),
      requestIds: unique([event.requestId, ...(Array.isArray(event.requestIds) ? event.requestIds : [])].map((id) => typed(id, parseRequestId))),
      attempt: parseCount(event.attempt),
      maxRetries: parseCount(event.maxRetries),
      limitWindow: typed(event.limitWindow, parseLimitWindow),
      resetsAt: parseTime(event.resetsAt),
      isSidechain: event.isSidechain === true,
    };
  };
  const events = shown.all.map(toReport);
  const chosen = events[shown.all.indexOf(shown.chosen)];
  const failures = events.filter((event) => event.kind === 'failure').length;
  const models = unique(events.map((event) => event.model));
  const times = events.map((event) => event.timestamp).filter((time): time is string => time !== null);
  return {
    input,
    environment,
    free,
    clock: new Clock(input.timeZone),
    events,
    chosen,
    headline: code(describeError(chosen)),
    failures,
    retries: events.length - failures,
    sessions: unique(events.map((event) => event.session)),
    projects: unique(events.map((event) => event.project)),
    requestIds: unique([chosen, ...[...events].reverse()].flatMap((event) => event.requestIds)),
    models,
    model: chosen.model ?? models[models.length - 1] ?? null,
    version: chosen.version,
    lastWorkingVersion: regressionHint(events, chosen.version),
    firstAt: times[0] ?? null,
    lastAt: times[times.length - 1] ?? null,
  };
}

/** The token after the message's last one in the wording, when the wording goes on past it. */
function continuationOf(message: string, wording: string): string | null {
  let start = message.length;
  while (start > 0 && /[\w+/=.~-]/.test(message[start - 1])) start--;
  const tail = message.slice(start);
  if (tail.length < 4) return null;
  const at = wording.indexOf(`${tail} `);
  return at < 0 ? null : (/^[\w+/=.~-]{4,}/.exec(wording.slice(at + tail.length + 1))?.[0] ?? null);
}

function whatsWrong(facts: ReportFacts): string {
  const { chosen, headline, firstAt, lastAt } = facts;
  const target = platformPhrase(facts.environment.apiPlatform, facts);
  return [
    chosen.kind === 'failure'
      ? `Claude Code's requests to ${target} failed with ${headline}.`
      : `Claude Code's requests to ${target} were failing with ${headline} while Claude Code retried${attemptText(chosen)}.`,
    '',
    // Claude Code's whole wording (redacted, then cut): the reset time, the limit exceeded, its advice.
    ...(chosen.wording ? [`- Claude Code said: ${code(cutText(chosen.wording, WORDING_MAX))}`] : []),
    `- When: ${describeWhen(firstAt, lastAt, facts.clock)}`,
    `- How often: ${countText(facts.failures, facts.retries)}${spanText(firstAt, lastAt)}`,
    ...(chosen.limitWindow || chosen.resetsAt ? [`- Limit: ${describePlanLimit(chosen, facts.input.now, facts.input.timeZone)}`] : []),
    `- Sessions: ${describeSessions(facts.events) || 'unknown'}`,
    `- Request IDs: ${facts.requestIds.length ? facts.requestIds.join(', ') : 'none recorded'}`,
  ].join('\n');
}

function stepsToReproduce(facts: ReportFacts): string {
  const { environment, sessions, projects } = facts;
  const setting = `on ${environment.os}; terminal: ${local(facts, environment.terminal)}; API: ${local(facts, environment.apiPlatform)}; model: ${facts.model ? identifier(facts.model) : 'unknown'}`;
  const spread =
    sessions.length > 1 || projects.length > 1
      ? [
          `The same failure hit ${plural(sessions.length, 'session')} in ${plural(projects.length, 'project')}${spanText(facts.firstAt, facts.lastAt)}.`,
        ]
      : [];
  return [
    "Observed in Claude Code's own transcripts (no prompt or file content included):",
    `1. Claude Code ${facts.version ?? '(version unknown)'} ${setting}.`,
    `2. An ordinary request in a session got ${facts.headline}.`,
    `3. ${outcomeText(facts.chosen, facts.events)}`,
    ...spread,
  ].join('\n');
}

function regressionText(facts: ReportFacts, detected: DetectedDropdowns): string {
  return detected.regression === 'yes'
    ? `${REGRESSION_LABEL.yes} (last success on ${facts.lastWorkingVersion}, failing on ${facts.version ?? 'unknown'})`
    : REGRESSION_LABEL[detected.regression];
}

/** The dropdowns a URL cannot fill, stated so the user can pick them. */
function detectedValues(facts: ReportFacts, detected: DetectedDropdowns): string {
  const { environment } = facts;
  const withDetail = (option: string, detail: string): string => (option === detail ? option : `${option} (${local(facts, detail)})`);
  return [
    'Detected values for the dropdowns above (please select them):',
    `- Claude Model: ${modelDescription(detected.model, facts.model, facts.models)}`,
    `- Is this a regression?: ${regressionText(facts, detected)}`,
    `- Platform: ${withDetail(environment.platformOption, environment.apiPlatform)}`,
    `- Operating System: ${environment.os} (${local(facts, environment.osDetail)})`,
    `- Terminal/Shell: ${withDetail(environment.terminalOption, environment.terminal)}`,
  ].join('\n');
}

function additionalDetails(facts: ReportFacts): string {
  const { environment, events, input, free } = facts;
  const versionsSeen = unique(events.map((event) => event.version));
  const fromSubagents = events.filter((event) => event.isSidechain).length;
  const ownVersion = environment.extensionVersion ? (parseVersion(environment.extensionVersion) ?? local(facts, environment.extensionVersion)) : null;
  const generatedBy = `Claude API Watch${ownVersion ? ` ${ownVersion}` : ''}`;
  return [
    `- Error: ${classText(facts.chosen)}`,
    ...(versionsSeen.length > 1 ? [`- Claude Code versions in this outage: ${versionsSeen.join(', ')}`] : []),
    ...(fromSubagents ? [`- From subagents: ${fromSubagents} of ${events.length}`] : []),
    `- Entrypoint: ${unique(events.map((event) => event.entrypoint)).join(', ') || 'unknown'}`,
    `- API platform: ${local(facts, environment.apiPlatform)}`,
    ...(environment.editor ? [`- Editor: ${local(facts, environment.editor)}`] : []),
    // Network text (an API's answer, the status page's wording): always quoted.
    ...(input.healthCheck ? [`- Health check: ${code(cutText(free(input.healthCheck.summary), WORDING_MAX))}`] : []),
    ...(input.anthropicStatus ? [`- Anthropic status (status.claude.com): ${code(cutText(free(input.anthropicStatus.summary), WORDING_MAX))}`] : []),
    ...(input.anthropicIncident ? [`- Anthropic incident: ${code(cutText(free(input.anthropicIncident.summary), WORDING_MAX))}`] : []),
    ...(input.backToWork ? [`- Back to work: ${code(cutText(free(input.backToWork.summary), WORDING_MAX))}`] : []),
    `- Report generated ${facts.clock.utc(input.now)} by ${generatedBy}`,
  ].join('\n');
}

/** The whole report for the clipboard: the form's sections in the form's order, as GitHub renders them. */
function renderMarkdown(fields: IssueFields, details: string, facts: ReportFacts, detected: DetectedDropdowns): string {
  const { environment } = facts;
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
    section('Platform', local(facts, environment.apiPlatform)),
    section('Operating System', `${environment.os} (${local(facts, environment.osDetail)})`),
    section('Terminal/Shell', local(facts, environment.terminal)),
    section('Additional Information', details),
  ];
  return `${sections.join('\n\n')}\n`;
}

/** The latest final failure, else (still retrying) the latest retry. */
function latestFailure(sorted: ApiFailureEvent[]): ApiFailureEvent {
  const finals = sorted.filter((event) => event.kind === 'failure');
  const pool = finals.length ? finals : sorted;
  return pool[pool.length - 1];
}

/** The version of the last success before the first failure that has one, when it is not the failing version. */
function regressionHint(sorted: ReportEvent[], failingVersion: string | null): string | null {
  const fromEvents = sorted.find((event) => event.lastSuccessVersion)?.lastSuccessVersion ?? null;
  return fromEvents && fromEvents !== failingVersion ? fromEvents : null;
}

function sortByTime(events: ApiFailureEvent[]): ApiFailureEvent[] {
  return events
    .map((event, index) => ({ event, index, time: eventTime(event) ?? Number.NEGATIVE_INFINITY }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map(({ event }) => event);
}

function unique(values: readonly (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => !!value))];
}

/** The last path segment (of a redacted path), whichever separator the transcript's machine used. */
function projectName(cwd: string): string {
  return baseName(cwd) || cwd;
}

/** A value from this machine (OS, terminal, gateway host, editor): our own words bare, anything else redacted and quoted. */
function local(facts: ReportFacts, text: string): string {
  return OWN_WORDS.has(text) ? text : code(facts.free(text));
}

/** Values of this machine that are our own words, shown bare. */
const OWN_WORDS = new Set<string>([
  'Anthropic API',
  'AWS Bedrock',
  'Google Vertex AI',
  'Microsoft Foundry',
  'unknown',
  'Claude Code VS Code extension',
  'Cursor integrated terminal',
  ...TERMINAL_OPTIONS,
]);

/** `the Anthropic API`, `AWS Bedrock`, ``an inference gateway (`llm-gw.example.com`)``. */
function platformPhrase(apiPlatform: string, facts: ReportFacts): string {
  if (apiPlatform === 'Anthropic API') return 'the Anthropic API';
  const gateway = /^Gateway \((.*)\)$/.exec(apiPlatform);
  return gateway ? `an inference gateway (${code(facts.free(gateway[1]))})` : local(facts, apiPlatform);
}

/** `API Error 500 (api_error): Internal server error`, `API Error: Unable to connect to API (ECONNRESET)`. */
function describeError(event: ReportEvent): string {
  const type = event.errorType ? ` (${event.errorType})` : '';
  if (event.status === null) return `API Error${type}: ${cutText(event.message, MESSAGE_MAX)}`;
  return `API Error ${event.status}${type}: ${cutText(messageWithoutStatus(event), MESSAGE_MAX)}`;
}

function messageWithoutStatus(event: ReportEvent): string {
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
function buildTitle(event: ReportEvent): string {
  // The message is redacted already: cutting it now cannot leave half a secret.
  const message = code(cutText(event.status === null ? event.message : messageWithoutStatus(event), TITLE_MESSAGE_MAX));
  const head = event.status === null ? `API Error: ${message}` : `API Error ${event.status}: ${message}`;
  const version = event.version && event.version !== UNRECOGNISED ? ` (Claude Code ${event.version})` : '';
  return `[BUG] ${head}${version}`;
}

function attemptText(event: ReportEvent): string {
  if (event.attempt === null) return '';
  return event.maxRetries === null ? ` (attempt ${event.attempt})` : ` (attempt ${event.attempt} of ${event.maxRetries})`;
}

function outcomeText(chosen: ReportEvent, events: ReportEvent[]): string {
  const sameSession = (event: ReportEvent): boolean => event.source.sessionId === chosen.source.sessionId;
  const time = (event: ReportEvent): number => eventTime(event.source) ?? 0;
  const retriesBefore = events.filter((event) => event.kind === 'retry' && sameSession(event) && time(event) <= time(chosen));
  if (chosen.kind === 'retry') {
    const laterFailure = events.find((event) => event.kind === 'failure' && sameSession(event) && time(event) >= time(chosen));
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
  if (!from || !to) return '';
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

function describeSessions(events: ReportEvent[]): string {
  const bySession = new Map<string, Set<string>>();
  for (const event of events) {
    if (!event.session) continue;
    const projects = bySession.get(event.session) ?? new Set<string>();
    if (event.project) projects.add(event.project);
    bySession.set(event.session, projects);
  }
  return [...bySession]
    .map(([id, projects]) => (projects.size ? `${identifier(id)} (project ${[...projects].map(code).join(', ')})` : identifier(id)))
    .join(', ');
}

function classText(event: ReportEvent): string {
  const parts = [
    event.status === null ? null : `HTTP ${event.status}`,
    event.errorType === event.failureClass || !event.errorType ? null : event.errorType,
    event.networkCode && event.networkCode !== event.errorType ? event.networkCode : null,
  ].filter(Boolean);
  return `${event.failureClass}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

function modelOption(model: string | null, several: boolean): ModelOption {
  if (several || !model || model === UNRECOGNISED) return 'Not sure / Multiple models';
  if (/opus/.test(model)) return 'Opus';
  if (/sonnet/.test(model)) return 'Sonnet (default)';
  return 'Other';
}

function modelDescription(option: ModelOption, model: string | null, models: string[]): string {
  if (models.length > 1) return `${option} — ${models.map(identifier).join(', ')}`;
  return model ? `${option} — ${identifier(model)}` : `${option} — no model recorded before the failure`;
}

/** The chosen event first, then the others newest first: trimming a long log keeps what matters. */
function errorLog(chosen: ReportEvent, events: ReportEvent[], showSession: boolean): string {
  const ordered = [chosen, ...[...events].reverse().filter((event) => event !== chosen)];
  const lines = ordered.slice(0, MAX_LOG_LINES).map((event) => logLine(event, showSession));
  if (ordered.length > MAX_LOG_LINES) lines.push(`... and ${ordered.length - MAX_LOG_LINES} earlier events`);
  return lines.join('\n');
}

/** One line of the log (a fenced block: text in it is literal, and no line of it can close the fence). */
function logLine(event: ReportEvent, showSession: boolean): string {
  const kind =
    event.kind === 'failure'
      ? 'failure'
      : `retry ${event.attempt ?? '?'}${event.maxRetries === null ? '' : `/${event.maxRetries}`}`;
  const message = cutText(event.status === null ? event.message : messageWithoutStatus(event), MESSAGE_MAX);
  const parts = [
    event.timestamp ?? 'unknown-time',
    kind.padEnd(11),
    `API Error${event.status === null ? ':' : ` ${event.status}:`} ${message}`,
    event.errorType ? `[${event.errorType}]` : null,
    ...event.requestIds,
    showSession && event.session ? `session=${event.session}` : null,
  ];
  return parts.filter(Boolean).join('  ');
}

/**
 * Free text as a code span: inside one, GitHub renders no link, image, HTML, emphasis, @mention,
 * #reference or commit link. Its fence is one backtick longer than the longest run inside, so
 * nothing in the text can close it; the text is on one line, so it cannot end the span's paragraph.
 */
export function code(text: string): string {
  if (!text) return '(empty)';
  const ticks = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ')) ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A parsed identifier (model id, session ID) in a code span; `UNRECOGNISED` as it is. */
function identifier(text: string): string {
  return text === UNRECOGNISED ? text : code(text);
}

/** Control characters and line breaks as spaces: a value stays on its line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, ' ');
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = text.charCodeAt(i) === 96 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
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
