// Episodes: the one definition of "an outage" (ARCHITECTURE.md §1.2), shared by the status bar's count, the
// bug report and the history. An episode is a run of failures and retries of one family, each
// less than the quiet period after the one before it.
import type { ApiFailureEvent, FailureClass } from './types';

/**
 * Kinds of trouble that form one episode together. `anthropic` (server and overloaded) is an
 * outage on Anthropic's side; the others are the user's own problems, each on its own.
 */
export type EpisodeFamily = 'anthropic' | 'rate_limit' | 'auth' | 'network' | 'client' | 'unknown';

/** `claudeAPIWatch.quietPeriodMinutes`' default. */
export const DEFAULT_QUIET_PERIOD_MS = 10 * 60_000;

export function familyOf(failureClass: FailureClass): EpisodeFamily {
  return failureClass === 'server' || failureClass === 'overloaded' ? 'anthropic' : failureClass;
}

export interface Episode {
  family: EpisodeFamily;
  /** Failures and retries, oldest first. */
  events: ApiFailureEvent[];
  /** Epoch ms of the first and the last event. */
  startAt: number;
  endAt: number;
}

/** Epoch ms of an event, or null when it has no usable timestamp (it cannot be placed in time). */
export function eventTime(event: ApiFailureEvent): number | null {
  if (!event.timestamp) return null;
  const time = Date.parse(event.timestamp);
  return Number.isFinite(time) ? time : null;
}

/** Two readings of one line (a rescan, a copy) are one event. */
function sameLine(a: ApiFailureEvent, b: ApiFailureEvent): boolean {
  return a === b || (a.file === b.file && a.line === b.line);
}

interface Timed {
  event: ApiFailureEvent;
  at: number;
  order: number;
}

/** Oldest first; equal times keep their order in the input. */
function byTime(events: readonly ApiFailureEvent[]): Timed[] {
  const timed: Timed[] = [];
  events.forEach((event, order) => {
    const at = eventTime(event);
    if (at !== null) timed.push({ event, at, order });
  });
  return timed.sort((a, b) => a.at - b.at || a.order - b.order);
}

/**
 * Every episode in `events` (any order), oldest first by start. Events without a time are left
 * out: they cannot be placed in any run.
 */
export function groupEpisodes(events: readonly ApiFailureEvent[], quietPeriodMs: number = DEFAULT_QUIET_PERIOD_MS): Episode[] {
  const open = new Map<EpisodeFamily, Episode>();
  const episodes: Episode[] = [];
  for (const { event, at } of byTime(events)) {
    const family = familyOf(event.failureClass);
    let episode = open.get(family);
    if (!episode || at - episode.endAt >= quietPeriodMs) {
      episode = { family, events: [], startAt: at, endAt: at };
      open.set(family, episode);
      episodes.push(episode);
    }
    episode.events.push(event);
    episode.endAt = at;
  }
  return episodes;
}

/**
 * The events of `chosen`'s episode, oldest first. `chosen` is found by its line, so a copy works;
 * without a time it stands alone.
 */
export function episodeAround(
  events: readonly ApiFailureEvent[],
  chosen: ApiFailureEvent,
  quietPeriodMs: number = DEFAULT_QUIET_PERIOD_MS,
): ApiFailureEvent[] {
  if (eventTime(chosen) === null) return [chosen];
  const family = familyOf(chosen.failureClass);
  const pool = [chosen, ...events.filter((event) => !sameLine(event, chosen) && familyOf(event.failureClass) === family)];
  const episode = groupEpisodes(pool, quietPeriodMs).find((candidate) => candidate.events.includes(chosen));
  return episode ? episode.events : [chosen];
}
