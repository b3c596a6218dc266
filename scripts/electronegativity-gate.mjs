#!/usr/bin/env node
// Security gate (DESIGN §5): runs Electronegativity over the app's source and fails on any finding of
// severity MEDIUM or worse with confidence FIRM or worse.
//
// It calls the tool's own runner in-process rather than parsing the CLI's CSV: the CLI writes the CSV header and
// the rows with two concurrent async writes, so the file is sometimes garbled (seen here as a false FAIL).
//
// What is scanned: everything under src/ that ships (tests and test helpers are left out: they build fake
// Electron objects on purpose), plus package.json so the tool sees the Electron version.
// Suppressions live in the code as `eng-disable` comments next to a justification, never here.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

const SEVERITY = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 }
const CONFIDENCE = { TENTATIVE: 0, FIRM: 1, CERTAIN: 2 }

export function isBlocking(finding) {
  return (SEVERITY[finding.severity] ?? 3) >= SEVERITY.MEDIUM && (CONFIDENCE[finding.confidence] ?? 2) >= CONFIDENCE.FIRM
}

function shipped(src) {
  const rel = relative(join(root, 'src'), src)
  const parts = rel.split(sep)
  return !/\.(test|spec)\.[cm]?[jt]s$/.test(rel) && !parts.includes('testing') && !parts.includes('__snapshots__')
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'cht-eng-'))
  try {
    const input = join(work, 'app')
    cpSync(join(root, 'src'), join(input, 'src'), { recursive: true, filter: shipped })
    cpSync(join(root, 'package.json'), join(input, 'package.json'))
    const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
    const runner = require('@doyensec/electronegativity')
    const run = runner.default ?? runner
    const result = await run(
      { input, isRelative: true, electronVersionOverride: electronVersion, customScan: [], excludeFromScan: [] },
      false,
    )
    const findings = result.issues.map((i) => ({
      issue: i.id,
      severity: i.severity.name,
      confidence: i.confidence.name,
      file: i.file,
      location: `${i.location.line}:${i.location.column}`,
      sample: String(i.sample ?? '').replace(/\s+/g, ' ').slice(0, 70),
    }))
    // A file the scanner could not parse was not checked: that is a failure, not a pass.
    const parseErrors = result.errors.filter((e) => !e.tolerable)
    const blocking = findings.filter(isBlocking)

    console.log(`Electronegativity (Electron ${electronVersion}): ${findings.length} finding(s), ${blocking.length} blocking (MEDIUM+ severity with FIRM+ confidence)`)
    for (const f of findings) {
      const mark = isBlocking(f) ? 'FAIL' : 'ok  '
      console.log(`  ${mark} ${f.issue.padEnd(36)} ${f.severity.padEnd(8)} ${f.confidence.padEnd(9)} ${`${f.file}:${f.location}`.padEnd(34)} ${f.sample}`)
    }
    for (const e of parseErrors) console.error(`  FAIL could not parse ${relative(input, e.file)}: ${e.message}`)

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
  // Exit with the verdict now: the tool also starts a download of Electron's release list, which on a machine without
  // network keeps retrying in the background and later throws from a timer — after the scan is complete.
  process.exit(await main())
}
