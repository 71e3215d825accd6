// A synthetic Claude Code config dir for the benchmark: thousands of sessions in many project
// folders, realistic lines (prompts, assistant turns with real models and request IDs, tool
// results, some of them megabytes long, some quoting error text as decoys), and a few hundred
// planted retries and final failures in every shape ARCHITECTURE.md §1.1 lists. Deterministic (seeded), and
// cached under os.tmpdir() by size: a second run reuses it.
//
//   node --import tsx test/bench/generate.ts [sizeMB] [sparse|dense|huge-lines|many-small]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prng } from '../fixtures/prng';

/** Bump when the generated content changes, so stale caches are not reused. */
const GENERATOR_VERSION = 1;

/**
 * What kind of history: `sparse` (about 300 incidents per GB, the everyday case), `dense` (an
 * outage week: about 2 % of lines are retries and failures, 5 % of tool results quote error text,
 * all within 7 days), `huge-lines` (a third of the bytes in tool results of 1 to 40 MB) and
 * `many-small` (a heavy user's month with an outage week in it: about 3 files per MB, a third of
 * them under 100 KB and a few of tens of MB, subagent folders beside their parents, about 6 events
 * per MB spread over many files, and marker-quoting lines in most files: tool output and file
 * contents quoting `isApiErrorMessage`, assistant lines carrying `"isApiErrorMessage":false`,
 * progress lines that nest a subagent's records, tool output quoting an interrupt).
 */
export type CorpusProfile = 'sparse' | 'dense' | 'huge-lines' | 'many-small';
export const CORPUS_PROFILES: readonly CorpusProfile[] = ['sparse', 'dense', 'huge-lines', 'many-small'];
const MB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PlantedEvent {
  uuid: string;
  kind: 'failure' | 'retry';
  file: string;
}

export interface Corpus {
  version: number;
  profile: CorpusProfile;
  sizeMB: number;
  configDir: string;
  bytes: number;
  files: number;
  sessions: number;
  projects: number;
  /** Lines that look like failures but are not (aborts, "No response requested.", quotes). */
  decoys: number;
  planted: PlantedEvent[];
}

/** Where a corpus of this size lives; `manifest.json` is written last and marks it complete. */
export function corpusDir(sizeMB: number, profile: CorpusProfile = 'sparse'): string {
  return path.join(os.tmpdir(), `claude-api-watch-bench-${profile === 'sparse' ? '' : `${profile}-`}${sizeMB}mb`);
}

const MANIFEST = 'manifest.json';
/** Present while the bench has appended to the corpus and not yet restored it. */
export const DIRTY_MARKER = 'dirty';

export function loadCorpus(sizeMB: number, profile: CorpusProfile = 'sparse'): Corpus | null {
  const dir = corpusDir(sizeMB, profile);
  if (fs.existsSync(path.join(dir, DIRTY_MARKER))) return null;
  try {
    const corpus = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Corpus;
    return corpus.version === GENERATOR_VERSION && corpus.sizeMB === sizeMB && (corpus.profile ?? 'sparse') === profile ? { ...corpus, profile } : null;
  } catch {
    return null;
  }
}

/** The cached corpus of this size and profile, generated first if missing or stale. */
export function ensureCorpus(sizeMB: number, log: (text: string) => void, profile: CorpusProfile = 'sparse'): Corpus {
  const cached = loadCorpus(sizeMB, profile);
  if (cached) {
    log(`Reusing the ${sizeMB} MB ${profile} corpus at ${cached.configDir}`);
    return cached;
  }
  const dir = corpusDir(sizeMB, profile);
  log(`Generating a ${sizeMB} MB ${profile} corpus at ${dir} ...`);
  const started = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  const corpus = new Generator(sizeMB, dir, profile).run();
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(corpus));
  log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return corpus;
}

// ---- content --------------------------------------------------------------------------------


const WORDS = (
  'const let function return import export async await if else for while class interface type ' +
  'the request response error status retry session model token cache file path value result ' +
  'test assert build deploy config server client handler stream buffer parse render update ' +
  'user project branch commit merge review fix refactor index data query schema migration'
).split(' ');
const CODE_BITS = ['{', '}', '(', ')', ';', ' = ', ' => ', '"', "'", '\\', '\n', '\n  ', '\t', ': ', ', ', '[]', '<T>', '// '];

/** Eras of Claude Code, by what their transcripts look like (ARCHITECTURE.md §1.1). */
type Era = 'v0.2' | 'v1.0' | 'v2.0' | 'v2.1-early' | 'v2.1-human' | 'v2.1-late';
const ERAS: { era: Era; weight: number; versions: string[]; models: string[] }[] = [
  { era: 'v0.2', weight: 4, versions: ['0.2.125', '0.2.74'], models: ['claude-3-7-sonnet-20250219', 'claude-3-5-haiku-20241022'] },
  { era: 'v1.0', weight: 18, versions: ['1.0.33', '1.0.88', '1.0.128'], models: ['claude-sonnet-4-20250514', 'claude-opus-4-20250514', 'claude-3-5-haiku-20241022'] },
  { era: 'v2.0', weight: 18, versions: ['2.0.14', '2.0.55', '2.0.76'], models: ['claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-haiku-4-5-20251001'] },
  { era: 'v2.1-early', weight: 24, versions: ['2.1.5', '2.1.40', '2.1.101'], models: ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001'] },
  { era: 'v2.1-human', weight: 18, versions: ['2.1.108', '2.1.150', '2.1.188'], models: ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101'] },
  { era: 'v2.1-late', weight: 18, versions: ['2.1.215', '2.1.240'], models: ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001'] },
];
/** `many-small` is a recent month: mostly 2.1.x, whose sessions log retries and keep subagents in folders. */
const RECENT_ERA_WEIGHTS: Readonly<Record<Era, number>> = { 'v0.2': 0, 'v1.0': 4, 'v2.0': 8, 'v2.1-early': 22, 'v2.1-human': 30, 'v2.1-late': 36 };
const ENTRYPOINTS = ['cli', 'cli', 'cli', 'claude-vscode', 'sdk-ts'];

/** One output file. */
interface Sink {
  file: string;
  lines: string[];
  bytes: number;
}

/** One conversation thread: the main session or a subagent, in its own file or inline (1.0.x). */
interface Stream {
  sink: Sink;
  isSidechain: boolean;
  agentId: string | null;
  lastUuid: string | null;
  /** Turns written so far (`many-small` puts a marker-quoting line in most streams' first turn). */
  turns: number;
}

interface Session {
  id: string;
  cwd: string;
  era: (typeof ERAS)[number];
  version: string;
  model: string;
  entrypoint: string;
  branch: string;
  time: number;
}

/** What a retry or final failure looks like for one era and one kind of trouble. */
interface Trouble {
  status: number | null;
  errorType: string;
  message: string;
  category: string;
  networkCode: string | null;
  retryable: boolean;
}

const TROUBLES: Trouble[] = [
  { status: 500, errorType: 'api_error', message: 'Internal server error', category: 'server_error', networkCode: null, retryable: true },
  { status: 529, errorType: 'overloaded_error', message: 'Overloaded', category: 'overloaded', networkCode: null, retryable: true },
  { status: 502, errorType: 'api_error', message: 'Bad gateway', category: 'server_error', networkCode: null, retryable: true },
  { status: 503, errorType: 'api_error', message: 'Service unavailable', category: 'server_error', networkCode: null, retryable: true },
  { status: 429, errorType: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit', category: 'rate_limit', networkCode: null, retryable: true },
  { status: null, errorType: 'connection_error', message: 'Connection error.', category: 'unknown', networkCode: 'ECONNRESET', retryable: true },
  { status: 401, errorType: 'authentication_error', message: 'OAuth token has expired', category: 'authentication_failed', networkCode: null, retryable: false },
  { status: 400, errorType: 'invalid_request_error', message: 'prompt is too long: 212000 tokens > 200000 maximum', category: 'invalid_request', networkCode: null, retryable: false },
];

class Generator {
  private readonly random: () => number;
  private readonly pool: string;
  private readonly projectsDir: string;
  private readonly planted: PlantedEvent[] = [];
  private decoys = 0;
  private bytes = 0;
  private files = 0;
  private readonly now = Date.now();

  constructor(
    private readonly sizeMB: number,
    private readonly configDir: string,
    private readonly profile: CorpusProfile,
  ) {
    this.random = prng(0xc1a0de + sizeMB + CORPUS_PROFILES.indexOf(profile) * 7919);
    this.projectsDir = path.join(configDir, 'projects');
    this.pool = this.makePool(2 * MB);
  }

  run(): Corpus {
    if (this.profile === 'many-small') return this.runManySmall();
    const budget = this.sizeMB * MB;
    const sessionCount = Math.max(12, Math.round(this.sizeMB * 3));
    const projectCount = Math.max(3, Math.round(sessionCount / 25));
    // About 300 incidents per GB (retries, then a failure or a recovery), at least 12.
    const incidentCount = Math.max(12, Math.round((this.sizeMB / 1024) * 300));
    const hugeLines = this.sizeMB >= 512 && this.profile === 'sparse' ? 1 : 0;

    const projects = Array.from({ length: projectCount }, (_, i) => `/home/dev/src/${this.pick(WORDS)}-${this.pick(WORDS)}-${i}`);
    const incidentsAt = new Set<number>();
    while (incidentsAt.size < Math.min(incidentCount, sessionCount * 3)) incidentsAt.add(Math.floor(this.random() * sessionCount * 3));

    let written = 0;
    for (let s = 0; s < sessionCount; s++) {
      const remaining = budget - written;
      const share = remaining / (sessionCount - s);
      // Skewed sizes: many small sessions, a few big ones.
      const sessionBudget = Math.max(8 * 1024, share * (0.25 + 1.5 * this.random() ** 2) * 1.3);
      const incidents = [0, 1, 2].filter((k) => incidentsAt.has(s * 3 + k)).length;
      const withHuge = hugeLines > 0 && s === Math.floor(sessionCount / 2);
      written += this.session(projects[s % projectCount], Math.min(sessionBudget, remaining), incidents, withHuge);
    }
    return this.corpus(sessionCount, projectCount);
  }

  /**
   * `many-small`: sessions of drawn sizes until the budget is spent, a few projects holding most of
   * them; incidents in a bit over half the sessions.
   */
  private runManySmall(): Corpus {
    const budget = this.sizeMB * MB;
    const projectCount = Math.max(3, Math.round(this.sizeMB / 12));
    const projects = Array.from({ length: projectCount }, (_, i) => `/home/dev/src/${this.pick(WORDS)}-${this.pick(WORDS)}-${i}`);
    let written = 0;
    let sessions = 0;
    while (written < budget) {
      const size = Math.min(this.manySmallSessionBytes(), Math.max(4 * 1024, budget - written));
      const incidents = this.random() < 0.52 ? 0 : 1 + Math.floor(this.random() ** 2 * 4);
      written += this.session(projects[Math.floor(this.random() ** 2 * projectCount)], size, incidents, false);
      sessions++;
    }
    return this.corpus(sessions, projectCount);
  }

  /** A `many-small` session's bytes (its subagents' included): log-normal around 150 KB, one in 250 of 10 to 40 MB. */
  private manySmallSessionBytes(): number {
    if (this.random() < 0.004) return (10 + this.random() * 30) * MB;
    const normal = Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
    return Math.max(3 * 1024, 150 * 1024 * Math.exp(1.2 * normal));
  }

  private corpus(sessions: number, projects: number): Corpus {
    return {
      version: GENERATOR_VERSION,
      profile: this.profile,
      sizeMB: this.sizeMB,
      configDir: this.configDir,
      bytes: this.bytes,
      files: this.files,
      sessions,
      projects,
      decoys: this.decoys,
      planted: this.planted,
    };
  }

  /** One session (with its subagents): returns the bytes written. */
  private session(cwd: string, budget: number, incidents: number, withHuge: boolean): number {
    const manySmall = this.profile === 'many-small';
    const era = manySmall ? this.weighted(RECENT_ERA_WEIGHTS) : this.weighted();
    const session: Session = {
      id: this.uuid(),
      cwd,
      era,
      version: this.pick(era.versions),
      model: this.pick(era.models),
      entrypoint: this.pick(ENTRYPOINTS),
      branch: this.pick(['main', 'main', 'develop', 'feature/retry-ui', 'fix/cache']),
      time:
        this.profile === 'dense'
          ? this.now - 8 * DAY_MS + this.random() * 7 * DAY_MS
          : manySmall
            ? this.now - 29 * DAY_MS + this.random() * 28 * DAY_MS
            : this.now - 30 * DAY_MS + this.random() * 27 * DAY_MS,
    };
    const projectDir = path.join(this.projectsDir, cwd.replace(/[^A-Za-z0-9]/g, '-'));
    const mainSink: Sink = { file: path.join(projectDir, `${session.id}.jsonl`), lines: [], bytes: 0 };
    const sinks = [mainSink];
    const main: Stream = { sink: mainSink, isSidechain: false, agentId: null, lastUuid: null, turns: 0 };
    const streams = [main];
    if (this.random() < (manySmall ? 0.45 : 0.2)) {
      const agents = 1 + Math.floor(this.random() * 3);
      for (let a = 0; a < agents; a++) {
        const agentId = this.hex(8);
        let sink = mainSink; // 1.0.x and older: sidechains inline, in the main file
        if (era.era.startsWith('v2.1')) sink = { file: path.join(projectDir, session.id, 'subagents', `agent-${agentId}.jsonl`), lines: [], bytes: 0 };
        else if (era.era === 'v2.0') sink = { file: path.join(projectDir, `agent-${agentId}.jsonl`), lines: [], bytes: 0 };
        if (sink !== mainSink) sinks.push(sink);
        streams.push({ sink, isSidechain: true, agentId, lastUuid: null, turns: 0 });
      }
    }
    const incidentTurns = new Set(Array.from({ length: incidents }, () => Math.floor(this.random() * 6)));
    const written = () => sinks.reduce((sum, sink) => sum + sink.bytes, 0);

    let turn = 0;
    // `many-small` has sessions of a few KB: one light turn is enough there.
    const light = manySmall && budget < 64 * 1024;
    const minTurns = light ? 1 : 2;
    while (written() < budget || turn < minTurns) {
      const stream = turn < minTurns || this.random() < (manySmall ? 0.6 : 0.75) ? main : this.pick(streams);
      if (manySmall) {
        if (this.random() < (stream.turns === 0 ? 0.9 : 0.12)) this.markerDecoy(session, stream);
        stream.turns++;
      }
      this.turn(session, stream, turn === 3 && withHuge, light);
      // An outage week: an incident every 20 turns or so, on top of the drawn ones.
      const outage = this.profile === 'dense' && this.random() < 0.05;
      if (incidentTurns.has(turn) || outage) this.incident(session, this.random() < 0.8 ? main : this.pick(streams));
      turn++;
    }
    // Incidents drawn for turns the session never reached still happen, at its end.
    for (const t of incidentTurns) if (t >= turn) this.incident(session, main);

    for (const sink of sinks) {
      // A subagent that was never given a turn wrote nothing (other profiles keep their empty files).
      if (manySmall && sink.lines.length === 0) continue;
      const content = sink.lines.join('\n') + '\n';
      fs.mkdirSync(path.dirname(sink.file), { recursive: true });
      fs.writeFileSync(sink.file, content);
      const mtime = new Date(session.time);
      fs.utimesSync(sink.file, mtime, mtime);
      this.bytes += Buffer.byteLength(content);
      this.files++;
    }
    return written();
  }

  /** A user prompt, a tool call and its result, and an answer. */
  private turn(session: Session, stream: Stream, huge: boolean, light = false): void {
    const r = this.random();
    if (r < (this.profile === 'many-small' ? 0.01 : 0.06)) {
      // A prompt that quotes error text (a decoy), e.g. the user pasting what they saw.
      this.decoys++;
      this.user(session, stream, `Why do I keep getting API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"}} and "isApiErrorMessage":true in my logs? ${this.text(200)}`);
    } else {
      this.user(session, stream, this.text(80 + Math.floor(this.random() * 1500)));
    }
    const calls = light ? 1 : 1 + Math.floor(this.random() * 3);
    for (let c = 0; c < calls; c++) {
      const toolId = `toolu_01${this.base62(22)}`;
      this.assistant(session, stream, [
        { type: 'text', text: this.text(60 + Math.floor(this.random() * 400)) },
        { type: 'tool_use', id: toolId, name: this.pick(['Bash', 'Read', 'Edit', 'Grep', 'Glob']), input: { command: this.text(60), description: this.text(30) } },
      ]);
      this.toolResult(session, stream, toolId, light ? this.text(200 + Math.floor(this.random() * 1500)) : this.toolOutput(huge && c === 0));
    }
    this.assistant(session, stream, [{ type: 'text', text: this.text(200 + Math.floor(this.random() * (light ? 800 : 2500))) }]);
    const extra = this.random();
    if (extra < 0.03) this.plain(session, stream, { type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', level: 'info', compactMetadata: { trigger: 'auto', preTokens: 160_000 } });
    else if (extra < 0.05) this.raw(stream, { type: 'summary', summary: this.text(60), leafUuid: stream.lastUuid });
    else if (extra < 0.08) this.raw(stream, { type: 'file-history-snapshot', messageId: this.uuid(), snapshot: { trackedFileBackups: {}, timestamp: this.iso(session) }, isSnapshotUpdate: false });
  }

  private toolOutput(huge: boolean): string {
    const r = this.random();
    if (huge) return this.text(24 * MB);
    if (this.profile === 'huge-lines' && r < 0.012) return this.text(Math.floor((1 + this.random() * (this.random() < 0.1 ? 39 : 7)) * MB));
    if (r < 0.0015) return this.text((2 + Math.floor(this.random() * 6)) * MB);
    if (r < (this.profile === 'many-small' ? 0.01 : 0.05)) {
      // A tool result quoting a real failure line, e.g. `grep isApiErrorMessage ~/.claude/...`.
      this.decoys++;
      return `projects/x/y.jsonl:12:${JSON.stringify({ type: 'assistant', isApiErrorMessage: true, message: { model: '<synthetic>', content: [{ type: 'text', text: 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' }] } })}\n{"type":"system","subtype":"api_error","retryAttempt":3}\n${this.text(500)}`;
    }
    if (r < 0.35) return this.text(4000 + Math.floor(this.random() * 40_000));
    return this.text(200 + Math.floor(this.random() * 3000));
  }

  /**
   * A line that holds a marker and is no event (`many-small`): what tools print and newer builds
   * write beside the real records. Some hold the marker only quoted (escaped in the JSON, never
   * handed over by the line reader, but counted by grep); the others hold it as a key, nested or
   * not, and are parsed only to be turned down.
   */
  private markerDecoy(session: Session, stream: Stream): void {
    this.decoys++;
    const r = this.random();
    const toolId = `toolu_01${this.base62(22)}`;
    if (r < 0.3) {
      // `grep -rn isApiErrorMessage ~/.claude/projects`: whole transcript lines, quoted.
      const quoted = [
        JSON.stringify({ type: 'assistant', isApiErrorMessage: false, message: { model: this.pick(session.era.models), content: [{ type: 'text', text: this.text(80) }] } }),
        JSON.stringify({ type: 'system', subtype: 'api_error', level: 'error', retryAttempt: 2, maxRetries: 10, error: { status: 529 } }),
        JSON.stringify({ type: 'assistant', isApiErrorMessage: true, message: { model: '<synthetic>', content: [{ type: 'text', text: 'API Error: 500 Internal server error' }] } }),
      ];
      const output = quoted.map((line, i) => `projects/-home-dev-src-app/${this.uuid()}.jsonl:${12 + i * 7}:${line}`).join('\n');
      this.toolResult(session, stream, toolId, `${output}\n${this.text(300)}`);
    } else if (r < 0.45) {
      // Reading source code that names the field (no quote after it).
      this.toolResult(session, stream, toolId, `${this.text(400)}\n  if (value.isApiErrorMessage === true) return readFailure(value);\n  // isApiErrorMessage:false is a synthetic line\n${this.text(900)}`);
    } else if (r < 0.65) {
      // A real response from a build that writes the field on every assistant line.
      const env = this.envelope(session, stream);
      this.raw(stream, {
        ...env,
        message: { id: `msg_01${this.base62(22)}`, type: 'message', role: 'assistant', model: session.model, content: [{ type: 'text', text: this.text(200 + Math.floor(this.random() * 1500)) }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 4, output_tokens: Math.floor(this.random() * 900) } },
        requestId: this.requestId(),
        type: 'assistant',
        isApiErrorMessage: false,
      });
    } else if (r < 0.75) {
      this.synthetic(session, stream, 'No response requested.', false, {});
    } else if (r < 0.9) {
      // A subagent's progress, nesting its records: a response, or a retry of its own.
      const nested =
        this.random() < 0.5
          ? { type: 'assistant', isApiErrorMessage: false, uuid: this.uuid(), timestamp: this.iso(session), message: { model: session.model, role: 'assistant', content: [{ type: 'text', text: this.text(300) }] } }
          : { type: 'system', subtype: 'api_error', level: 'error', uuid: this.uuid(), timestamp: this.iso(session), retryAttempt: 1, maxRetries: 10, retryInMs: 1000, error: { status: 529 } };
      this.plain(session, stream, { type: 'progress', data: { type: 'agent_progress', agentId: this.hex(8), prompt: this.text(200), message: nested, normalizedMessages: [] }, toolUseID: toolId, parentToolUseID: toolId });
    } else {
      // A command's log that quotes an interrupt.
      this.toolResult(session, stream, toolId, `${this.text(300)}\n[Request interrupted by user]\n${this.text(300)}`);
    }
  }

  /**
   * An API incident: retries (2.1.x logs them), then a final failure, a recovery, or nothing
   * (the session ended while retrying). Non-retryable errors fail at once. Sometimes a decoy.
   */
  private incident(session: Session, stream: Stream): void {
    const decoy = this.random();
    if (decoy < 0.08) {
      this.decoys++;
      this.synthetic(session, stream, 'API Error: Request was aborted.', true, {});
      return;
    }
    if (decoy < 0.12) {
      this.decoys++;
      this.synthetic(session, stream, 'No response requested.', false, {});
      return;
    }
    if (decoy < 0.15) {
      this.decoys++;
      this.user(session, stream, '[Request interrupted by user]');
      return;
    }
    const trouble = this.pick(TROUBLES);
    this.user(session, stream, this.text(300));
    const logsRetries = session.era.era.startsWith('v2.1');
    const maxRetries = this.random() < 0.8 ? 10 : 15;
    let attempts = 0;
    if (logsRetries && trouble.retryable) {
      attempts = this.random() < 0.15 ? maxRetries : 1 + Math.floor(this.random() * (this.profile === 'many-small' ? 8 : 4));
      for (let a = 1; a <= attempts; a++) this.retry(session, stream, trouble, a, maxRetries);
    }
    const outcome = this.random();
    if (!trouble.retryable || attempts === maxRetries || !logsRetries || outcome < 0.5) this.failure(session, stream, trouble);
    else if (outcome < 0.9) this.assistant(session, stream, [{ type: 'text', text: this.text(400) }]);
  }

  private retry(session: Session, stream: Stream, trouble: Trouble, attempt: number, maxRetries: number): void {
    const requestId = trouble.networkCode ? null : this.requestId();
    let error: Record<string, unknown>;
    const extra: Record<string, unknown> = {};
    if (trouble.networkCode) {
      const cause = { code: trouble.networkCode, path: 'https://api.anthropic.com/v1/messages?beta=true', errno: -104 };
      if (session.era.era === 'v2.1-late') {
        error = { message: 'Connection error.', status: null, requestId: null, formatted: `Unable to connect to API (${trouble.networkCode})`, connection: { code: trouble.networkCode, message: 'socket hang up' }, isNetworkDown: false, rateLimits: null };
      } else if (this.random() < 0.5) {
        error = { message: 'Connection error.', cause };
      } else {
        error = { message: 'Connection error.' };
        extra.cause = cause;
      }
    } else if (session.era.era === 'v2.1-late') {
      error = {
        message: `${trouble.status} ${JSON.stringify({ type: 'error', error: { type: trouble.errorType, message: trouble.message }, request_id: requestId })}`,
        status: trouble.status,
        requestId,
        formatted: `API Error: ${trouble.status} ${trouble.message}`,
        connection: null,
        isNetworkDown: false,
        rateLimits: trouble.status === 429 ? { status: 'rejected', resetsAt: Math.floor(this.now / 1000) + 3600 } : null,
      };
    } else {
      error = {
        status: trouble.status,
        headers: { 'content-type': 'application/json', 'request-id': requestId, 'x-should-retry': 'true', 'retry-after': '1' },
        requestID: requestId,
        error: { type: 'error', error: { type: trouble.errorType, message: trouble.message }, request_id: requestId },
      };
    }
    const uuid = this.plain(session, stream, {
      type: 'system',
      subtype: 'api_error',
      level: 'error',
      error,
      ...extra,
      retryInMs: Math.round(500 * 2 ** Math.min(attempt, 6) * (0.75 + this.random() / 2) * 100) / 100,
      retryAttempt: attempt,
      maxRetries,
    });
    this.planted.push({ uuid, kind: 'retry', file: stream.sink.file });
  }

  private failure(session: Session, stream: Stream, trouble: Trouble): void {
    const requestId = trouble.networkCode ? null : this.requestId();
    const body = JSON.stringify({ type: 'error', error: { type: trouble.errorType, message: trouble.message }, request_id: requestId });
    let text: string;
    const fields: Record<string, unknown> = {};
    switch (session.era.era) {
      case 'v0.2':
        text = trouble.networkCode
          ? `API Error: Connection error.`
          : `API Error: ${JSON.stringify({ type: 'error', error: { type: trouble.errorType, message: trouble.message } })}`;
        break;
      case 'v1.0':
      case 'v2.0':
      case 'v2.1-early':
        text = trouble.networkCode
          ? `API Error: Connection error. (${trouble.networkCode})`
          : `API Error: ${trouble.status} ${body}${trouble.status === 401 ? ' · Please run /login' : ''}`;
        if (session.era.era === 'v2.1-early') Object.assign(fields, { error: trouble.category, apiErrorStatus: trouble.status, requestId });
        break;
      default:
        text = humanWording(trouble, this.random());
        Object.assign(fields, { error: trouble.category, apiErrorStatus: trouble.status });
        if (requestId && this.random() < 0.7) fields.requestId = requestId;
    }
    const uuid = this.synthetic(session, stream, text, true, fields);
    this.planted.push({ uuid, kind: 'failure', file: stream.sink.file });
  }

  // ---- lines ----------------------------------------------------------------------------------

  private envelope(session: Session, stream: Stream): Record<string, unknown> {
    session.time += 300 + this.random() * 20_000;
    const uuid = this.uuid();
    const env: Record<string, unknown> = {
      parentUuid: stream.lastUuid,
      isSidechain: stream.isSidechain,
      userType: 'external',
      cwd: session.cwd,
      sessionId: session.id,
      version: session.version,
      gitBranch: session.branch,
    };
    if (stream.agentId) env.agentId = stream.agentId;
    if (!session.era.era.startsWith('v0') && !session.era.era.startsWith('v1')) env.entrypoint = session.entrypoint;
    stream.lastUuid = uuid;
    env.uuid = uuid;
    env.timestamp = new Date(session.time).toISOString();
    return env;
  }

  private user(session: Session, stream: Stream, content: string): void {
    this.raw(stream, { ...this.envelope(session, stream), type: 'user', message: { role: 'user', content } });
  }

  private assistant(session: Session, stream: Stream, content: unknown[]): void {
    const env = this.envelope(session, stream);
    this.raw(stream, {
      ...env,
      message: {
        id: `msg_01${this.base62(22)}`,
        type: 'message',
        role: 'assistant',
        model: session.model,
        content,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 4, cache_creation_input_tokens: Math.floor(this.random() * 5000), cache_read_input_tokens: Math.floor(this.random() * 90_000), output_tokens: Math.floor(this.random() * 900), service_tier: 'standard' },
      },
      requestId: this.requestId(),
      type: 'assistant',
    });
  }

  private toolResult(session: Session, stream: Stream, toolId: string, output: string): void {
    this.raw(stream, {
      ...this.envelope(session, stream),
      type: 'user',
      message: { role: 'user', content: [{ tool_use_id: toolId, type: 'tool_result', content: output, is_error: false }] },
      toolUseResult: { stdout: output.length > 100_000 ? output.slice(0, 1000) : output, stderr: '', interrupted: false, isImage: false },
    });
  }

  /** An assistant line Claude Code made up itself: `model:"<synthetic>"`. */
  private synthetic(session: Session, stream: Stream, text: string, isApiErrorMessage: boolean, fields: Record<string, unknown>): string {
    const env = this.envelope(session, stream);
    this.raw(stream, {
      ...env,
      type: 'assistant',
      message: {
        id: this.uuid(),
        container: null,
        model: '<synthetic>',
        role: 'assistant',
        stop_reason: 'stop_sequence',
        stop_sequence: '',
        type: 'message',
        usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 0 }, service_tier: null },
        content: [{ type: 'text', text }],
      },
      isApiErrorMessage,
      ...fields,
    });
    return env.uuid as string;
  }

  /** A line with the envelope; returns its uuid. */
  private plain(session: Session, stream: Stream, body: Record<string, unknown>): string {
    const env = this.envelope(session, stream);
    this.raw(stream, { ...env, ...body });
    return env.uuid as string;
  }

  private raw(stream: Stream, value: unknown): void {
    const line = JSON.stringify(value);
    stream.sink.lines.push(line);
    stream.sink.bytes += line.length + 1;
  }

  // ---- randomness -----------------------------------------------------------------------------

  private makePool(size: number): string {
    const parts: string[] = [];
    let length = 0;
    while (length < size) {
      const piece = this.random() < 0.7 ? this.pick(WORDS) + ' ' : this.pick(CODE_BITS);
      parts.push(piece);
      length += piece.length;
    }
    return parts.join('');
  }

  /** `length` characters of code-like filler (quotes, backslashes and newlines included). */
  private text(length: number): string {
    if (length >= this.pool.length) return this.pool.repeat(Math.ceil(length / this.pool.length)).slice(0, length);
    const start = Math.floor(this.random() * (this.pool.length - length));
    return this.pool.slice(start, start + length);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private weighted(weights?: Readonly<Record<Era, number>>): (typeof ERAS)[number] {
    const weightOf = (era: (typeof ERAS)[number]) => weights?.[era.era] ?? era.weight;
    let r = this.random() * ERAS.reduce((sum, e) => sum + weightOf(e), 0);
    for (const era of ERAS) if ((r -= weightOf(era)) < 0) return era;
    return ERAS[ERAS.length - 1];
  }

  private hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += Math.floor(this.random() * 16).toString(16);
    return out;
  }

  private base62(length: number): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < length; i++) out += chars[Math.floor(this.random() * 62)];
    return out;
  }

  private uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }

  private requestId(): string {
    return `req_011C${this.base62(20)}`;
  }

  private iso(session: Session): string {
    return new Date(session.time).toISOString();
  }
}

/** 2.1.108+ wording: no JSON body, usually no request ID in the text. */
function humanWording(trouble: Trouble, r: number): string {
  switch (trouble.status) {
    case 500:
      return r < 0.7
        ? 'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check https://status.claude.com.'
        : 'API Error: Server error mid-response. The response above may be incomplete.';
    case 529:
      return 'API Error: Repeated 529 Overloaded errors. The API is under heavy load — try again in a moment.';
    case 502:
    case 503:
      return `API Error: ${trouble.status} ${trouble.message}. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (llm-gateway.internal).`;
    case 429:
      return r < 0.5 ? 'API Error: Request rejected (429) · Number of request tokens has exceeded your per-minute rate limit' : "You've hit your session limit · resets 5:40pm";
    case 401:
      return r < 0.5 ? 'OAuth token has expired · Please run /login' : 'Invalid API key · Please run /login';
    case 400:
      return 'API Error: 400 prompt is too long: 212000 tokens > 200000 maximum';
    default:
      return r < 0.5
        ? `API Error: Unable to connect to API (${trouble.networkCode})`
        : `API Error: Can't reach the API server — check your internet or DNS (${trouble.networkCode === 'ECONNRESET' ? 'ENOTFOUND' : trouble.networkCode})`;
  }
}

if (require.main === module) {
  const sizeMB = Number(process.argv[2] ?? 1024);
  const profile = (process.argv[3] ?? 'sparse') as CorpusProfile;
  if (!CORPUS_PROFILES.includes(profile)) throw new Error(`profile: one of ${CORPUS_PROFILES.join(', ')}`);
  const corpus = ensureCorpus(sizeMB, (text) => console.log(text), profile);
  const failures = corpus.planted.filter((p) => p.kind === 'failure').length;
  console.log(`${corpus.files} files, ${corpus.sessions} sessions, ${corpus.projects} projects, ${(corpus.bytes / MB).toFixed(0)} MB`);
  console.log(`planted: ${failures} failures, ${corpus.planted.length - failures} retries; ${corpus.decoys} decoys`);
}
