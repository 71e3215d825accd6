// Follows Claude Code's transcripts and turns their lines into API events for the tracker.
import * as vscode from 'vscode';
import { TranscriptEventReader } from '../core/eventReader';
import { ConfigDirError } from '../core/files/discover';
import { TranscriptWatcher } from '../core/files/watcher';
import type { ApiEvent } from '../core/types';

/** A config dir that does not exist yet appears when Claude Code first runs: look again this often. */
const CONFIG_DIR_RETRY_MS = 30_000;

export class TranscriptMonitor implements vscode.Disposable {
  private watcher: TranscriptWatcher | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The config-dir problem last logged: a retry that meets the same one stays quiet. */
  private lastProblem = '';

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly onEvent: (event: ApiEvent) => void,
  ) {}

  /**
   * (Re)starts following `configDirs`. Returns at once: the backlog of the lookback window is
   * read in the background so activation never waits on the disk.
   */
  start(configDirs: string[], lookbackMs: number): void {
    this.stop();
    const reader = new TranscriptEventReader(this.onEvent, (file, lineNumber, error) =>
      this.log.warn(`${file}:${lineNumber} looks like an API error line but is not JSON (${error.message}); later problems in this file are not logged`),
    );
    const watcher = new TranscriptWatcher(configDirs, {
      lookbackMs,
      onLine: (file, line, lineNumber, byteOffset) => reader.acceptLine(file, line, lineNumber, byteOffset),
      onBatchEnd: (file, endOffset, nextLineNumber) => reader.flush(file, endOffset, nextLineNumber),
      onFileGone: (file) => reader.forget(file),
      onProblem: (file, error) => this.log.warn(`Cannot read ${file}: ${error.message}`),
    });
    this.watcher = watcher;
    if (!this.lastProblem) this.log.info(`Watching Claude Code transcripts in ${configDirs.join(', ')} (reading the last ${Math.round(lookbackMs / 3_600_000)} h first)`);
    const startedAt = Date.now();
    watcher.start().then(
      () => {
        this.lastProblem = '';
        if (this.watcher === watcher) this.log.info(`Read recent transcripts in ${Date.now() - startedAt} ms; following new lines`);
      },
      (error: unknown) => {
        if (this.watcher !== watcher) return;
        if (error instanceof ConfigDirError) {
          if (error.message !== this.lastProblem) this.log.warn(`${error.message}. Set "claudeApiWatch.configDir" if Claude Code keeps its files elsewhere; looking again every ${CONFIG_DIR_RETRY_MS / 1000} s.`);
          this.lastProblem = error.message;
          this.retryTimer = setTimeout(() => this.start(configDirs, lookbackMs), CONFIG_DIR_RETRY_MS);
        } else {
          this.log.error('Watching transcripts failed', error);
        }
      },
    );
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    this.watcher?.dispose();
    this.watcher = null;
  }

  dispose(): void {
    this.stop();
  }
}
