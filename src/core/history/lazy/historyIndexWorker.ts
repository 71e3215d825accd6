// The first build of the history index, off the editor's main thread: loads the stored index,
// brings it up to date (reading whatever is new), stores it, and posts it back. Started by
// `buildIndexInWorker`; a lazy module, so its own bundle file (dist/lazy/historyIndexWorker.js).
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigDirError } from '../../files/discover';
import { loadIndex, refreshIndex, saveIndex } from '../index';
import type { WorkerReply, WorkerRequest } from '../indexWorkerProtocol';

async function run(request: WorkerRequest): Promise<WorkerReply> {
  const index = loadIndex(request.storeFile, request.configDirs);
  try {
    const stats = await refreshIndex(index, {
      now: request.now,
      onProgress: (done, total) => parentPort?.postMessage({ type: 'progress', done, total } satisfies WorkerReply),
    });
    saveIndex(request.storeFile, index);
    return { type: 'done', index, stats };
  } catch (error) {
    return {
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      configDirError: error instanceof ConfigDirError,
    };
  }
}

void run(workerData as WorkerRequest).then((reply) => parentPort?.postMessage(reply));
