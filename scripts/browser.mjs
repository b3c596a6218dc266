// The Chromium the e2e suite drives (DESIGN §5). `findChromium()` looks on this machine; `ensureChromium()` (what
// `npm test` calls first) also provisions one: Playwright's own download where the network allows it, else — as
// root on Debian/Ubuntu — the distribution's `chromium`. When nothing works it says in one line what to install,
// before any test runs, instead of every e2e test failing on its own.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome']
const FIXED = [
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Google\\Chrome\\Application\\chrome.exe'),
  join(process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)', 'Google\\Chrome\\Application\\chrome.exe'),
]

function onPath(name) {
  const exts = process.platform === 'win32' ? ['.exe', ''] : ['']
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const ext of exts) if (dir && existsSync(join(dir, name + ext))) return join(dir, name + ext)
  }
  return undefined
}

function playwrightsOwn() {
  try {
    const { chromium } = require('playwright-core')
    const p = chromium.executablePath()
    return p && existsSync(p) ? p : undefined
  } catch {
    return undefined
  }
}

/** A Chromium/Chrome already on this machine: $CHROMIUM_PATH, then PATH, then the usual places, then Playwright's. */
export function findChromium() {
  const env = process.env.CHROMIUM_PATH
  if (env) return existsSync(env) ? env : undefined
  for (const name of NAMES) {
    const p = onPath(name)
    // works(): a stub such as Ubuntu's /usr/bin/chromium-browser without its snap is not a browser.
    if (p && works(p)) return p
  }
  for (const p of FIXED) if (existsSync(p)) return p
  return playwrightsOwn()
}

function works(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000 })
  return r.status === 0 && /chrom/i.test(r.stdout)
}

function quiet(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 15 * 60_000 })
  return r.status === 0
}

/** Finds or provisions a browser; answers its path, or undefined after printing what to install. */
export async function ensureChromium() {
  const found = findChromium()
  if (found || process.env.CHROMIUM_PATH) return found ?? reportMissing()
  console.log('No Chromium or Chrome on this machine: trying Playwright\'s download…')
  if (quiet('npx', ['playwright', 'install', 'chromium'])) {
    const p = playwrightsOwn()
    if (p) return p
  }
  const isRoot = process.getuid?.() === 0
  if (isRoot && onPath('apt-get')) {
    console.log('…not reachable; installing the distribution\'s chromium with apt-get (a few minutes)…')
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const apt = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 15 * 60_000 }).status === 0
    if (apt(['update', '-qq']) && apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-dejavu-core'])) {
      const p = findChromium()
      if (p) return p
    }
  }
  return reportMissing()
}

function reportMissing() {
  console.error(
    process.env.CHROMIUM_PATH
      ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist: point it at a Chromium or Chrome executable.`
      : 'The e2e tests need Chromium or Chrome and none could be found or installed: install one ' +
        '(Debian/Ubuntu: sudo apt-get install chromium; or npx playwright install chromium) or set CHROMIUM_PATH.',
  )
  return undefined
}

// `node scripts/browser.mjs`: print the path (provisioning if needed), or fail with the one line above.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const p = await ensureChromium()
  if (!p) process.exit(1)
  console.log(p)
}
