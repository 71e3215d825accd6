// The one listener convention of src/core: `onX(listener)` returns a Disposable, as in VS Code.

export interface Disposable {
  dispose(): void;
}

/** A list of listeners; each call to `event` adds one and returns what removes it. */
export class Emitter<T> {
  readonly #listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): Disposable => {
    this.#listeners.add(listener);
    return { dispose: () => void this.#listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.#listeners]) listener(value);
  }

  dispose(): void {
    this.#listeners.clear();
  }
}

/** Schedules a callback after `delayMs`; returns what cancels it. Injected so tests control time. */
export type Schedule = (callback: () => void, delayMs: number) => Disposable;

/** Real timers that never keep a process (the CLI, a test) alive on their own. */
export const realSchedule: Schedule = (callback, delayMs) => {
  const timer = setTimeout(callback, Math.max(0, delayMs));
  timer.unref?.();
  return { dispose: () => clearTimeout(timer) };
};
