// A scan worker (a lazy module: dist/lazy/scanWorker.js): takes files from the queue it shares with
// the other threads until none is left, answering each with its events. See scanInParallel in ../scan.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { scanTranscriptFile, takeNextFile, type ScanWorkerData, type ScanWorkerMessage } from '../scan';

const queue = workerData as ScanWorkerData;
for (let index = takeNextFile(queue); index !== undefined; index = takeNextFile(queue)) {
  parentPort!.postMessage({ index, scanned: scanTranscriptFile(queue.files[index], queue.sinceMs) } satisfies ScanWorkerMessage);
}
parentPort!.postMessage({ done: true } satisfies ScanWorkerMessage);
