// Measuring a big file send (the 50 MiB core test and `npm run bench`): this process's memory peaks while it runs,
// and the random file it sends.
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'

export interface MemoryPeaks {
  ms: number
  /** Highest rss above the level just before `fn` started. */
  peakRss: number
  /** Highest heapUsed + arrayBuffers above the level just before `fn` started. */
  peakHeapBuffers: number
}

/** Lets the process settle for `settleMs`, then samples its memory every `everyMs` while `fn` runs. */
export async function peakMemoryDuring(fn: () => Promise<void>, opts: { settleMs: number; everyMs: number }): Promise<MemoryPeaks> {
  await new Promise((r) => setTimeout(r, opts.settleMs))
  const base = process.memoryUsage()
  let peakRss = 0
  let peakHeapBuffers = 0
  const sample = () => {
    const m = process.memoryUsage()
    peakRss = Math.max(peakRss, m.rss - base.rss)
    peakHeapBuffers = Math.max(peakHeapBuffers, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers)
  }
  const timer = setInterval(sample, opts.everyMs)
  const t = performance.now()
  try {
    await fn()
  } finally {
    clearInterval(timer)
  }
  sample()
  return { ms: performance.now() - t, peakRss, peakHeapBuffers }
}

/** Writes `size` random bytes (nothing compresses) 1 MiB at a time; answers their sha256. The file is never held whole. */
export async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256')
  const out = createWriteStream(path)
  for (let left = size; left > 0; left -= 1 << 20) {
    const chunk = randomBytes(Math.min(left, 1 << 20))
    hash.update(chunk)
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()))
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())))
  return hash.digest('hex')
}
