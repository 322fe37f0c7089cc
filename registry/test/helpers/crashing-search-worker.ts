// A search thread that dies (exit code 3) on a search of category `crash` and otherwise is the
// real one: for the replacement tests of test/search-threads.test.ts. The real worker's message
// listener is wrapped as it is added, so no job can reach it first.
import { type MessagePort, parentPort } from 'node:worker_threads';

const port = parentPort as MessagePort;
const on = port.on.bind(port);
port.on = ((event: string, listener: (message: { job: { category?: string } }) => void) =>
  on(event, (message: { job: { category?: string } }) => {
    if (event === 'message' && message.job.category === 'crash') process.exit(3);
    listener(message);
  })) as typeof port.on;
await import('../../src/db/sqlite/search-worker.ts');
