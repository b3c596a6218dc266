#!/usr/bin/env node
// Security gate (DESIGN §5): runs Electronegativity over the app's source and fails on any finding of
// severity MEDIUM or worse with confidence FIRM or worse. The tool itself always exits 0, so we parse its CSV.
//
// What is scanned: everything under src/ that ships (tests and test helpers are left out: they build fake
// Electron objects on purpose), plus package.json so the tool sees the Electron version.
// Suppressions live in the code as `eng-disable` comments next to a justification, never here.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

const SEVERITY = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 }
const CONFIDENCE = { TENTATIVE: 0, FIRM: 1, CERTAIN: 2 }

/** RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++ }
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(field); field = '' }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field); field = ''
      if (row.some((f) => f.trim() !== '')) rows.push(row)
      row = []
    } else field += c
  }
  row.push(field)
  if (row.some((f) => f.trim() !== '')) rows.push(row)
  return rows
}

export function isBlocking(finding) {
  return (SEVERITY[finding.severity] ?? 3) >= SEVERITY.MEDIUM && (CONFIDENCE[finding.confidence] ?? 2) >= CONFIDENCE.FIRM
}

function shipped(src) {
  const rel = relative(join(root, 'src'), src)
  const parts = rel.split(sep)
  return !/\.(test|spec)\.[cm]?[jt]s$/.test(rel) && !parts.includes('testing') && !parts.includes('__snapshots__')
}

function main() {
  const work = mkdtempSync(join(tmpdir(), 'cht-eng-'))
  try {
    const input = join(work, 'app')
    cpSync(join(root, 'src'), join(input, 'src'), { recursive: true, filter: shipped })
    cpSync(join(root, 'package.json'), join(input, 'package.json'))
    const csv = join(work, 'result.csv')
    const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
    const cli = join(dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist', 'index.js')

    const res = spawnSync(process.execPath, [cli, '-i', input, '-o', csv, '-r', '-e', electronVersion, '-v', 'false'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, FORCE_COLOR: '0' },
    })
    const output = `${res.stdout ?? ''}\n${res.stderr ?? ''}`
    if (res.error || res.status !== 0) {
      console.error(output)
      console.error(`electronegativity did not run (${res.error?.message ?? `exit ${res.status}`})`)
      return 1
    }
    // A file the scanner could not parse was not checked: that is a failure, not a pass.
    const parseErrors = output.split('\n').filter((l) => l.includes('Error parsing') && !l.includes('Tolerable'))

    let rows
    try {
      rows = parseCsv(readFileSync(csv, 'utf8'))
    } catch (e) {
      console.error(output)
      console.error(`no result file from electronegativity: ${e.message}`)
      return 1
    }
    const header = rows.shift()?.map((h) => h.trim()) ?? []
    const col = (name) => header.indexOf(name)
    if (['issue', 'severity', 'confidence', 'filename', 'location'].some((h) => col(h) < 0)) {
      console.error(`unexpected CSV header: ${header.join(', ')}`)
      return 1
    }
    const findings = rows.map((r) => ({
      issue: r[col('issue')],
      severity: r[col('severity')],
      confidence: r[col('confidence')],
      file: r[col('filename')],
      location: r[col('location')],
      sample: (r[col('sample')] ?? '').replace(/\s+/g, ' ').slice(0, 70),
    }))
    const blocking = findings.filter(isBlocking)

    console.log(`Electronegativity (Electron ${electronVersion}): ${findings.length} finding(s), ${blocking.length} blocking (MEDIUM+ severity with FIRM+ confidence)`)
    for (const f of findings) {
      const mark = isBlocking(f) ? 'FAIL' : 'ok  '
      console.log(`  ${mark} ${f.issue.padEnd(36)} ${f.severity.padEnd(8)} ${f.confidence.padEnd(9)} ${`${f.file}:${f.location}`.padEnd(34)} ${f.sample}`)
    }
    for (const l of parseErrors) console.error(`  FAIL ${l.trim()}`)

    if (blocking.length > 0 || parseErrors.length > 0) {
      console.error('security gate: FAILED')
      return 1
    }
    console.log('security gate: passed')
    return 0
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main()
}
