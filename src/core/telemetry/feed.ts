// What the team view counts, decided here without OpenTelemetry (the SDK is loaded only when a way
// out is on, see lazy/metricsExport.ts): each new failure and retry, each episode when it begins and
// how long it lasted when it ends (episodes.ts: one family, gaps under the quiet period), each
// episode that an incident on Anthropic's status page covered, and the state the status bar shows.
// Only the kind of trouble goes out (class, status, family, state, an incident's impact): never a
// request ID, path, project, session or user name, so a team's backend sees no private data and a
// bounded set of series; `team.member` only when the user sets one.
import { eventTime, familyOf, type EpisodeFamily } from '../episodes';
import type { Disposable, Schedule } from '../events';
import type { AnthropicStatus } from '../health/statusPage';
import { incidentMatters } from '../history/history';
import type { ApiFailureEvent } from '../types';
import { ATTRIBUTES, type Attributes, type GaugeReading, type MetricsSink } from './names';

export interface TelemetryFeedOptions {
  sink: MetricsSink;
  now: () => number;
  schedule: Schedule;
  /** The user's quiet period: it ends an episode, as everywhere else. */
  quietPeriodMs: () => number;
  teamMember: string | null;
}

interface OpenEpisode {
  family: EpisodeFamily;
  startAt: number;
  endAt: number;
  matched: boolean;
}

/** Lines remembered so one read twice (a rescan, a truncated and rewritten file) counts once. */
const SEEN_LIMIT = 10_000;

export class TelemetryFeed implements Disposable {
  readonly #options: TelemetryFeedOptions;
  readonly #open = new Map<EpisodeFamily, OpenEpisode>();
  readonly #seen = new Set<string>();
  #reading: GaugeReading = { state: 'healthy', affectedSessions: 0 };
  #status: AnthropicStatus | null = null;
  #timer: Disposable | null = null;
  #disposed = false;

  constructor(options: TelemetryFeedOptions) {
    this.#options = options;
  }

  /** The labels every measurement carries. */
  #base(): Attributes {
    return this.#options.teamMember !== null ? { [ATTRIBUTES.teamMember]: this.#options.teamMember } : {};
  }

  /** A failure or retry newly written to a transcript (not the backlog read at start). */
  event(event: ApiFailureEvent): void {
    if (this.#disposed) return;
    const id = event.uuid ?? `${event.file}:${event.line}`;
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value!);
    const family = familyOf(event.failureClass);
    const attributes: Attributes = { ...this.#base(), [ATTRIBUTES.failureClass]: event.failureClass, [ATTRIBUTES.family]: family };
    if (event.status !== null) attributes[ATTRIBUTES.status] = event.status;
    if (event.kind === 'retry') this.#options.sink.retry(attributes);
    else this.#options.sink.failure(attributes);
    this.#extendEpisode(family, eventTime(event) ?? this.#options.now());
  }

  /** The session's state: the gauges, and the status page's incidents for open episodes. */
  state(reading: GaugeReading, status: AnthropicStatus | null): void {
    if (this.#disposed) return;
    this.#reading = reading;
    this.#status = status;
    for (const episode of this.#open.values()) this.#matchIncident(episode);
  }

  reading(): GaugeReading {
    return this.#reading;
  }

  /** Episodes still open end now (the process is stopping): their length so far is recorded. */
  dispose(): void {
    if (this.#disposed) return;
    this.#closeEpisodes(Number.POSITIVE_INFINITY);
    this.#disposed = true;
    this.#timer?.dispose();
    this.#timer = null;
  }

  #extendEpisode(family: EpisodeFamily, at: number): void {
    const quiet = this.#options.quietPeriodMs();
    let episode = this.#open.get(family);
    if (episode && at - episode.endAt >= quiet) {
      this.#end(episode);
      episode = undefined;
    }
    if (!episode) {
      episode = { family, startAt: at, endAt: at, matched: false };
      this.#open.set(family, episode);
      this.#options.sink.episodeStarted({ ...this.#base(), [ATTRIBUTES.family]: family });
      this.#matchIncident(episode);
    } else {
      // Lines of several sessions arrive out of order: an episode spans the earliest to the latest.
      episode.startAt = Math.min(episode.startAt, at);
      episode.endAt = Math.max(episode.endAt, at);
    }
    this.#reschedule();
  }

  /** The status page lists an unresolved incident while an episode it may explain is open. */
  #matchIncident(episode: OpenEpisode): void {
    const status = this.#status;
    if (episode.matched || !incidentMatters(episode.family) || status?.kind !== 'reported' || status.incidents.length === 0) return;
    episode.matched = true;
    const impacts = ['critical', 'major', 'minor', 'none'];
    const impact = impacts.find((candidate) => status.incidents.some((incident) => incident.impact === candidate)) ?? 'none';
    this.#options.sink.incidentMatched({ ...this.#base(), [ATTRIBUTES.family]: episode.family, [ATTRIBUTES.incidentImpact]: impact });
  }

  #end(episode: OpenEpisode): void {
    this.#open.delete(episode.family);
    this.#options.sink.episodeEnded(Math.max(0, episode.endAt - episode.startAt) / 1000, {
      ...this.#base(),
      [ATTRIBUTES.family]: episode.family,
      [ATTRIBUTES.incidentMatched]: episode.matched,
    });
  }

  /** Ends the episodes quiet since `quiet` before `now` (all of them for +∞). */
  #closeEpisodes(now: number): void {
    const quiet = this.#options.quietPeriodMs();
    for (const episode of [...this.#open.values()]) if (now === Number.POSITIVE_INFINITY || now - episode.endAt >= quiet) this.#end(episode);
  }

  /** One timer: the moment the quietest open episode ends. */
  #reschedule(): void {
    this.#timer?.dispose();
    this.#timer = null;
    if (this.#open.size === 0) return;
    const quiet = this.#options.quietPeriodMs();
    const due = Math.min(...[...this.#open.values()].map((episode) => episode.endAt + quiet));
    this.#timer = this.#options.schedule(
      () => {
        this.#timer = null;
        this.#closeEpisodes(this.#options.now());
        this.#reschedule();
      },
      Math.max(1_000, due - this.#options.now()),
    );
  }
}
