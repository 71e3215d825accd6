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
