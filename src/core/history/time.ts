// Calendar arithmetic in a named time zone (IANA, e.g. `Europe/Berlin`), for the history's buckets.
// A "day" is a local day: 23 or 25 hours long on daylight-saving changes, starting at the first
// instant whose local date is that day. Nothing here depends on the machine's own zone.

export type BucketSize = 'hour' | 'day';

const HOUR_MS = 3_600_000;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError naming the zone when it is not one the runtime knows. */
export function checkTimeZone(timeZone: string): void {
  try {
    formatterFor(timeZone);
  } catch {
    throw new RangeError(`unknown time zone '${timeZone}'`);
  }
}

/** The machine's zone, as the editor and the CLI show local times. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Local time minus UTC at `ms`, in ms. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const wall = wallClock(ms, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The start of the local hour holding `ms` (zones a half hour off UTC start hours at :30 UTC). */
export function startOfHour(ms: number, timeZone: string): number {
  const wall = wallClock(ms, timeZone);
  return ms - (((ms % 1000) + 1000) % 1000) - wall.second * 1000 - wall.minute * 60_000;
}

/** The first instant of the local day holding `ms`. */
export function startOfDay(ms: number, timeZone: string): number {
  const wall = wallClock(ms, timeZone);
  const midnightAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day);
  // Two passes find the instant whose local wall time is midnight with the offset in force then.
  let guess = midnightAsUtc - zoneOffsetMs(midnightAsUtc, timeZone);
  guess = midnightAsUtc - zoneOffsetMs(guess, timeZone);
  // Where midnight does not exist (a spring-forward at 00:00) the day starts at the first instant after the gap.
  const atGuess = wallClock(guess, timeZone);
  if (atGuess.day !== wall.day) {
    const shortfall = (24 - atGuess.hour) * HOUR_MS - atGuess.minute * 60_000 - atGuess.second * 1000;
    guess += shortfall;
  }
  return Math.min(guess, startOfHour(ms, timeZone));
}

export function startOfBucket(ms: number, size: BucketSize, timeZone: string): number {
  return size === 'hour' ? startOfHour(ms, timeZone) : startOfDay(ms, timeZone);
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucketStart(start: number, size: BucketSize, timeZone: string): number {
  // A local day lasts 23 to 25 hours: 26 hours on is always inside the next one.
  return size === 'hour' ? start + HOUR_MS : startOfDay(start + 26 * HOUR_MS, timeZone);
}

/**
 * The starts of every bucket from the one holding `fromMs` to the one holding `untilMs`, oldest
 * first; empty when `fromMs > untilMs`.
 */
export function bucketStarts(fromMs: number, untilMs: number, size: BucketSize, timeZone: string): number[] {
  if (!(fromMs <= untilMs)) return [];
  const starts: number[] = [];
  for (let start = startOfBucket(fromMs, size, timeZone); start <= untilMs; start = nextBucketStart(start, size, timeZone)) {
    starts.push(start);
  }
  return starts;
}

/** `2026-03-29 01:00` in the zone (local wall time, no seconds). */
export function formatLocal(ms: number, timeZone: string): string {
  const wall = wallClock(ms, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** A duration for people: `45 s`, `22 min`, `3 h 05 min`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
