// Follows Claude Code's transcripts and turns their lines into API events: the start of the one-way
// flow files → lines → records → session. Shared by the editor and `claude-api-watch watch`.
import type { FormatCanary } from '../canary';
import { TranscriptEventReader } from '../eventReader';
import { ConfigDirError, SKIPPED_ON_PURPOSE } from '../files/discover';
import { displayPath } from '../files/fsPath';
import { TranscriptWatcher } from '../files/watcher';
import type { ApiEvent, WatchingState } from '../types';
import type { Disposable, Schedule } from '../events';

/** Where the messages of a session go: the editor's log channel, the CLI's stderr. */
export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}


export interface TranscriptSourceOptions {
  configDirs: readonly string[];
  lookbackMs: number;
  onEvent(event: ApiEvent): void;
  onWatching(state: WatchingState): void;
  log: SessionLog;
  now: () => number;
  schedule: Schedule;
  /** Counts the error lines that cannot be read (unknown shapes) and the versions seen; kept across restarts. */
  canary?: FormatCanary;
  /** While true, a success in any session is news (evidence the API answers again), not only one after a failure. */
  wantsAnySuccess?: () => boolean;
}

/** Starts following; disposing stops it. Injected into the session so tests feed events by hand. */
export type TranscriptSourceFactory = (options: TranscriptSourceOptions) => Disposable;

/** A config dir that does not exist yet appears when Claude Code first runs: look again this often. */
export const CONFIG_DIR_RETRY_MS = 30_000;

export const followTranscripts: TranscriptSourceFactory = (options) => {
  let watcher: TranscriptWatcher | null = null;
  let retry: Disposable | null = null;
  let lastProblem = '';
  let disposed = false;
  const state: WatchingState = { phase: 'reading', configDirs: options.configDirs, problem: null, transcripts: 0, lastLineAt: null };
  const publish = (change: Partial<WatchingState>) => {
    Object.assign(state, change);
    options.onWatching({ ...state });
  };

  const start = () => {
    state.transcripts = 0;
    const reader = new TranscriptEventReader(
      options.onEvent,
      (file, lineNumber, error) =>
        options.log.warn(`${displayPath(file)}:${lineNumber} looks like an API error line but is not JSON (${error.message}); later problems in this file are not logged`),
      options.canary,
      { wantsAnySuccess: options.wantsAnySuccess },
    );
    const current = new TranscriptWatcher([...options.configDirs], {
      lookbackMs: options.lookbackMs,
      onLine: (file, line, lineNumber, byteOffset) => {
        state.lastLineAt = options.now();
        reader.acceptLine(file, line, lineNumber, byteOffset);
      },
      onBatchEnd: (file, endOffset, nextLineNumber) => {
        reader.flush(file, endOffset, nextLineNumber);
        if (state.phase === 'live') publish({});
      },
      onFileGone: (file) => reader.forget(file),
      // What the reader held of it under the old name would be looked up there: it starts afresh
      // under the new one (mid-file, as for a file first seen with lines before).
      onFileMoved: (_file, from) => reader.forget(from),
      onFileSeen: () => void state.transcripts++,
      onProblem: (file, error) =>
        options.log.warn(`${SKIPPED_ON_PURPOSE.has((error as NodeJS.ErrnoException).code ?? '') ? 'Skipping' : 'Cannot read'} ${displayPath(file)}: ${error.message}`),
    });
    watcher = current;
    if (!lastProblem) {
      options.log.info(`Watching Claude Code transcripts in ${options.configDirs.join(', ')} (reading the last ${Math.round(options.lookbackMs / 3_600_000)} h first)`);
    }
    const startedAt = options.now();
    current.start().then(
      () => {
        if (disposed || watcher !== current) return;
        lastProblem = '';
        options.log.info(`Read recent transcripts in ${options.now() - startedAt} ms; following new lines`);
        publish({ phase: 'live', problem: null });
      },
      (error: unknown) => {
        if (disposed || watcher !== current) return;
        if (error instanceof ConfigDirError) {
          if (error.message !== lastProblem) {
            options.log.warn(`${error.message}. Set "claudeAPIWatch.configDir" if Claude Code keeps its files elsewhere; looking again every ${CONFIG_DIR_RETRY_MS / 1000} s.`);
          }
          lastProblem = error.message;
          publish({ phase: 'missing', problem: error.message });
          current.dispose();
          retry = options.schedule(() => {
            retry = null;
            if (!disposed) start();
          }, CONFIG_DIR_RETRY_MS);
        } else {
          options.log.error('Watching transcripts failed', error);
        }
      },
    );
  };

  start();
  return {
    dispose: () => {
      disposed = true;
      retry?.dispose();
      watcher?.dispose();
    },
  };
};
