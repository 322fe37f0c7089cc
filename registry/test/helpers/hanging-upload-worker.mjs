// An upload worker that loads, says it is ready, and never answers a job: for the pool's budget tests.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', () => {});
parentPort.postMessage('ready');
