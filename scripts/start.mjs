#!/usr/bin/env node
// `npm start`: the reference server with demo data, plus the app connected to it. Where no Electron binary
// exists (these build machines cannot download one), it says so and keeps the server running — the same UI
// can then be tried in a browser with `npm run preview:web`.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'

const port = process.env.CHT_PORT ?? '8787'
const data = process.env.CHT_DATA ?? '.cht-data/server'
const children = []

function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return process.env.ELECTRON_OVERRIDE_DIST_PATH
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
    const pathFile = join(dir, 'path.txt')
    if (!existsSync(pathFile)) return undefined
    const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(bin) ? bin : undefined
  } catch {
    return undefined
  }
}

function stopAll(code = 0) {
  for (const c of children) c.kill('SIGTERM')
  process.exit(code)
}
process.on('SIGINT', () => stopAll(0))
process.on('SIGTERM', () => stopAll(0))

const server = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--demo', '--json', '--port', port, '--data', data], {
  stdio: ['ignore', 'pipe', 'inherit'],
})
children.push(server)
server.on('exit', (code) => {
  console.error(`reference server exited (${code})`)
  stopAll(code ?? 1)
})

const lines = createInterface({ input: server.stdout })
lines.once('line', (line) => {
  const { origin, users } = JSON.parse(line)
  console.log(`\ncht reference server: ${origin}   (data: ${data})`)
  console.log('demo users — paste a token into the sign-in screen, or use "sign in with the web page":')
  for (const u of users) console.log(`  ${u.is_superuser ? '★' : ' '} ${u.name.padEnd(18)} ${u.token}`)

  const bin = electronBinary()
  if (!bin) {
    console.log(
      '\nNo Electron binary is installed on this machine (it could not be downloaded), so the desktop app cannot start here.' +
        '\nThe server keeps running. To try the real UI in a browser against it, run in another terminal:' +
        `\n  npm run build && CHT_SERVER_ORIGIN=${origin} npm run preview:web` +
        '\nPress Ctrl+C to stop.',
    )
    return
  }
  const app = spawn('npx', ['electron-vite', 'dev'], { stdio: 'inherit', env: { ...process.env, CHT_SERVER_ORIGIN: origin } })
  children.push(app)
  app.on('exit', (code) => stopAll(code ?? 0))
})
