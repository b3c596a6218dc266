// One private temp folder per test run (vitest's and Playwright's global setup): every test process inherits it as
// TMPDIR, and the teardown removes it — whatever a test forgets, nothing is left in the machine's temp directory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'cht-run-'))
  const before = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP }
  process.env.TMPDIR = process.env.TMP = process.env.TEMP = root
  return () => {
    Object.assign(process.env, before)
    for (const [k, v] of Object.entries(before)) if (v === undefined) delete process.env[k]
    rmSync(root, { recursive: true, force: true })
  }
}

export default setup
