// A seeded chaos run against the transcript watcher: random appends in random chunks (partial lines,
// CRLF, cuts inside UTF-8 characters, very long lines), truncations, rewrites in place shorter,
// longer and of the same size under the same mtime, renames away and back, rename rotations (renamed
// to another transcript name, a new file under the old one), deletes and recreations, project
// folders deleted and made again, new files, files with odd names (not UTF-8, U+FFFD, a newline,
// a backslash), and hostile entries (symlink loops, dangling links, FIFOs, sockets, folders named
// `*.jsonl`, links back to a folder or to another project, permission flips) while it follows the
// config dir live. Shared by the unit test (small, fixed seed) and `npm run bench` (larger).
//
// Invariants checked:
// - every complete line of every regular transcript is delivered exactly once (however many paths
//   reach it, under whatever name it was renamed to), or again only after a reported reset of that
//   file that reads it again (`onFileGone`, truncated or rewritten); a line no writer wrote (a read
//   racing a rewrite) is allowed only if a reset of that file follows;
// - after each fault a canary line appended to another file is delivered (the watcher is still live);
// - each hostile entry is named once, and is listed by `skippedEntries()`;
// - nothing hangs: every wait has a limit that turns a hang into a failure naming the step.
import assert from 'node:assert/strict';
import { appendFile as appendFileAt, chmod as chmodAt, mkdir, mkdtemp, open as openAt, rename as renameAt, rm, stat, symlink, unlink as unlinkAt, utimes, writeFile as writeFileAt } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeFileName, fsPath, hasEscapedBytes } from '../../src/core/files/fsPath';
import { TranscriptWatcher, type WatchMode } from '../../src/core/files/watcher';
import { listeningSocket, mkfifo } from '../fixtures/hostileEntries';
import { prng } from '../fixtures/prng';
import { asUnprivileged } from './unprivileged';

// Every file call by path goes through fsPath: a subject's path may hold bytes that are not UTF-8 (escaped).
const appendFile = (file: string, data: Buffer | string) => appendFileAt(fsPath(file), data);
const chmod = (file: string, mode: number) => chmodAt(fsPath(file), mode);
const open = (file: string, flags: string) => openAt(fsPath(file), flags);
const rename = (from: string, to: string) => renameAt(fsPath(from), fsPath(to));
const unlink = (file: string) => unlinkAt(fsPath(file));
const writeFile = (file: string, data: Buffer | string) => writeFileAt(fsPath(file), data);

export interface ChaosOptions {
  seed: number;
  /** Random operations after the first round of every kind. */
  steps: number;
  /** Transcripts the operations act on. */
  subjects: number;
  /** Transcripts written once before the watcher starts ("many files"). */
  fillers: number;
  /** Upper bound of a very long line (the reader switches strategy past 512 KiB). */
  longLineBytes: number;
  watchMode?: WatchMode;
  /** Every this many steps: undo permission flips and renames, then wait until every line is in. */
  checkEvery?: number;
  /** Limit of each wait (a hang becomes a failure; no speed is asserted). */
  waitLimitMs?: number;
}

export interface ChaosCounts {
  seed: number;
  watchMode: string;
  steps: number;
  appends: number;
  bytesAppended: number;
  linesWritten: number;
  longLines: number;
  linesDelivered: number;
  truncations: number;
  rewritesShorter: number;
  rewritesLonger: number;
  renames: number;
  rotations: number;
  recreations: number;
  folderRecreations: number;
  sameSizeRewrites: number;
  oddNames: number;
  aliases: number;
  newFiles: number;
  loops: number;
  danglingLinks: number;
  fifos: number;
  sockets: number;
  folders: number;
  permissionFlips: number;
  canaries: number;
  resets: number;
  tornLines: number;
  problemsNamed: number;
  skippedAtEnd: number;
  transcripts: number;
}

interface LineOnDisk {
  id: string;
  /** Its size on disk, line end included. */
  size: number;
}

interface Subject {
  file: string;
  /** Complete lines on disk, in order. */
  lines: LineOnDisk[];
  /** When a reset of the path the watcher read it under said it is read again from line 1. */
  rereadAt: number;
  /** The line being written: its whole text (with its line end), and how many bytes are on disk. */
  current: { bytes: Buffer; written: number } | null;
  away: boolean;
  locked: boolean;
  /** Every line ever written to this path, by id (to recognise what is delivered). */
  written: Map<string, string>;
}

interface Delivery {
  resets: number;
  /** When the path last had a reset that reads its file again (truncated, rewritten). */
  rereadAt: number;
  /** Lines no writer wrote, delivered since the last reset: a reset must follow. */
  tornSinceReset: number;
}

const KINDS = [
  'append',
  'truncate',
  'rewriteShorter',
  'rewriteLonger',
  'renameAwayAndBack',
  'rotate',
  'deleteAndRecreate',
  'recreateFolder',
  'rewriteSameSize',
  'oddName',
  'alias',
  'newFile',
  'loop',
  'dangling',
  'fifo',
  'socket',
  'folder',
  'flipFile',
  'flipFolder',
  'replaceByFifo',
  'replaceByLoop',
] as const;
type Kind = (typeof KINDS)[number];
const WEIGHTS: Record<Kind, number> = {
  append: 40,
  truncate: 3,
  rewriteShorter: 3,
  rewriteLonger: 3,
  renameAwayAndBack: 3,
  rotate: 3,
  deleteAndRecreate: 3,
  recreateFolder: 1,
  rewriteSameSize: 3,
  oddName: 2,
  alias: 1,
  newFile: 2,
  loop: 2,
  dangling: 2,
  fifo: 2,
  socket: 1,
  folder: 2,
  flipFile: 3,
  flipFolder: 2,
  replaceByFifo: 1,
  replaceByLoop: 1,
};
const FAULTS = new Set<Kind>([
  'replaceByFifo',
  'replaceByLoop',
  'loop',
  'dangling',
  'fifo',
  'socket',
  'folder',
  'flipFile',
  'flipFolder',
  'truncate',
  'rewriteShorter',
  'rewriteLonger',
  'renameAwayAndBack',
  'rotate',
  'deleteAndRecreate',
  'recreateFolder',
  'rewriteSameSize',
  'oddName',
  'alias',
  'newFile',
]);
/** Names no ordinary transcript has: Latin-1 bytes (not UTF-8), a genuine U+FFFD, a newline, a backslash, an emoji. */
const ODD_NAMES: readonly Buffer[] = [
  Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1
  Buffer.from('repl\uFFFDaced'),
  Buffer.from('two\nlines'),
  Buffer.from('back\\slash and space'),
  Buffer.concat([Buffer.from('mixed-'), Buffer.from([0xff, 0xfe]), Buffer.from('-😀')]),
];
const ALPHABET = ['a', 'Z', '7', ' ', '{', ':', '"', '\\', 'é', '€', '😀', '中'];

export async function runChaos(options: ChaosOptions): Promise<ChaosCounts> {
  return asUnprivileged(() => run(options));
}

async function run(options: ChaosOptions): Promise<ChaosCounts> {
  const random = prng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const waitLimitMs = options.waitLimitMs ?? 20_000;
  const checkEvery = options.checkEvery ?? 25;
  const counts: ChaosCounts = {
    seed: options.seed,
    watchMode: options.watchMode ?? 'auto',
    steps: 0,
    appends: 0,
    bytesAppended: 0,
    linesWritten: 0,
    longLines: 0,
    linesDelivered: 0,
    truncations: 0,
    rewritesShorter: 0,
    rewritesLonger: 0,
    renames: 0,
    rotations: 0,
    recreations: 0,
    folderRecreations: 0,
    sameSizeRewrites: 0,
    oddNames: 0,
    aliases: 0,
    newFiles: 0,
    loops: 0,
    danglingLinks: 0,
    fifos: 0,
    sockets: 0,
    folders: 0,
    permissionFlips: 0,
    canaries: 0,
    resets: 0,
    tornLines: 0,
    problemsNamed: 0,
    skippedAtEnd: 0,
    transcripts: 0,
  };

  const root = await mkdtemp(path.join(os.tmpdir(), 'chaos-'));
  const configDir = path.join(root, 'claude');
  const projects = path.join(configDir, 'projects');
  const projectDirs = ['-proj-a', '-proj-b', '-proj-c'].map((name) => path.join(projects, name));
  const lockedDirs = new Set<string>();
  const sockets: { close(): Promise<void> }[] = [];
  /** Hostile entries, each to be named exactly once (by path): their code, and how often the path was named before. */
  const hostile = new Map<string, string>();
  const namedBefore = new Map<string, number>();
  const subjects = new Map<string, Subject>();
  const deliveries = new Map<string, Delivery>();
  const problems = new Map<string, number>();
  const violations: string[] = [];
  let step = 'setup';
  let nextLineId = 0;

  const deliveryOf = (file: string): Delivery => {
    let d = deliveries.get(file);
    if (!d) deliveries.set(file, (d = { resets: 0, rereadAt: -1, tornSinceReset: 0 }));
    return d;
  };
  /** A clock of what the watcher said: lines, resets, moves. */
  let clock = 0;
  /** Every line ever written, by id (ids are unique in the run): its subject and its text. */
  const lineOwners = new Map<string, { subject: Subject; text: string }>();
  /** When each line was last delivered. */
  const deliveredAt = new Map<string, number>();
  /** The subject whose lines the watcher last gave under a path (to tie a reset to a file). */
  const viewAt = new Map<string, Subject>();

  // ---- the model of what is on disk --------------------------------------------------------

  /** The id a line was written with (ids are unique in the run). */
  const lineIds = new WeakMap<Buffer, string>();
  const onDisk = (line: Buffer): LineOnDisk => ({ id: lineIds.get(line)!, size: line.length });

  const newLine = (subject: Subject): Buffer => {
    const id = `${path.basename(subject.file)}#${nextLineId++}`;
    let text = '';
    if (random() < 0.02) {
      counts.longLines++;
      const length = Math.floor(options.longLineBytes * (0.5 + random() / 2));
      text = pick(ALPHABET).repeat(Math.ceil(length / 4));
    } else {
      const length = Math.floor(random() * 120);
      for (let i = 0; i < length; i++) text += pick(ALPHABET);
    }
    const line = JSON.stringify({ id, text });
    subject.written.set(id, line);
    lineOwners.set(id, { subject, text: line });
    counts.linesWritten++;
    const bytes = Buffer.from(line + (random() < 0.3 ? '\r\n' : '\n'));
    lineIds.set(bytes, id);
    return bytes;
  };

  /** Complete lines as bytes, at least (or at most) `bytes` long in all. */
  const freshContent = (subject: Subject, bytes: number, atMost: boolean): { content: Buffer; lines: LineOnDisk[] } => {
    const parts: Buffer[] = [];
    const lines: LineOnDisk[] = [];
    let total = 0;
    for (;;) {
      const line = newLine(subject);
      if (atMost && total + line.length > bytes) break;
      parts.push(line);
      lines.push(onDisk(line));
      total += line.length;
      if (!atMost && total > bytes) break;
    }
    return { content: Buffer.concat(parts), lines };
  };

  /** Complete new lines of exactly `size` bytes (`size` ≥ 120): a few, the last padded to fit. */
  const contentOfSize = (subject: Subject, size: number): { content: Buffer; lines: LineOnDisk[] } => {
    for (;;) {
      const { content, lines } = freshContent(subject, Math.floor(size * random() * 0.6), true);
      const id = `${path.basename(subject.file)}#${nextLineId++}`;
      const bare = JSON.stringify({ id, text: '' }) + '\n';
      const room = size - content.length - Buffer.byteLength(bare);
      if (room < 0) continue;
      const line = JSON.stringify({ id, text: 'p'.repeat(room) });
      subject.written.set(id, line);
      lineOwners.set(id, { subject, text: line });
      counts.linesWritten++;
      const last = Buffer.from(line + '\n');
      lineIds.set(last, id);
      return { content: Buffer.concat([content, last]), lines: [...lines, onDisk(last)] };
    }
  };

  const sizeOf = (subject: Subject): number => subject.lines.reduce((sum, line) => sum + line.size, 0) + (subject.current?.written ?? 0);

  const inLockedDir = (file: string): boolean => [...lockedDirs].some((dir) => file.startsWith(dir + path.sep));
  const usable = (subject: Subject): boolean => !subject.away && !inLockedDir(subject.file);

  const addSubject = async (file: string, lineCount: number): Promise<Subject> => {
    const subject: Subject = { file, lines: [], rereadAt: -1, current: null, away: false, locked: false, written: new Map() };
    const parts: Buffer[] = [];
    for (let i = 0; i < lineCount; i++) {
      const line = newLine(subject);
      parts.push(line);
      subject.lines.push(onDisk(line));
    }
    await mkdir(fsPath(path.dirname(file)), { recursive: true });
    await writeFile(file, Buffer.concat(parts));
    subjects.set(file, subject);
    return subject;
  };

  // ---- the watcher under test --------------------------------------------------------------

  await mkdir(projects, { recursive: true });
  const canary = await addSubject(path.join(projects, '-canary', 'canary.jsonl'), 1);
  for (const dir of projectDirs) await mkdir(dir, { recursive: true });
  for (let i = 0; i < options.subjects; i++) await addSubject(path.join(pick(projectDirs), `s-${i}.jsonl`), 1 + Math.floor(random() * 5));
  for (let i = 0; i < options.fillers; i++) await addSubject(path.join(projects, `-many-${i % 20}`, `f-${i}.jsonl`), 1 + Math.floor(random() * 3));
  const active = () => [...subjects.values()].filter((s) => s !== canary && !path.basename(s.file).startsWith('f-'));

  const watcher = new TranscriptWatcher([configDir], {
    watchMode: options.watchMode,
    safetyPollMs: 25,
    rediscoverMs: 200,
    onLine: (file, line) => {
      counts.linesDelivered++;
      const now = ++clock;
      const text = line.toString('utf8');
      const d = deliveryOf(file);
      let id: unknown;
      try {
        id = (JSON.parse(text) as { id?: unknown }).id;
      } catch {
        id = undefined;
      }
      const owner = typeof id === 'string' ? lineOwners.get(id) : undefined;
      if (typeof id !== 'string' || owner?.text !== text) {
        // Bytes no writer put together: a read that raced a rewrite. A reset must follow.
        counts.tornLines++;
        d.tornSinceReset++;
        return;
      }
      // Again only after a reset that reads the file again: of the path it comes under, or of the
      // path the watcher read that file under.
      const before = deliveredAt.get(id);
      if (before !== undefined && !(d.rereadAt > before || owner.subject.rereadAt > before)) {
        violations.push(`${step}: ${id} delivered twice without a reset (now under ${file})`);
      }
      deliveredAt.set(id, now);
      viewAt.set(file, owner.subject);
    },
    onFileGone: (file, reason) => {
      if (process.env.CHAOS_DEBUG) console.error(`[${step}] gone ${file} (${reason})`);
      counts.resets++;
      const now = ++clock;
      const d = deliveryOf(file);
      d.resets++;
      d.tornSinceReset = 0;
      const subject = viewAt.get(file);
      if (reason === 'truncated' || reason === 'rewritten') {
        d.rereadAt = now;
        if (subject) subject.rereadAt = now;
      } else {
        viewAt.delete(file);
      }
    },
    onFileMoved: (file, from) => {
      if (process.env.CHAOS_DEBUG) console.error(`[${step}] moved ${from} -> ${file}`);
      ++clock;
      // The file now there (what was said under `from` may be of another file since).
      const subject = subjects.get(file);
      if (subject) viewAt.set(file, subject);
      else viewAt.delete(file);
    },
    onProblem: (file, error) => {
      if (process.env.CHAOS_DEBUG) console.error(`[${step}] problem ${file}: ${error.message}`);
      counts.problemsNamed++;
      problems.set(file, (problems.get(file) ?? 0) + 1);
    },
  });

  const waitUntil = async (what: string, check: () => boolean): Promise<void> => {
    const deadline = Date.now() + waitLimitMs;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`seed ${options.seed}, ${step}: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  const appendLine = async (subject: Subject): Promise<void> => {
    const line = newLine(subject);
    await appendFile(subject.file, line);
    subject.lines.push(onDisk(line));
  };

  const canaryRoundTrip = async (): Promise<void> => {
    counts.canaries++;
    await appendLine(canary);
    const { id } = canary.lines[canary.lines.length - 1];
    await waitUntil(`the canary ${id}`, () => deliveredAt.has(id));
  };

  /** Missing lines of every readable transcript: never delivered, or not since a reset that reads it again. */
  const missing = (): string[] => {
    const out: string[] = [];
    for (const subject of subjects.values()) {
      if (subject.away || subject.locked || inLockedDir(subject.file)) continue;
      for (const { id } of subject.lines) {
        const at = deliveredAt.get(id);
        if (at === undefined || at < subject.rereadAt) out.push(`${id} in ${JSON.stringify(subject.file)}`);
      }
    }
    return out;
  };

  const restoreAll = async (): Promise<void> => {
    for (const dir of lockedDirs) await chmod(dir, 0o755);
    lockedDirs.clear();
    for (const subject of subjects.values()) {
      if (subject.locked) {
        await chmod(subject.file, 0o644);
        subject.locked = false;
      }
      if (subject.away) {
        await rename(`${subject.file}.away`, subject.file);
        subject.away = false;
      }
    }
  };

  const checkpoint = async (): Promise<void> => {
    await restoreAll();
    await canaryRoundTrip();
    const deadline = Date.now() + waitLimitMs;
    for (let gaps = missing(); gaps.length > 0; gaps = missing()) {
      if (Date.now() > deadline) {
        assert.fail(`seed ${options.seed}, ${step}: ${gaps.length} complete line(s) never delivered (or not since a reset that reads their file again), e.g. ${gaps.slice(0, 5).join('; ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(violations, [], `seed ${options.seed}`);
  };

  // ---- the operations ----------------------------------------------------------------------

  let faultCount = 0;
  const faultPath = (name: string) => path.join(pick(projectDirs), `${name}-${faultCount++}`);

  const operations: Record<Kind, () => Promise<boolean>> = {
    append: async () => {
      const candidates = active().filter(usable);
      if (candidates.length === 0) return false;
      const subject = pick(candidates);
      // One chunk: part of the current line, possibly ending it and writing a few whole ones after.
      const pieces: Buffer[] = [];
      let budget = random() < 0.2 ? 3 : 1;
      while (budget-- > 0) {
        subject.current ??= { bytes: newLine(subject), written: 0 };
        const { bytes, written } = subject.current;
        const left = bytes.length - written;
        const take = random() < 0.4 ? left : 1 + Math.floor(random() * left);
        pieces.push(bytes.subarray(written, written + take));
        subject.current.written += take;
        if (subject.current.written === bytes.length) {
          subject.lines.push(onDisk(bytes));
          subject.current = null;
        } else {
          break;
        }
      }
      const chunk = Buffer.concat(pieces);
      await appendFile(subject.file, chunk);
      counts.appends++;
      counts.bytesAppended += chunk.length;
      return true;
    },
    truncate: async () => {
      const candidates = active().filter(usable);
      if (candidates.length === 0) return false;
      const subject = pick(candidates);
      // At a line boundary (0 included): a partial line being written is cut off with what follows.
      const keep = Math.floor(random() * (subject.lines.length + 1));
      subject.lines = subject.lines.slice(0, keep);
      subject.current = null;
      // Write-only opening: a file flipped to write-only can still be truncated by its owner.
      const handle = await open(subject.file, 'a');
      await handle.truncate(sizeOf(subject));
      await handle.close();
      counts.truncations++;
      return true;
    },
    rewriteShorter: async () => rewrite(true),
    rewriteLonger: async () => rewrite(false),
    renameAwayAndBack: async () => {
      const candidates = active().filter(usable);
      if (candidates.length === 0) return false;
      const subject = pick(candidates);
      await rename(subject.file, `${subject.file}.away`);
      subject.away = true;
      if (random() < 0.5) {
        // Written while away (the line being written finished first), then let the watcher see it gone.
        const rest = subject.current ? subject.current.bytes.subarray(subject.current.written) : Buffer.alloc(0);
        if (subject.current) subject.lines.push(onDisk(subject.current.bytes));
        subject.current = null;
        const line = newLine(subject);
        await appendFile(`${subject.file}.away`, Buffer.concat([rest, line]));
        subject.lines.push(onDisk(line));
        await canaryRoundTrip();
      }
      await rename(`${subject.file}.away`, subject.file);
      subject.away = false;
      counts.renames++;
      return true;
    },
    deleteAndRecreate: async () => {
      const candidates = active().filter(usable);
      if (candidates.length === 0) return false;
      const subject = pick(candidates);
      await unlink(subject.file);
      if (random() < 0.5) await canaryRoundTrip(); // seen gone, or not: both must hold
      const { content, lines } = freshContent(subject, Math.floor(random() * 600), false);
      await writeFile(subject.file, content);
      subject.lines = lines;
      subject.current = null;
      counts.recreations++;
      return true;
    },
    newFile: async () => {
      const dir = random() < 0.5 ? pick(projectDirs) : path.join(projects, `-new-${counts.newFiles}`);
      if (lockedDirs.has(dir)) return false;
      await addSubject(path.join(dir, `n-${counts.newFiles}.jsonl`), 1 + Math.floor(random() * 4));
      counts.newFiles++;
      return true;
    },
    loop: async () => plant('loop', 'ELOOP', (file) => symlink(path.basename(file), file), () => counts.loops++),
    dangling: async () => plant('dangling', 'ENOENT', (file) => symlink('nowhere.jsonl', file), () => counts.danglingLinks++),
    fifo: async () => plant('fifo', 'ENOTREG', mkfifo, () => counts.fifos++),
    socket: async () => {
      // Socket paths are limited to ~100 bytes: keep it short.
      const file = path.join(projects, `-sock`, `k${counts.sockets}.jsonl`);
      await mkdir(path.dirname(file), { recursive: true });
      sockets.push(await listeningSocket(file));
      hostile.set(file, 'ENOTREG');
      counts.sockets++;
      return true;
    },
    folder: async () => {
      const dir = `${faultPath('folder')}.jsonl`;
      if (lockedDirs.has(path.dirname(dir))) return false;
      await mkdir(dir);
      // Sometimes a transcript inside: a folder is walked, whatever its name.
      if (random() < 0.5) await addSubject(path.join(dir, `inside-${faultCount}.jsonl`), 2);
      counts.folders++;
      return true;
    },
    rotate: async () => {
      // Log rotation: renamed to another transcript name, a new file made under the old one.
      const candidates = active().filter((s) => usable(s) && !s.locked);
      if (candidates.length === 0) return false;
      const subject = pick(candidates);
      const old = subject.file;
      const rotated = old.replace(/\.jsonl$/, `.r${counts.rotations}.jsonl`);
      await rename(old, rotated);
      subjects.delete(old);
      subject.file = rotated;
      subjects.set(rotated, subject);
      if (random() < 0.5) await canaryRoundTrip(); // seen renamed, or not: both must hold
      await addSubject(old, 1 + Math.floor(random() * 4));
      counts.rotations++;
      return true;
    },
    recreateFolder: async () => {
      // A project folder deleted and made again at once, with transcripts under the same names.
      const dir = pick(projectDirs);
      if (lockedDirs.has(dir)) return false;
      const inside = [...subjects.values()].filter((s) => s.file.startsWith(dir + path.sep));
      if (inside.some((s) => s.away)) return false;
      for (const subject of inside) subjects.delete(subject.file);
      // What was planted there goes with it.
      for (const entry of [...hostile.keys()]) if (entry.startsWith(dir + path.sep)) hostile.delete(entry);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir);
      for (const subject of inside.slice(0, 3)) {
        if (path.dirname(subject.file) === dir && subject.file.endsWith('.jsonl')) await addSubject(subject.file, 1 + Math.floor(random() * 3));
      }
      counts.folderRecreations++;
      return true;
    },
    rewriteSameSize: async () => {
      // Rewritten in place to the very same size, and given back its mtime (a sync tool on a
      // coarse-time file system): nothing but the content tells.
      const candidates = active().filter((s) => usable(s) && !s.locked && sizeOf(s) >= 120);
      if (candidates.length === 0) return false;
      const subject = pick(candidates);
      const size = sizeOf(subject);
      const { mtime } = await stat(fsPath(subject.file));
      const { content, lines } = contentOfSize(subject, size);
      const handle = await open(subject.file, 'r+');
      await handle.write(content, 0, content.length, 0);
      await handle.close();
      await utimes(fsPath(subject.file), mtime, mtime);
      subject.lines = lines;
      subject.current = null;
      counts.sameSizeRewrites++;
      return true;
    },
    oddName: async () => {
      const dir = pick(projectDirs);
      if (lockedDirs.has(dir)) return false;
      const bytes = Buffer.concat([Buffer.from(dir + path.sep), ODD_NAMES[counts.oddNames % ODD_NAMES.length], Buffer.from(`-${counts.oddNames}.jsonl`)]);
      await addSubject(decodeFileName(bytes), 1 + Math.floor(random() * 4));
      counts.oddNames++;
      return true;
    },
    alias: async () => {
      // A link back to the project folder itself, or to another project: read through neither.
      const dir = pick(projectDirs);
      if (lockedDirs.has(dir)) return false;
      const link = path.join(dir, `alias-${counts.aliases}`);
      const toSelf = counts.aliases % 2 === 0;
      const target = toSelf ? '.' : path.join('..', path.basename(pick(projectDirs.filter((other) => other !== dir))));
      await symlink(target, link);
      hostile.set(link, 'EALIAS');
      counts.aliases++;
      return true;
    },
    flipFile: async () => {
      const candidates = active().filter((s) => usable(s));
      if (candidates.length === 0) return false;
      const subject = pick(candidates);
      // Write-only for its owner: appends go on, reads fail with EACCES. Or back.
      subject.locked = !subject.locked;
      await chmod(subject.file, subject.locked ? 0o200 : 0o644);
      counts.permissionFlips++;
      return true;
    },
    replaceByFifo: async () => replaceBy('fifo'),
    replaceByLoop: async () => replaceBy('loop'),
    flipFolder: async () => {
      const dir = pick(projectDirs);
      if (lockedDirs.has(dir)) {
        await chmod(dir, 0o755);
        lockedDirs.delete(dir);
      } else {
        // Not listable; listable but not enterable; neither.
        await chmod(dir, pick([0o300, 0o600, 0o000]));
        lockedDirs.add(dir);
      }
      counts.permissionFlips++;
      return true;
    },
  };

  /** A new hostile entry `<name>-N.jsonl` in a project folder, to be named exactly once. */
  async function plant(name: string, code: string, make: (file: string) => unknown, count: () => void): Promise<boolean> {
    const file = `${faultPath(name)}.jsonl`;
    if (lockedDirs.has(path.dirname(file))) return false;
    await make(file);
    hostile.set(file, code);
    count();
    return true;
  }

  /** A followed transcript becomes a FIFO or a symlink loop under the same name: it must never be opened. */
  async function replaceBy(kind: 'fifo' | 'loop'): Promise<boolean> {
    // mkfifo(1) takes a name as text: a name that is not UTF-8 cannot be given to it.
    const candidates = active().filter((s) => usable(s) && !s.locked && (kind === 'loop' || !hasEscapedBytes(s.file)));
    if (candidates.length <= 2) return false;
    const subject = pick(candidates);
    // Counted before the entry exists: a walk may name it before `await symlink` resumes here.
    namedBefore.set(subject.file, problems.get(subject.file) ?? 0);
    await unlink(subject.file);
    if (kind === 'fifo') mkfifo(subject.file);
    else await symlink(fsPath(path.basename(subject.file)), fsPath(subject.file));
    subjects.delete(subject.file);
    hostile.set(subject.file, kind === 'fifo' ? 'ENOTREG' : 'ELOOP');
    if (kind === 'fifo') counts.fifos++;
    else counts.loops++;
    return true;
  }

  async function rewrite(shorter: boolean): Promise<boolean> {
    const candidates = active().filter((s) => usable(s) && !s.locked && (!shorter || sizeOf(s) > 40));
    if (candidates.length === 0) return false;
    const subject = pick(candidates);
    const size = sizeOf(subject);
    const target = shorter ? Math.floor(size * random()) : size + 1 + Math.floor(random() * 2000);
    const { content, lines } = freshContent(subject, target, shorter);
    // `writeFile` truncates and writes the same inode, as `>` in a shell does.
    await writeFile(subject.file, content);
    subject.lines = lines;
    subject.current = null;
    if (shorter) counts.rewritesShorter++;
    else counts.rewritesLonger++;
    return true;
  }

  // ---- the run -----------------------------------------------------------------------------

  /** Even the test's own file calls wait on the thread pool: if it is stuck, fail instead of waiting forever. */
  const bounded = async (work: () => Promise<void>): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new assert.AssertionError({ message: `seed ${options.seed}, ${step}: nothing moved for ${(3 * waitLimitMs) / 1000} s (is the thread pool blocked?)` })), 3 * waitLimitMs);
    });
    try {
      await Promise.race([work(), stuck]);
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    step = 'start';
    await bounded(() => watcher.start());
    await bounded(checkpoint);
    // Every kind once in a fixed order, then at random by weight; five FIFOs early and five
    // followed transcripts turned FIFOs, more than the thread pool has threads.
    const plan: Kind[] = [...KINDS, 'rotate', 'alias', 'oddName', 'oddName', 'oddName', 'oddName', 'fifo', 'fifo', 'fifo', 'fifo', 'replaceByFifo', 'replaceByFifo', 'replaceByFifo', 'replaceByFifo'];
    const totalWeight = KINDS.reduce((sum, kind) => sum + WEIGHTS[kind], 0);
    for (let i = 0; i < options.steps; i++) {
      let r = random() * totalWeight;
      plan.push(KINDS.find((kind) => (r -= WEIGHTS[kind]) < 0) ?? 'append');
    }
    for (const [index, kind] of plan.entries()) {
      step = `step ${index} (${kind})`;
      await bounded(async () => {
        if (!(await operations[kind]())) return;
        counts.steps++;
        if (FAULTS.has(kind)) await canaryRoundTrip();
        if ((index + 1) % checkEvery === 0) await checkpoint();
      });
    }
    step = 'the end';
    await bounded(checkpoint);

    // Every hostile entry named exactly once, and listed while it is there.
    const unlisted = () => {
      const listed = new Set(watcher.skippedEntries().map((entry) => `${entry.path}\0${entry.code}`));
      return [...hostile].filter(([file, code]) => !listed.has(`${file}\0${code}`)).map(([file, code]) => `${file} (${code})`);
    };
    await waitUntil('every hostile entry to be listed as skipped', () => unlisted().length === 0).catch((error: Error) => {
      throw new assert.AssertionError({ message: `${error.message}: ${unlisted().join(', ')}` });
    });
    counts.skippedAtEnd = watcher.skippedEntries().length;
    for (const file of hostile.keys()) {
      const named = (problems.get(file) ?? 0) - (namedBefore.get(file) ?? 0);
      assert.equal(named, 1, `seed ${options.seed}: ${file} named ${named} times`);
    }
    for (const [file, d] of deliveries) {
      assert.equal(d.tornSinceReset, 0, `seed ${options.seed}: ${file} delivered lines no writer wrote, and no reset followed`);
    }
    assert.equal(deliveryOf(canary.file).resets, 0, 'the canary was never reset');
    assert.deepEqual(violations, [], `seed ${options.seed}`);
    counts.transcripts = subjects.size;
    return counts;
  } finally {
    watcher.dispose();
    // Bounded: were a FIFO ever opened for reading, the thread pool would be stuck and this with it.
    const cleanUp = async () => {
      for (const socket of sockets) await socket.close();
      for (const dir of lockedDirs) await chmod(dir, 0o755).catch(() => {});
      await rm(root, { recursive: true, force: true });
    };
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([cleanUp(), new Promise((resolve) => (timer = setTimeout(resolve, waitLimitMs)))]);
    clearTimeout(timer);
  }
}
