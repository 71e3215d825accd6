// The format canary. Claude Code changes its transcript format without notice (ARCHITECTURE.md §1.1): a line
// that carries an error marker but cannot be read must be visible — counted per Claude Code
// version, described by its key skeleton (keys and JSON types, never values), offered for a
// report — never silently dropped. And transcripts from a Claude Code newer than this release
// knows are worth one line in the log.
//
// Cost: the canary sees only the lines the reader has already matched by marker and parsed, so
// the scan's pre-filter is unchanged; a skeleton is built only for lines that are unknown.

/** The newest Claude Code version this release was checked against. Update it at release. */
export const NEWEST_KNOWN_CLAUDE_CODE_VERSION = '2.1.278';

/** Compare dotted versions numerically (`2.1.9` < `2.1.10`); pre-release tails are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[-+]/, 1)[0].split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}

/** A Claude Code version as it appears in the `version` field: digits and dots (a tail after `-`). */
export function isVersion(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^\d{1,4}(?:\.\d{1,6}){1,3}(?:[-+][0-9A-Za-z.-]{1,40})?$/.test(value);
}

const SKELETON_MAX_DEPTH = 4;
const SKELETON_MAX_KEYS = 40;
const SKELETON_MAX_LENGTH = 1500;
/** Keys that read as field names; any other key (a path, an ID, text) is shown as `<key>`. */
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]{0,39}$/;

/**
 * The shape of a JSON value with no value in it: `{error:{message:string,status:number},type:string}`.
 * Keys sorted, arrays as the union of their elements' shapes, depth and width capped. A key that
 * does not look like a field name (it could be data) becomes `<key>`.
 */
export function keySkeleton(value: unknown, depth = 0): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (depth >= SKELETON_MAX_DEPTH) return '[…]';
    const shapes = [...new Set(value.slice(0, 20).map((item) => keySkeleton(item, depth + 1)))].sort();
    return `[${shapes.join('|')}]`;
  }
  if (typeof value === 'object') {
    if (depth >= SKELETON_MAX_DEPTH) return '{…}';
    const fields = new Map<string, string>();
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const name = PLAIN_KEY.test(key) ? key : '<key>';
      const shape = keySkeleton(item, depth + 1);
      const known = fields.get(name);
      fields.set(name, known && known !== shape ? [...new Set([...known.split('|'), shape])].sort().join('|') : shape);
    }
    const names = [...fields.keys()].sort();
    const shown = names.slice(0, SKELETON_MAX_KEYS).map((name) => `${name}:${fields.get(name)}`);
    if (names.length > SKELETON_MAX_KEYS) shown.push(`…${names.length - SKELETON_MAX_KEYS} more`);
    const text = `{${shown.join(',')}}`;
    return depth === 0 && text.length > SKELETON_MAX_LENGTH ? `${text.slice(0, SKELETON_MAX_LENGTH - 1)}…` : text;
  }
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? typeof value : 'unknown';
}

export interface UnknownShape {
  /** The key skeleton: keys and JSON types only. */
  skeleton: string;
  count: number;
  /** Lines of this shape by the Claude Code version that wrote them (`unknown` when none). */
  versions: Record<string, number>;
  /** Where it was first seen (local only: never put in a report). */
  firstSeen: { file: string; line: number };
}

export interface CanarySnapshot {
  /** Lines with an error marker that could not be read, in all. */
  unknownLines: number;
  /** The same by Claude Code version (`unknown` when the line has none). */
  unknownByVersion: Record<string, number>;
  /** One entry per distinct skeleton, most frequent first. */
  shapes: UnknownShape[];
  /** The newest Claude Code versions seen on the lines read, newest first (at most 5). */
  newestVersionsSeen: string[];
  /** Versions seen that are newer than `NEWEST_KNOWN_CLAUDE_CODE_VERSION`, newest first. */
  newerThanKnown: string[];
  newestKnownVersion: string;
}

export interface CanaryListener {
  /** A skeleton seen for the first time (once per shape). */
  onNewShape?(shape: UnknownShape, version: string | null): void;
  /** The first line from a Claude Code newer than this release knows (once). */
  onNewerVersion?(version: string, newestKnown: string): void;
}

const MAX_SHAPES = 50;
const MAX_VERSIONS = 200;

export class FormatCanary {
  private readonly shapes = new Map<string, UnknownShape>();
  private readonly unknownByVersion = new Map<string, number>();
  private readonly versions = new Set<string>();
  private unknownLines = 0;
  private newerAnnounced = false;

  constructor(
    private readonly listener: CanaryListener = {},
    private readonly newestKnown = NEWEST_KNOWN_CLAUDE_CODE_VERSION,
  ) {}

  /** A Claude Code version seen on a line that was read. */
  noteVersion(version: string | null): void {
    // Most lines repeat a version already seen: the set answers before the pattern is tried.
    if (version === null || this.versions.has(version) || !isVersion(version)) return;
    if (this.versions.size < MAX_VERSIONS) this.versions.add(version);
    if (!this.newerAnnounced && compareVersions(version, this.newestKnown) > 0) {
      this.newerAnnounced = true;
      this.listener.onNewerVersion?.(version, this.newestKnown);
    }
  }

  /** A parsed line with an error marker that the reader could not read (see `isUnknownErrorShape`). */
  noteUnknown(value: unknown, location: { file: string; line: number }): void {
    const rawVersion = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).version : null;
    const version = isVersion(rawVersion as string) ? (rawVersion as string) : null;
    this.noteVersion(version);
    const versionKey = version ?? 'unknown';
    this.unknownLines++;
    this.unknownByVersion.set(versionKey, (this.unknownByVersion.get(versionKey) ?? 0) + 1);
    const skeleton = keySkeleton(value);
    let shape = this.shapes.get(skeleton);
    if (!shape) {
      if (this.shapes.size >= MAX_SHAPES) return; // counted above; no room for one more skeleton
      shape = { skeleton, count: 0, versions: {}, firstSeen: { ...location } };
      this.shapes.set(skeleton, shape);
      shape.count = 1;
      shape.versions[versionKey] = 1;
      this.listener.onNewShape?.(shape, version);
      return;
    }
    shape.count++;
    shape.versions[versionKey] = (shape.versions[versionKey] ?? 0) + 1;
  }

  /** Lines with an error marker that could not be read so far (cheap: for a status line). */
  get unknownLineCount(): number {
    return this.unknownLines;
  }

  snapshot(): CanarySnapshot {
    const versions = [...this.versions].sort((a, b) => compareVersions(b, a));
    return {
      unknownLines: this.unknownLines,
      unknownByVersion: Object.fromEntries(this.unknownByVersion),
      shapes: [...this.shapes.values()]
        .map((shape) => ({ ...shape, versions: { ...shape.versions }, firstSeen: { ...shape.firstSeen } }))
        .sort((a, b) => b.count - a.count),
      newestVersionsSeen: versions.slice(0, 5),
      newerThanKnown: versions.filter((v) => compareVersions(v, this.newestKnown) > 0),
      newestKnownVersion: this.newestKnown,
    };
  }
}

/** `3 lines in a shape this release cannot read (Claude Code 2.1.250: 3)`, or null when there are none. */
export function describeUnknownShapes(snapshot: CanarySnapshot): string | null {
  if (snapshot.unknownLines === 0) return null;
  const byVersion = Object.entries(snapshot.unknownByVersion)
    .sort(([a], [b]) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : compareVersions(b, a)))
    .map(([version, count]) => `${version === 'unknown' ? 'no version' : version}: ${count}`)
    .join(', ');
  const lines = snapshot.unknownLines === 1 ? '1 error line' : `${snapshot.unknownLines} error lines`;
  const shapes = snapshot.shapes.length === 1 ? '1 shape' : `${snapshot.shapes.length} shapes`;
  return `${lines} in ${shapes} this release cannot read (Claude Code ${byVersion})`;
}
