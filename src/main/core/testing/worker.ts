// The history worker as tests, the e2e host and the benchmarks start it: the same entry as the app's, its TypeScript
// loaded by tsx (the app's build compiles it to out/main/history-worker.js).
import { Worker } from 'node:worker_threads'

export function tsxHistoryWorker(dbFile: string): Worker {
  return new Worker(new URL('../chats/history-worker.ts', import.meta.url), { workerData: { dbFile }, execArgv: ['--import', 'tsx'] })
}
