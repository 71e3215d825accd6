// Messages between the history index worker and the thread that starts it.
import type { IndexData, RefreshStats } from './index';

export interface WorkerRequest {
  storeFile: string;
  configDirs: string[];
  now: number;
}

export type WorkerReply =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; index: IndexData; stats: RefreshStats }
  | { type: 'error'; message: string; configDirError: boolean };
