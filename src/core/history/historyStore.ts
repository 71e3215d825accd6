// Where the editor gets its history from: the persistent index, built the first time in a worker
// thread (with progress) and then kept up to date in place, reading only new bytes.
import * as path from 'node:path';
import { ConfigDirError } from '../files/discover';
import type { ApiFailureEvent } from '../types';
import { emptyIndex, indexedEvents, indexFileFor, refreshIndex, saveIndex, type IndexData, type RefreshStats } from './index';
import type { WorkerReply, WorkerRequest } from './indexWorkerProtocol';

/** Runs the worker of `lazy/historyIndexWorker` and resolves to the index it built and stored. */
export function buildIndexInWorker(
  request: WorkerRequest,
  onProgress?: (done: number, total: number) => void,
  // From a bundle: dist/lazy/historyIndexWorker.js, beside this code when it runs in a lazy module
  // itself (the history panel's); from source (tests): the .ts in lazy/ beside this file.
  script = path.join(path.basename(__dirname) === 'lazy' ? __dirname : path.join(__dirname, 'lazy'), 'historyIndexWorker' + path.extname(__filename)),
): Promise<{ index: IndexData; stats: RefreshStats }> {
  // Loaded here, not at the top: worker_threads cost about 2.5 ms of a start-up that needs none.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  return new Promise((resolve, reject) => {
    // Bounded memory: the index holds only failures and retries, read line by line.
    const options = { workerData: request, resourceLimits: { maxOldGenerationSizeMb: 256 } };
    const worker = script.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { ...options, eval: true })
      : new Worker(script, options);
    let settled = false;
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'progress') onProgress?.(reply.done, reply.total);
      else if (reply.type === 'done') {
        settled = true;
        resolve({ index: reply.index, stats: reply.stats });
      } else {
        settled = true;
        reject(reply.configDirError ? new ConfigDirError(request.configDirs[0] ?? '', 'unreadable', { cause: new Error(reply.message) }) : new Error(reply.message));
      }
      if (reply.type !== 'progress') void worker.terminate();
    });
    worker.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`history index worker stopped (exit code ${code})`));
    });
  });
}

export interface HistoryStoreOptions {
  configDirs: string[];
  /** Folder for the index (the extension's global storage); null keeps it in memory only. */
  storageDir: string | null;
  now?: () => number;
}

export class HistoryStore {
  #index: IndexData | null = null;
  #refreshing: Promise<RefreshStats> | null = null;
  readonly #options: HistoryStoreOptions;

  constructor(options: HistoryStoreOptions) {
    this.#options = options;
  }

  get configDirs(): string[] {
    return this.#options.configDirs;
  }

  /** Whether the first build has happened (later refreshes are quick). */
  get built(): boolean {
    return this.#index !== null;
  }

  /**
   * Brings the index up to date: the first time in a worker (loading what was stored), then in
   * place. Concurrent calls share one refresh. Throws `ConfigDirError` for an unreadable config dir.
   */
  refresh(onProgress?: (done: number, total: number) => void): Promise<RefreshStats> {
    if (!this.#refreshing) {
      this.#refreshing = this.#refresh(onProgress).finally(() => {
        this.#refreshing = null;
      });
    }
    return this.#refreshing;
  }

  async #refresh(onProgress?: (done: number, total: number) => void): Promise<RefreshStats> {
    const now = (this.#options.now ?? Date.now)();
    const { storageDir, configDirs } = this.#options;
    if (this.#index === null && storageDir !== null) {
      const built = await buildIndexInWorker({ storeFile: indexFileFor(storageDir, configDirs), configDirs, now }, onProgress);
      this.#index = built.index;
      return built.stats;
    }
    const index = this.#index ?? emptyIndex(configDirs);
    const stats = await refreshIndex(index, { now, onProgress });
    this.#index = index;
    if (storageDir !== null && (stats.readWhole || stats.readAppended || stats.dropped)) {
      saveIndex(indexFileFor(storageDir, configDirs), index);
    }
    return stats;
  }

  /** Failures and retries at or after `sinceMs`, oldest first (none before the first refresh). */
  events(sinceMs: number | null): ApiFailureEvent[] {
    return this.#index ? indexedEvents(this.#index, sinceMs) : [];
  }
}
