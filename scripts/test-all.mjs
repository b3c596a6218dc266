#!/usr/bin/env node
// `npm test`: everything CI runs, in order, ending with one plain line `N passed, N failed` summed over every
// runner (DESIGN §5). Gates that are not test runners (typecheck, lint, build, security) count as one check each.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureChromium } from './browser.mjs'

// The project's own Node (the `node` devDependency, Electron 45's line: DESIGN §9) — npm puts it first on PATH.
console.log(`node ${process.version}`)
if (!process.version.startsWith('v24.')) {
  console.error(`npm test must run on the project's Node 24 (found ${process.version}): run \`npm install\`, then \`npm test\`.`)
  process.exit(1)
}
// Before anything else: without a browser the e2e suite cannot run, so say so now, in one line.
const chromiumPath = await ensureChromium()
if (!chromiumPath) {
  console.log('0 passed, 1 failed')
  process.exit(1)
}
process.env.CHROMIUM_PATH = chromiumPath

// Every runner gets a private temp folder, removed at the end: a test that forgets its folders leaves nothing behind
// (and is named here, so it gets fixed).
const tmp = mkdtempSync(join(tmpdir(), 'cht-test-all-'))
const runTmp = mkdtempSync(join(tmp, 'tmp-'))
process.env.TMPDIR = process.env.TMP = process.env.TEMP = runTmp
// Against CHT_TEST_SERVER each of its users goes to one test of the whole run, vitest's and Playwright's (testkit/server.ts).
process.env.CHT_TEST_CLAIMS = join(tmp, 'token-claims')
const startedAll = Date.now()
const totals = { passed: 0, failed: 0, skipped: 0 }
const summary = []

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`)
  const started = Date.now()
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  const ok = r.status === 0
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  return ok
}

function gate(label, cmd, args, env = {}) {
  const ok = run(label, cmd, args, env)
  ok ? totals.passed++ : totals.failed++
  return ok
}

/** Runs a gate beside the steps that follow, its output kept and printed when it is awaited. */
function gateBeside(label, cmd, args, env = {}) {
  const started = Date.now()
  const log = join(tmp, `${label.replace(/\W+/g, '-')}.log`)
  const out = openSync(log, 'w')
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], env: { ...process.env, ...env } })
  const done = new Promise((resolve) => child.on('close', (code) => resolve(code === 0)))
  return async () => {
    const ok = await done
    closeSync(out)
    console.log(`\n=== ${label}: ${cmd} ${args.join(' ')} (ran beside the next step)`)
    process.stdout.write(readFileSync(log, 'utf8'))
    summary.push(`${ok ? 'ok  ' : 'FAIL'} ${label} (${((Date.now() - started) / 1000).toFixed(1)} s, beside the next step)`)
    ok ? totals.passed++ : totals.failed++
  }
}

function readJson(file) {
  try {
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
  } catch {
    return undefined
  }
}

// tsc and eslint each use one core: side by side.
const lint = gateBeside('lint', 'npm', ['run', '-s', 'lint'])
gate('typecheck', 'npm', ['run', '-s', 'typecheck'])
await lint()

const vitestJson = join(tmp, 'vitest.json')
const unitOk = run('unit (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`])
const v = readJson(vitestJson)
if (v) {
  totals.passed += v.numPassedTests
  totals.failed += v.numFailedTests
  totals.skipped += v.numPendingTests + (v.numTodoTests ?? 0)
  if (!unitOk && v.numFailedTests === 0) totals.failed++ // e.g. a suite that failed to load
} else {
  totals.failed++
}

const built = gate('build', 'npm', ['run', '-s', 'build'])

// Every benchmark still runs (nothing else would notice one broken by a change): tiny sizes, figures not judged here.
// Mostly it waits (the production throttle's windows), so it runs beside the e2e suite.
const smoke = {
  BENCH_N: '2000', BENCH_RUNS_INGEST: '1', BENCH_HISTORY: '5000', BENCH_RUNS_OPEN: '1', BENCH_FILE_MIB: '2', BENCH_RUNS_FILE: '1',
  BENCH_STORED: '5000', BENCH_RUNS_STORE: '1', BENCH_SEARCH_N: '20000', BENCH_SEARCH_CHATS: '10', BENCH_RUNS_SEARCH: '2',
}
const benchSmoke = gateBeside('bench (smoke: every benchmark runs, tiny sizes)', 'npm', ['run', '-s', 'bench'], smoke)

const pwJson = join(tmp, 'playwright.json')
if (built) {
  const e2eOk = run('e2e (playwright)', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson })
  const p = readJson(pwJson)
  if (p?.stats) {
    totals.passed += p.stats.expected + (p.stats.flaky ?? 0)
    totals.failed += p.stats.unexpected
    totals.skipped += p.stats.skipped
    if (!e2eOk && p.stats.unexpected === 0) totals.failed++
  } else {
    totals.failed++
  }
} else {
  summary.push('FAIL e2e (playwright): not run, the build failed')
  totals.failed++
}

gate('security (electronegativity)', 'npm', ['run', '-s', 'security'])
await benchSmoke()

// Tools' own caches are not leftovers (tsc and eslint keep Node's compile cache in the temp folder).
const leftovers = readdirSync(runTmp).filter((n) => !n.startsWith('playwright-') && !n.startsWith('tsx-') && n !== 'node-compile-cache')
if (leftovers.length) console.log(`\nnote: tests left ${leftovers.length} temp entries behind: ${leftovers.slice(0, 5).join(', ')}`)
rmSync(tmp, { recursive: true, force: true })

console.log('\n' + summary.join('\n'))
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped (${((Date.now() - startedAll) / 1000).toFixed(0)} s)`)
process.exit(totals.failed > 0 ? 1 : 0)
