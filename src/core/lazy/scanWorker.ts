// A scan worker (a lazy module: dist/lazy/scanWorker.js): takes files from the queue it shares with
// the other threads until none is left, answering with their events every few megabytes read. See
// scanInParallel in ../scan.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { scanTranscriptFile, takeNextFile, YIELD_EVERY_BYTES, type ScanWorkerData, type ScanWorkerMessage } from '../scan';

const queue = workerData as ScanWorkerData;
let read: Extract<ScanWorkerMessage, { read: unknown }>['read'] = [];
let bytes = 0;
for (let index = takeNextFile(queue); index !== undefined; index = takeNextFile(queue)) {
  read.push({ index, scanned: scanTranscriptFile(queue.files[index], queue.sinceMs) });
  bytes += queue.sizes[index];
  if (bytes >= YIELD_EVERY_BYTES) {
    parentPort!.postMessage({ read } satisfies ScanWorkerMessage);
    read = [];
    bytes = 0;
  }
}
if (read.length > 0) parentPort!.postMessage({ read } satisfies ScanWorkerMessage);
parentPort!.postMessage({ done: true } satisfies ScanWorkerMessage);
