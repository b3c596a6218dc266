/**
 * npm run server -- [--demo] [--users N] [--json] [--port N] [--data DIR] [--reset] [--no-throttle]
 * Default data dir: ./.cht-data/server (relative to the current directory).
 */
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { seedDemo, type DemoUser } from './demo'
import { serverContext, startServer } from './index'

function usage(): never {
  process.stderr.write(`usage: npm run server -- [--demo] [--users N] [--json] [--port N] [--data DIR] [--reset] [--no-throttle]
  --demo         seed demo users, groups and history (once; a restart keeps the data and tokens)
  --users N      also create N fresh SSO users (no R1 yet) and print name:token pairs for CHT_TEST_TOKENS
  --json         print exactly one JSON line {"origin","users":[…]} on stdout (logs go to stderr)
  --port N       port on 127.0.0.1 (default 8787; 0 = ephemeral)
  --data DIR     data folder (default ./.cht-data/server)
  --reset        wipe the data folder first
  --no-throttle  disable the production rate limit (15 req/s, 16th bans the IP for an hour)
`)
  process.exit(2)
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  let demo = false, json = false, reset = false, throttle = true, fresh = 0
  let port = 8787
  let dataDir = './.cht-data/server'
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--demo') demo = true
    else if (a === '--json') json = true
    else if (a === '--users') { fresh = Number(args[++i]); if (!Number.isInteger(fresh) || fresh < 0 || fresh > 10_000) usage() }
    else if (a === '--reset') reset = true
    else if (a === '--no-throttle') throttle = false
    else if (a === '--port') { port = Number(args[++i]); if (!Number.isInteger(port) || port < 0 || port > 65535) usage() }
    else if (a === '--data') { const d = args[++i]; if (!d) usage(); dataDir = d }
    else if (a === '--help' || a === '-h') usage()
    else { process.stderr.write(`unknown argument: ${a}\n`); usage() }
  }
  dataDir = resolve(dataDir)
  if (reset) rmSync(dataDir, { recursive: true, force: true })

  const server = await startServer({ port, dataDir, throttle })
  let users: DemoUser[] = []
  if (demo) users = await seedDemo(server)
  else {
    const saved = serverContext(server).store.meta('demo_users')
    if (saved) users = JSON.parse(saved) as DemoUser[]
  }

  // Fresh users for running the test suites against this server as an external one (README: CHT_TEST_TOKENS).
  const testUsers = Array.from({ length: fresh }, (_, i) => {
    const u = server.createUser({ firstNameFa: `Tester${i + 1}`, lastNameFa: 'Extern' })
    return `Tester${i + 1} Extern:${u.token}`
  })
  if (json) {
    process.stdout.write(JSON.stringify({ origin: server.origin, users, testTokens: testUsers.join(',') }) + '\n')
  } else {
    const lines = [
      '',
      `cht reference server listening on ${server.origin}`,
      `  data folder: ${dataDir}`,
      `  throttle:    ${throttle ? 'on (15 requests/s; the 16th bans the IP for 3600 s)' : 'off'}`,
      `  SSO login:   ${server.origin}/sso/login/`,
      '',
    ]
    if (users.length) {
      lines.push('Demo users (token = the raw Authorization header value):')
      const w = Math.max(...users.map((u) => u.name.length))
      for (const u of users) lines.push(`  ${u.name.padEnd(w)}  id ${u.id}  token ${u.token}${u.is_superuser ? '  [superuser]' : ''}`)
    } else lines.push('No demo users (start with --demo to seed them).')
    if (testUsers.length) lines.push('', `CHT_TEST_TOKENS=${testUsers.join(',')}`)
    lines.push('', 'Press Ctrl+C to stop.', '')
    process.stdout.write(lines.join('\n'))
  }

  let stopping = false
  const stop = (sig: string) => {
    if (stopping) return
    stopping = true
    process.stderr.write(`[cht-server] ${sig}: shutting down\n`)
    server.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((e) => {
  process.stderr.write(`[cht-server] failed to start: ${(e as Error)?.stack ?? e}\n`)
  process.exit(1)
})
