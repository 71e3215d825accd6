// Plan limits as the user should read them: which window, and when it resets. Pure: the clock and
// the time zone come in as inputs, so the CLI, the report and the status bar say the same thing.

const NUMBER_WORDS: Readonly<Record<string, string>> = {
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  twelve: '12',
  thirty: '30',
};

/**
 * `quotaLimits.rateLimitType` → a window as people say it: `five_hour` → `5-hour`, `seven_day` →
 * `7-day`, `seven_day_opus` → `7-day Opus`. Anything else is shown as written, underscores as spaces,
 * without characters that could mean something in Markdown.
 */
export function limitWindowLabel(rateLimitType: string): string {
  const match = /^([a-z]+|\d+)_(minute|hour|day|week|month)s?(?:_([a-z0-9_]+))?$/i.exec(rateLimitType);
  const count = match ? (NUMBER_WORDS[match[1].toLowerCase()] ?? (/^\d+$/.test(match[1]) ? match[1] : null)) : null;
  // Anything else is transcript text: only letters, digits, spaces and hyphens go on to a report.
  if (!match || count === null) return rateLimitType.replace(/_/g, ' ').replace(/[^A-Za-z0-9 -]/g, '').slice(0, 40).trim() || 'unknown';
  const scope = match[3] ? ` ${match[3].replace(/_/g, ' ').replace(/\b[a-z]/g, (c) => c.toUpperCase())}` : '';
  return `${count}-${match[2].toLowerCase()}${scope}`;
}

/** A plan limit's window as its wording names it, when the line has no `quotaLimits`. */
export interface WordedLimit {
  window: string;
  /** A per-model credit cap or spent credits: waiting does not lift it (no reset to promise). */
  creditCap: boolean;
}

const MODEL_NAME = /^[A-Za-z][A-Za-z0-9 .-]{0,39}$/;

/**
 * `You've hit your session limit · resets 5:40pm` → `5-hour`; `weekly limit` → `7-day` (`weekly Opus
 * limit` → `7-day Opus`); `monthly spend limit` / `org's monthly usage limit` → `monthly spend`;
 * `You've reached your Fable 5 limit · /usage-credits or /model` → `Fable 5 credits`, a cap that no
 * reset lifts; `You're out of usage credits` / `Fable 5 requires usage credits` → `usage credits`.
 * Only the head of a failure's text is given; null when it names no window.
 */
export function wordedLimit(head: string): WordedLimit | null {
  const text = head.slice(0, 400);
  if (/\bsession limit\b/i.test(text)) return { window: '5-hour', creditCap: false };
  const weekly = /\bweekly (?:([a-z]+) )?limit\b/i.exec(text);
  if (weekly) return { window: weekly[1] ? `7-day ${weekly[1][0].toUpperCase()}${weekly[1].slice(1).toLowerCase()}` : '7-day', creditCap: false };
  if (/\bmonthly (?:spend|usage|spending) limit\b/i.test(text)) return { window: 'monthly spend', creditCap: false };
  const model = /\breached your ([^·]{1,60}?) limit\b/i.exec(text);
  if (model) {
    const name = model[1].trim();
    if (!/^(?:usage|rate|session|weekly|monthly|spend|plan)\b/i.test(name) && MODEL_NAME.test(name)) return { window: `${name} credits`, creditCap: true };
  }
  if (/\bout of usage credits\b|\brequires usage credits\b|\busage credits (?:are )?required\b/i.test(text)) return { window: 'usage credits', creditCap: true };
  return null;
}

/** Epoch seconds (or milliseconds, from writers that use them) → ISO 8601, or null when not a time. */
export function resetTimeFromEpoch(value: number): string | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  const ms = value > 1e12 ? value : value * 1000;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** What a plan-limit failure says about its window and reset (fields of an event or a record). */
export interface PlanLimitFacts {
  limitWindow?: string | null;
  resetsAt?: string | null;
}

/**
 * `plan limit (5-hour) · resets 17:40, in 2 h 5 min`; `plan limit · reset at 17:40` once past;
 * `plan limit (7-day)` without a reset time. Times in `timeZone` (default: this machine's), 24-hour.
 */
export function describePlanLimit(facts: PlanLimitFacts, now: Date, timeZone?: string): string {
  const head = facts.limitWindow ? `plan limit (${facts.limitWindow})` : 'plan limit';
  const at = facts.resetsAt ? Date.parse(facts.resetsAt) : NaN;
  if (Number.isNaN(at)) return head;
  const clock = formatClock(new Date(at), now, timeZone);
  const remaining = at - now.getTime();
  if (remaining <= 0) return `${head} · reset at ${clock}`;
  return `${head} · resets ${clock}, in ${formatRemaining(remaining)}`;
}

/** `17:40`, or `Tue 17:40` when the reset is not today in that zone. */
function formatClock(at: Date, now: Date, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    zone = undefined; // an unknown zone name: this machine's
  }
  const time = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: zone }).format(at);
  const day = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  if (day(at) === day(now)) return time;
  const weekday = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short' }).format(at);
  return `${weekday} ${time}`;
}

/** `2 h 5 min`, `45 min`, `3 d 4 h`, `less than a minute`. */
function formatRemaining(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/**
 * The reset as Claude Code words it, for a plan limit without `quotaLimits`: `resets 5:40pm` from
 * `You've hit your session limit · resets 5:40pm (Europe/Madrid)` (the zone left out: space is short).
 */
export function resetPhraseIn(wording: string | null | undefined): string | null {
  const match = wording ? /\bresets\s+([^·()]{1,30})/i.exec(wording.slice(0, 2000)) : null;
  const when = match?.[1].trim();
  return when ? `resets ${when}` : null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_MS = 86_400_000;

/**
 * When a plan limit resets, read from Claude Code's wording when the line has no `quotaLimits`:
 * `resets 5:40pm (Europe/Madrid)`, `resets 17:40`, `resets Oct 9, 10am (America/New_York)`. The
 * first such moment after the failure (`failedAt`, epoch ms), in the zone named (else `timeZone`,
 * else this machine's); epoch ms, or null when the wording names no reset time.
 */
export function resetTimeFromWording(wording: string | null | undefined, failedAt: number, timeZone?: string): number | null {
  if (!wording || !Number.isFinite(failedAt)) return null;
  const match = /\bresets\s+(?:at\s+)?(?:([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(?:at\s+)?)?(\d{1,2})(?::(\d{2}))?(?: ?([ap]\.?m\b\.?))?(?: ?\(([\w/+-]{1,40})\))?/i.exec(wording.slice(0, 2000));
  if (!match) return null;
  const [, monthName, dayText, hourText, minuteText, meridiem, zoneName] = match;
  let hour = Number(hourText);
  const minute = minuteText ? Number(minuteText) : 0;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (/^p/i.test(meridiem) ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return null;
  const zone = knownZone(zoneName) ?? knownZone(timeZone);
  const today = wallDate(failedAt, zone);
  if (monthName) {
    const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase());
    const day = Number(dayText);
    if (month < 0 || day < 1 || day > 31) return null;
    // This year's date, or next year's when that is already well past (a reset is never long before the failure).
    for (const year of [today.year, today.year + 1]) {
      const at = wallClockToEpoch(year, month, day, hour, minute, zone);
      if (at > failedAt - DAY_MS) return at;
    }
    return null;
  }
  // A time of day alone: the next time the clock shows it after the failure.
  for (let days = 0; days <= 2; days++) {
    const date = new Date(Date.UTC(today.year, today.month, today.day + days));
    const at = wallClockToEpoch(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), hour, minute, zone);
    if (at > failedAt) return at;
  }
  return null;
}

/** The window a plan limit's wording names (`session limit` → `5-hour`, `weekly limit` → `7-day`, see `wordedLimit`); else null. */
export function limitWindowFromWording(wording: string | null | undefined): string | null {
  return wording ? (wordedLimit(wording)?.window ?? null) : null;
}

/**
 * `You've reached your <model> limit · /usage-credits or /model`, `You're out of usage credits`: a
 * credit cap, which waiting does not lift (no reset to tell of).
 */
export function isCreditCap(wording: string | null | undefined): boolean {
  return !!wording && !/\bresets\b/i.test(wording) && wordedLimit(wording)?.creditCap === true;
}

/** `zone` when this runtime knows it, else undefined (this machine's zone). */
function knownZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** The calendar date at `at` in `zone` (month 0-based). */
function wallDate(at: number, zone: string | undefined): { year: number; month: number; day: number } {
  const parts = wallParts(at, zone);
  return { year: parts.year, month: parts.month, day: parts.day };
}

function wallParts(at: number, zone: string | undefined): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const formatted = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(formatted.find((p) => p.type === type)?.value ?? 0);
  return { year: part('year'), month: part('month') - 1, day: part('day'), hour: part('hour') % 24, minute: part('minute'), second: part('second') };
}

/** How far `zone`'s clock is ahead of UTC at `at`. */
function zoneOffsetMs(at: number, zone: string | undefined): number {
  const p = wallParts(at, zone);
  return Date.UTC(p.year, p.month, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
}

/** The instant `zone`'s clock shows this date and time (the later one across a clock change). */
function wallClockToEpoch(year: number, month: number, day: number, hour: number, minute: number, zone: string | undefined): number {
  const asUtc = Date.UTC(year, month, day, hour, minute);
  const first = asUtc - zoneOffsetMs(asUtc, zone);
  return asUtc - zoneOffsetMs(first, zone);
}

/** What a failure says about its plan limit's reset (fields of an event). */
export interface PlanLimitReset {
  failureClass: string;
  timestamp: string | null;
  resetsAt?: string | null;
  wording?: string | null;
  message: string;
}

/**
 * When a plan limit resets (epoch ms): `quotaLimits.resetsAt`, else the time Claude Code's wording
 * names; null for anything else, and for a per-model credit cap, which has no reset.
 */
export function planLimitResetAt(failure: PlanLimitReset, timeZone?: string): number | null {
  if (failure.failureClass !== 'rate_limit') return null;
  const text = failure.wording ?? failure.message;
  if (isCreditCap(text)) return null;
  const fromQuota = failure.resetsAt ? Date.parse(failure.resetsAt) : NaN;
  if (Number.isFinite(fromQuota)) return fromQuota;
  return resetTimeFromWording(text, Date.parse(failure.timestamp ?? ''), timeZone);
}
