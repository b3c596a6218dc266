// Small helpers shared by the benchmarks: statistics, formatting, the result table, test texts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

/** One line of the final table: a figure beside its limit measured in the same run. */
export interface Row {
  bench: string
  figure: string
  value: string
  limit: string
  limitValue: string
  /** figure / limit (or limit / figure for times), as shown. */
  ratio: string
  target: string
  /** undefined = informational row (no target). */
  ok?: boolean
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** The median of `runs` timings (ms) of `run`, each in a fresh temporary folder that is removed after it. */
export function medianInFreshDir(runs: number, prefix: string, run: (dir: string) => number): number {
  const times: number[] = []
  for (let r = 0; r < runs; r++) {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    try {
      times.push(run(dir))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return median(times)
}

/** Wall-clock milliseconds comparable across threads (each thread has its own performance.now() origin). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now()
}

export const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)) + ' ms'
export const fmtRate = (perSec: number): string => Math.round(perSec).toLocaleString('en-US') + ' msg/s'
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US')
export const fmtMiB = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1) + ' MiB'

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export async function until(cond: () => boolean, timeoutMs: number, what: string, stepMs = 10): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(stepMs)
  }
}

/** The markdown table, ready to paste into an issue note. */
export function renderTable(rows: Row[]): string {
  const head = ['bench', 'figure', 'value', 'limit (same run)', 'limit value', 'ratio', 'target', '']
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${[r.bench, r.figure, r.value, r.limit, r.limitValue, r.ratio, r.target, r.ok === undefined ? '' : r.ok ? '✓' : '✗'].join(' | ')} |`),
  ]
  return lines.join('\n')
}

// Mixed Persian/English chat lines (~60 characters once numbered), like the demo data.
const LINES = [
  'سلام به همه! جلسه امروز ساعت ۱۰ در اتاق کنفرانس برگزار می‌شود',
  'Hello everyone 👋 the build is green again, thanks for the fixes',
  'این پیام ترکیبی است: release v2.3 آماده است، لطفاً بررسی کنید',
  'Mixed text: نسخه جدید is out — please update before Monday',
  'کسی فایل گزارش فروش ماه گذشته را دارد؟ لطفاً در گروه بگذارید',
  'I will upload the report in a minute, the export is still running',
  'ممنون 🙏 فردا ساعت ۱۱ با مشتری جلسه داریم، همه حاضر باشند',
  'PR #42 is ready for review; CI is flaky again but tests pass',
]

/** The i-th test line (varied so no two frames are identical). */
export function lineOf(i: number): string {
  return `${LINES[i % LINES.length]} #${i}`
}
