// `npm run bench`: every figure beside its physical limit measured in the same run, then one markdown table.
// Exit code 0 even when a target is missed (the row says ✗); non-zero only when a benchmark could not run.
// Env: BENCH_N (ingest frames, default 100 000), BENCH_HISTORY (history size, default 100 000),
//      BENCH_RUNS_INGEST (default 5), BENCH_RUNS_OPEN (default 3), BENCH_FILE_MIB (default 50),
//      BENCH_RUNS_FILE (default 3), BENCH_STORED (default 200 000), BENCH_RUNS_STORE (default 5),
//      BENCH_SEARCH_N (default 1 000 000), BENCH_SEARCH_CHATS (200), BENCH_RUNS_SEARCH (20),
//      BENCH_ONLY=ingest|open|store|file|search.
import { availableParallelism, cpus } from 'node:os'
import { benchIngest } from './ingest'
import { renderTable, type Row } from './lib'
import { benchOpen } from './open'
import { benchFile } from './file'
import { benchColdStart } from './store'
import { benchSearch } from './search'

const num = (name: string, dflt: number): number => {
  const v = Number(process.env[name])
  return Number.isFinite(v) && v > 0 ? v : dflt
}

async function main(): Promise<number> {
  const only = process.env.BENCH_ONLY
  const log = (line: string) => console.log(line)
  const rows: Row[] = []
  let failed = 0
  const started = Date.now()
  console.log(`cht-desktop bench — node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? '?'})`)

  const run = async (name: string, fn: () => Promise<Row[]>) => {
    console.log(`\n## ${name}`)
    const t = Date.now()
    try {
      rows.push(...(await fn()))
    } catch (e) {
      failed++
      console.error(`${name} could not run:`, e)
      rows.push({ bench: name, figure: 'did not run', value: String((e as Error)?.message ?? e).slice(0, 120), limit: '—', limitValue: '—', ratio: '—', target: '—', ok: false })
    }
    console.log(`  (${((Date.now() - t) / 1000).toFixed(1)} s)`)
  }

  if (!only || only === 'ingest') {
    await run('(a) live ingest', () => benchIngest({ n: num('BENCH_N', 100_000), runs: num('BENCH_RUNS_INGEST', 5), log }))
  }
  if (!only || only === 'open') {
    await run('(b) open a big chat', () => benchOpen({ messages: num('BENCH_HISTORY', 100_000), runs: num('BENCH_RUNS_OPEN', 3), log }))
  }
  if (!only || only === 'store') {
    await run('(e) cold start from the store', () => benchColdStart({ chats: 50, messages: num('BENCH_STORED', 200_000), runs: num('BENCH_RUNS_STORE', 5), log }))
  }
  if (!only || only === 'file') {
    await run('(c) send a big file', () => benchFile({ mib: num('BENCH_FILE_MIB', 50), runs: num('BENCH_RUNS_FILE', 3), log }))
  }

  if (!only || only === 'search') {
    await run('(f) message search', () => benchSearch({
      messages: num('BENCH_SEARCH_N', 1_000_000), chats: num('BENCH_SEARCH_CHATS', 200), runs: num('BENCH_RUNS_SEARCH', 20), log,
    }))
  }

  const judged = rows.filter((r) => r.ok !== undefined)
  console.log(`\n## Results (${((Date.now() - started) / 1000).toFixed(0)} s; ${judged.filter((r) => r.ok).length} of ${judged.length} targets met)\n`)
  console.log(renderTable(rows))
  console.log('\nRatios: rates are figure ÷ limit (higher is better); times are figure ÷ limit (lower is better). See bench/README.md.')
  return failed ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  },
)
