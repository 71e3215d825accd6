// `doctor`: everything needed to tell why the monitor sees what it sees — which config dirs and
// why, how they are watched, what was found and skipped, which Claude Code versions wrote the
// transcripts, what was read, what could not be read (unknown shapes), and whether the status
// page and the health check apply. The CLI prints it; the editor opens it as a redacted document.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { FormatCanary, type CanarySnapshot, compareVersions, isVersion, NEWEST_KNOWN_CLAUDE_CODE_VERSION } from './canary';
import { expandHome } from './files/configDir';
import { displayPath, fsPath } from './files/fsPath';
import { ConfigDirError, walkProjectsDir, type SkippedEntry, type TranscriptFile } from './files/discover';
import { resolveWatchMode, type WatchMode } from './files/watcher';
import { isJsonObject } from './json';
import { ClaudeEnvironments } from './claudeEnv';
import { planHealthCheck } from './health/apiHealth';
import { anthropicStatusApplies } from './health/statusPage';
import { collectEnvironment } from './report/environment';
import { redactionFor } from './report/knownSecrets';
import { parseVersion, UNRECOGNISED } from './report/fields';
import { redact, type RedactionContext } from './report/redact';
import { scanConfigDirs } from './scan';
import { settingName } from './settingNames';
import { FAILURE_CLASSES, type FailureClass } from './types';

export interface DoctorInput {
  configDirs: string[];
  /** Where an explicit config dir came from (`--config-dir`, the `claudeAPIWatch.configDir` setting), if any. */
  explicitSource: string | null;
  env: Record<string, string | undefined>;
  homedir: string;
  platform: NodeJS.Platform;
  now: Date;
  lookbackMs: number;
  /** Editor only: when the monitor last read a line, and what its own canary has counted since it started. */
  live?: { lastLineReadAt: string | null; canary: CanarySnapshot | null };
  /** The editor's `claudeAPIWatch.anthropicStatus.enabled` (default true) and `claudeAPIWatch.health.baseUrl`. */
  anthropicStatusEnabled?: boolean;
  healthBaseUrl?: string | null;
  /** Linux: `/proc/sys/fs/inotify/max_user_watches`; injectable for tests. */
  readInotifyLimit?: () => number | null;
}

export interface ConfigDirDiagnosis {
  path: string;
  /** `--config-dir`, `CLAUDE_CONFIG_DIR`, `the default, ~/.claude`, the legacy XDG dir, ... */
  chosenBy: string;
  /** `ok`, or why it cannot be read. */
  state: 'ok' | 'no projects folder' | 'missing' | 'not a directory' | 'unreadable';
  problem: string | null;
  projects: number;
  sessions: number;
  subagentFiles: number;
  /** Transcripts changed within the lookback: read from their start by the monitor. */
  recentFiles: number;
  folders: number;
}

export interface DoctorReport {
  generatedAt: string;
  newestKnownVersion: string;
  configDirs: ConfigDirDiagnosis[];
  watch: { mode: Exclude<WatchMode, 'auto'>; why: string };
  inotify: { limit: number | null; needed: number; enough: boolean | null } | null;
  skipped: SkippedEntry[];
  transcripts: { files: number; recentFiles: number; lookbackHours: number };
  versions: { newestSeen: string[]; newerThanKnown: string[] };
  lastLine: { writtenAt: string | null; readAt: string | null };
  events: { failures: number; retries: number; byClass: Partial<Record<FailureClass, number>> };
  unknownShapes: CanarySnapshot;
  platform: {
    api: string;
    statusPage: { applies: boolean; why: string };
    healthCheck: { applies: boolean; why: string };
  };
}

/** Transcripts whose last line is read for its version and time: the newest this many. */
const LAST_LINES_READ = 100;
const TAIL_BYTES = 64 * 1024;

export async function runDiagnostics(input: DoctorInput): Promise<DoctorReport> {
  const now = input.now.getTime();
  const sinceMs = now - input.lookbackMs;
  const configDirs: ConfigDirDiagnosis[] = [];
  const skipped: SkippedEntry[] = [];
  const files: TranscriptFile[] = [];
  let folders = 0;
  const seen = new Map<string, string>();
  for (const [index, configDir] of input.configDirs.entries()) {
    const diagnosis: ConfigDirDiagnosis = {
      path: configDir,
      chosenBy: chosenBy(configDir, index, input),
      state: 'ok',
      problem: null,
      projects: 0,
      sessions: 0,
      subagentFiles: 0,
      recentFiles: 0,
      folders: 0,
    };
    configDirs.push(diagnosis);
    try {
      const tree = await walkProjectsDir(path.join(configDir, 'projects'), configDir, seen);
      if (!tree) {
        diagnosis.state = (await dirExists(configDir)) ? 'no projects folder' : 'missing';
        continue;
      }
      skipped.push(...tree.skipped);
      diagnosis.folders = tree.dirs.length;
      folders += tree.dirs.length;
      diagnosis.projects = tree.dirs.filter((dir) => dir.depth === 1).length;
      for (const file of tree.files) {
        files.push(file);
        if (path.basename(file.path).startsWith('agent-')) diagnosis.subagentFiles++;
        else diagnosis.sessions++;
        if (file.mtimeMs >= sinceMs) diagnosis.recentFiles++;
      }
    } catch (error) {
      diagnosis.state = error instanceof ConfigDirError && error.problem === 'not-a-directory' ? 'not a directory' : 'unreadable';
      diagnosis.problem = (error as Error).message;
    }
  }

  const canary = new FormatCanary();
  const readable = configDirs.filter((dir) => dir.state === 'ok').map((dir) => dir.path);
  const events = readable.length > 0 ? await scanConfigDirs({ configDirs: readable, sinceMs, canary }).catch(() => []) : [];
  const byClass: Partial<Record<FailureClass, number>> = {};
  for (const event of events) byClass[event.failureClass] = (byClass[event.failureClass] ?? 0) + 1;

  // The newest transcripts' last lines: the versions writing now, and when the last line was written.
  const newest = [...files].sort((a, b) => b.mtimeMs - a.mtimeMs).slice(0, LAST_LINES_READ);
  let writtenAt: string | null = null;
  for (const file of newest) {
    const last = lastLineFacts(file.path);
    canary.noteVersion(last.version);
    if (last.timestamp && (writtenAt === null || last.timestamp > writtenAt)) writtenAt = last.timestamp;
  }
  const unknownShapes = mergeCanaries(canary.snapshot(), input.live?.canary ?? null);

  // What the monitor does here: nothing sets another mode (tests of the watcher do, directly).
  const mode = resolveWatchMode('auto', input.platform);
  return {
    generatedAt: input.now.toISOString(),
    newestKnownVersion: NEWEST_KNOWN_CLAUDE_CODE_VERSION,
    configDirs,
    watch: { mode, why: watchModeWhy(mode, input.platform) },
    inotify: input.platform === 'linux' && mode === 'per-directory' ? inotifyDiagnosis(folders, input.readInotifyLimit ?? readInotifyLimit) : null,
    skipped,
    transcripts: {
      files: files.length,
      recentFiles: configDirs.reduce((sum, dir) => sum + dir.recentFiles, 0),
      lookbackHours: Math.round((input.lookbackMs / 3_600_000) * 100) / 100,
    },
    versions: { newestSeen: unknownShapes.newestVersionsSeen, newerThanKnown: unknownShapes.newerThanKnown },
    lastLine: { writtenAt, readAt: input.live?.lastLineReadAt ?? null },
    events: {
      failures: events.filter((event) => event.kind === 'failure').length,
      retries: events.filter((event) => event.kind === 'retry').length,
      byClass,
    },
    unknownShapes,
    platform: await platformDiagnosis(input),
  };
}

function chosenBy(configDir: string, index: number, input: DoctorInput): string {
  if (input.explicitSource) return input.explicitSource;
  if (index === 0) {
    const fromEnv = input.env.CLAUDE_CONFIG_DIR?.trim();
    if (fromEnv && path.resolve(expandHome(fromEnv, input.homedir)) === configDir) return 'CLAUDE_CONFIG_DIR';
    return 'the default, ~/.claude';
  }
  return 'legacy XDG config dir (it has a projects folder)';
}

async function dirExists(dir: string): Promise<boolean> {
  return stat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

function watchModeWhy(mode: Exclude<WatchMode, 'auto'>, platform: NodeJS.Platform): string {
  if (mode === 'recursive') return `native recursive file events on ${platform}`;
  return `one watcher per project folder and per active session folder: recursive watching is only emulated on ${platform}`;
}

function readInotifyLimit(): number | null {
  try {
    const value = Number.parseInt(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim(), 10);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

/** Per-directory watching takes one inotify watch per folder at most (project, session, subagents). */
function inotifyDiagnosis(folders: number, read: () => number | null): DoctorReport['inotify'] {
  const limit = read();
  return { limit, needed: folders, enough: limit === null ? null : limit > folders };
}

/** The version and time of a transcript's last complete line that has them. */
function lastLineFacts(file: string): { version: string | null; timestamp: string | null } {
  let fd: number | null = null;
  try {
    fd = openSync(fsPath(file), 'r');
    const buffer = Buffer.alloc(TAIL_BYTES);
    const { size } = fstatSync(fd);
    const start = Math.max(0, size - TAIL_BYTES);
    const read = readSync(fd, buffer, 0, Math.min(TAIL_BYTES, size), start);
    const lines = buffer.subarray(0, read).toString('utf8').split('\n');
    if (start > 0) lines.shift(); // a partial first line
    for (let i = lines.length - 1; i >= 0; i--) {
      const text = lines[i].trim();
      if (!text.startsWith('{')) continue;
      try {
        const value: unknown = JSON.parse(text);
        if (!isJsonObject(value)) continue;
        const version = typeof value.version === 'string' && isVersion(value.version) ? value.version : null;
        const timestamp = typeof value.timestamp === 'string' && !Number.isNaN(Date.parse(value.timestamp)) ? new Date(value.timestamp).toISOString() : null;
        if (version || timestamp) return { version, timestamp };
      } catch {
        // an incomplete last line: try the one before
      }
    }
  } catch {
    // vanished or unreadable: discovery names what it cannot read
  } finally {
    if (fd !== null) closeSync(fd);
  }
  return { version: null, timestamp: null };
}

/** The scan's canary and the editor's (which has seen lines since it started), as one. */
function mergeCanaries(scan: CanarySnapshot, live: CanarySnapshot | null): CanarySnapshot {
  if (!live) return scan;
  const shapes = new Map(scan.shapes.map((shape) => [shape.skeleton, shape]));
  for (const shape of live.shapes) if (!shapes.has(shape.skeleton)) shapes.set(shape.skeleton, shape);
  const versions = [...new Set([...scan.newestVersionsSeen, ...live.newestVersionsSeen])].sort((a, b) => compareVersions(b, a));
  const pick = scan.unknownLines >= live.unknownLines ? scan : live;
  return {
    ...pick,
    shapes: [...shapes.values()].sort((a, b) => b.count - a.count),
    newestVersionsSeen: versions.slice(0, 5),
    newerThanKnown: versions.filter((version) => compareVersions(version, scan.newestKnownVersion) > 0),
  };
}

/** Through the one resolver of Claude Code's environment (process plus settings.json) and the session's own rules. */
async function platformDiagnosis(input: DoctorInput): Promise<DoctorReport['platform']> {
  const environments = new ClaudeEnvironments(input.env, { platform: input.platform });
  await environments.load(input.configDirs);
  const env = environments.forConfigDir();
  const { apiPlatform } = collectEnvironment({ env, platform: input.platform, osRelease: '', arch: '' });
  const healthBaseUrl = input.healthBaseUrl ?? null;
  const statusEnabled = input.anthropicStatusEnabled ?? true;
  const statusApplies = anthropicStatusApplies(env, statusEnabled, healthBaseUrl);
  const plan = planHealthCheck(env, healthBaseUrl);
  const statusWhy = statusApplies
    ? 'Claude Code talks to the Anthropic API: status.claude.com covers it'
    : !statusEnabled
      ? `turned off (${settingName('anthropicStatus.enabled')})`
      : `Claude Code uses ${apiPlatform}: Anthropic's status page does not cover it, so it is not asked`;
  return {
    api: apiPlatform,
    statusPage: { applies: statusApplies, why: statusWhy },
    healthCheck:
      plan.kind === 'provider'
        ? { applies: false, why: plan.message }
        : { applies: true, why: `it asks ${hostOf(plan.target.baseURL)} (${plan.target.source === 'default' ? 'the public API' : plan.target.source})` },
  };
}

/** Only the host: a base URL can carry credentials in its user info, path or query. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an unreadable base URL';
  }
}

/**
 * The report as Markdown, redacted as a bug report is (home directory and user name from `context`,
 * secrets of known shape found in the report's own texts, our own rules): ready to paste into an issue.
 */
export async function renderDoctorMarkdown(report: DoctorReport, context: RedactionContext, extensionVersion?: string): Promise<string> {
  const redaction = await redactionFor(stringsOf(report), context);
  const clean = (text: string) => redact(text, redaction);
  const code = (text: string) => `\`${clean(text).replace(/`/g, "'")}\``;
  // Versions come from transcripts: printed only as parsed (a bug report's rule, report/fields.ts).
  const version = (text: string) => (text === 'unknown' ? text : (parseVersion(text) ?? UNRECOGNISED));
  const out: string[] = ['# Claude API Watch diagnostics', ''];
  out.push(`Generated ${report.generatedAt}${extensionVersion ? ` by Claude API Watch ${extensionVersion}` : ''}; this release knows Claude Code up to ${report.newestKnownVersion}.`, '');

  out.push('## Config dirs', '');
  for (const dir of report.configDirs) {
    const state = dir.state === 'ok' ? 'ok' : `${dir.state}${dir.problem ? ` — ${clean(dir.problem)}` : ''}`;
    out.push(`- ${code(dir.path)} (chosen by ${dir.chosenBy}): ${state}`);
    if (dir.state === 'ok') {
      out.push(`  - ${dir.projects} projects, ${dir.sessions} session transcripts, ${dir.subagentFiles} subagent transcripts; ${dir.recentFiles} changed in the last ${report.transcripts.lookbackHours} h`);
    }
  }
  out.push('');

  out.push('## Watching', '');
  out.push(`- Mode: ${report.watch.mode} (${report.watch.why})`);
  if (report.inotify) {
    const limit = report.inotify.limit === null ? 'unknown' : String(report.inotify.limit);
    const verdict = report.inotify.enough === false ? ' — too low: raise it, e.g. `sudo sysctl fs.inotify.max_user_watches=524288`' : '';
    out.push(`- inotify watch limit (fs.inotify.max_user_watches): ${limit}; needed here: about ${report.inotify.needed} (one per folder under projects/)${verdict}`);
  }
  out.push(`- Last line written: ${report.lastLine.writtenAt ?? 'unknown'}${report.lastLine.readAt ? `; last line read by the monitor: ${report.lastLine.readAt}` : ''}`);
  out.push('');

  out.push('## Skipped entries', '');
  if (report.skipped.length === 0) out.push('None.');
  for (const entry of report.skipped.slice(0, 50)) out.push(`- ${code(displayPath(entry.path))}: ${entry.reason} (${entry.code})`);
  if (report.skipped.length > 50) out.push(`- … and ${report.skipped.length - 50} more`);
  out.push('');

  out.push('## Claude Code versions', '');
  out.push(`- Newest seen: ${report.versions.newestSeen.length ? report.versions.newestSeen.map(version).join(', ') : 'none'}`);
  if (report.versions.newerThanKnown.length > 0) {
    out.push(`- Newer than this release knows (${report.newestKnownVersion}): ${report.versions.newerThanKnown.map(version).join(', ')}`);
  }
  out.push('');

  out.push(`## Events in the last ${report.transcripts.lookbackHours} h`, '');
  const classes = FAILURE_CLASSES.filter((c) => report.events.byClass[c]).map((c) => `${c} ${report.events.byClass[c]}`);
  out.push(`- ${report.events.failures} final failures, ${report.events.retries} retries${classes.length ? ` (${classes.join(', ')})` : ''}`);
  out.push('');

  out.push('## Unknown transcript shapes', '');
  const shapes = report.unknownShapes;
  if (shapes.unknownLines === 0) out.push('None: every error line was read.');
  else {
    const byVersion = Object.entries(shapes.unknownByVersion).map(([seen, count]) => `${version(seen)} ${count}`).join(', ');
    out.push(`${shapes.unknownLines} error lines could not be read (by Claude Code version: ${byVersion}). Their key skeletons (keys and JSON types, no values):`, '');
    for (const shape of shapes.shapes.slice(0, 10)) {
      const versions = Object.keys(shape.versions).map(version).join(', ');
      // Keys are transcript text: redacted on their own, in a fence no backtick run of theirs can close.
      const skeleton = clean(shape.skeleton).replace(/[\r\n]+/g, ' ');
      const fence = '`'.repeat(Math.max(3, ...(skeleton.match(/`+/g) ?? []).map((run) => run.length + 1)));
      out.push(`- ${shape.count}× from ${versions}:`, '', `  ${fence}`, `  ${skeleton}`, `  ${fence}`, '');
    }
  }
  out.push('');

  out.push('## Status page and health check', '');
  out.push(`- Claude Code's API: ${clean(report.platform.api)}`);
  out.push(`- Anthropic status page: ${report.platform.statusPage.applies ? 'applies' : 'does not apply'} (${clean(report.platform.statusPage.why)})`);
  out.push(`- Health check: ${report.platform.healthCheck.applies ? 'applies' : 'does not apply'} (${clean(report.platform.healthCheck.why)})`);
  return out.join('\n') + '\n';
}

/** Every string in the report: what the rule set looks through for secrets of known shape. */
function stringsOf(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, found);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) stringsOf(item, found);
  return found;
}
