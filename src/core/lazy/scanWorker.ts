// A scan worker (a lazy module: dist/lazy/scanWorker.js): reads the files the main thread hands it,
// one at a time, and answers each with its events. See scanConfigDirs in ../scan.ts.
import { parentPort } from 'node:worker_threads';
import { scanTranscriptFile, type ScanWorkerRequest, type ScanWorkerResult } from '../scan';

parentPort?.on('message', (request: ScanWorkerRequest) => {
  parentPort!.postMessage({ index: request.index, scanned: scanTranscriptFile(request.file, request.sinceMs) } satisfies ScanWorkerResult);
});
