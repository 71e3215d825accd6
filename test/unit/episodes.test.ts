import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { episodeAround, familyOf, groupEpisodes } from '../../src/core/episodes';
import { failureEvent, retryEvent } from '../fixtures/report/cases';

function at(minute: number, second = 0): string {
  return new Date(Date.UTC(2026, 0, 15, 10, minute, second)).toISOString();
}

const a = retryEvent(1, { line: 1, timestamp: at(0) });
const b = failureEvent({ line: 2, timestamp: at(8) });
const c = retryEvent(1, { line: 3, timestamp: at(17), sessionId: 'other' });
const d = failureEvent({ line: 4, timestamp: at(40) });
const overloaded = retryEvent(1, { line: 5, timestamp: at(9), status: 529, failureClass: 'overloaded' });
const auth = failureEvent({ line: 6, timestamp: at(9), status: 401, failureClass: 'auth' });
const network = failureEvent({ line: 8, timestamp: at(12), status: null, failureClass: 'network' });
const undated = failureEvent({ line: 7, timestamp: null });

describe('familyOf', () => {
  it('puts server errors and overload in one family and every other class in its own', () => {
    assert.equal(familyOf('server'), 'anthropic');
    assert.equal(familyOf('overloaded'), 'anthropic');
    for (const other of ['rate_limit', 'auth', 'client', 'network', 'unknown'] as const) assert.equal(familyOf(other), other);
  });
});

describe('episodeAround', () => {
  it('chains events less than the quiet period apart around the chosen one, oldest first', () => {
    assert.deepEqual(episodeAround([d, c, b, a, undated], b), [a, b, c]);
    assert.deepEqual(episodeAround([a, b, c, d], d), [d]);
    assert.deepEqual(episodeAround([a, b, c, d], b, 5 * 60_000), [b]);
  });

  it('ends the episode at a gap of exactly the quiet period', () => {
    assert.deepEqual(episodeAround([a, b], b, 8 * 60_000), [b]);
    assert.deepEqual(episodeAround([a, b], b, 8 * 60_000 + 1), [a, b]);
  });

  it('keeps 500s and 529s together and other kinds of trouble apart', () => {
    assert.deepEqual(episodeAround([a, b, overloaded, auth], b), [a, b, overloaded]);
    assert.deepEqual(episodeAround([a, b, overloaded, auth], auth), [auth]);
  });

  it('finds the chosen event by its line even as a copy, and leaves it alone when it has no time', () => {
    assert.equal(episodeAround([a, b, c], { ...b }).length, 3);
    assert.deepEqual(episodeAround([a, b, undated], undated), [undated]);
  });
});

describe('groupEpisodes', () => {
  it('splits every family into its own runs, ordered by start', () => {
    const episodes = groupEpisodes([d, network, auth, c, overloaded, b, a, undated]);
    assert.deepEqual(
      episodes.map((episode) => [episode.family, episode.events.map((event) => event.line)]),
      [
        ['anthropic', [1, 2, 5, 3]],
        ['auth', [6]],
        ['network', [8]],
        ['anthropic', [4]],
      ],
    );
    assert.equal(episodes[0].startAt, Date.parse(at(0)));
    assert.equal(episodes[0].endAt, Date.parse(at(17)));
  });

  it('gives nothing for nothing, and leaves out events without a time', () => {
    assert.deepEqual(groupEpisodes([]), []);
    assert.deepEqual(groupEpisodes([undated]), []);
  });

  it('agrees with episodeAround for every event', () => {
    const all = [a, b, c, d, overloaded, auth, network];
    for (const episode of groupEpisodes(all)) {
      for (const event of episode.events) assert.deepEqual(episodeAround(all, event), episode.events);
    }
  });
});
