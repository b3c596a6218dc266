// The reference server in a CHILD PROCESS (production throttle on unless turned off), for measurements of this
// process's memory: an in-process server would reassemble and decode a 50 MiB upload in the very heap being measured.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

export interface ChildServer {
  origin: string
  /** Demo users (they have done R1 + R7). */
  users: Array<{ name: string; id: string; token: string }>
  close(): Promise<void>
}

export async function startChildServer(opts: { throttle?: boolean } = {}): Promise<ChildServer> {
  const root = resolve(import.meta.dirname, '../../../..')
  const dataDir = mkdtempSync(join(tmpdir(), 'cht-child-server-'))
  const args = ['--import', 'tsx', 'server/cli.ts', '--demo', '--json', '--port', '0', '--data', dataDir]
  if (opts.throttle === false) args.push('--no-throttle')
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const line = await new Promise<string>((res, rej) => {
    const rl = createInterface({ input: child.stdout! })
    rl.once('line', (l) => {
      rl.close()
      res(l)
    })
    child.once('exit', (code) => rej(new Error(`server exited with ${code}`)))
    setTimeout(() => rej(new Error('server did not start')), 60_000).unref()
  })
  const info = JSON.parse(line) as { origin: string; users: ChildServer['users'] }
  return {
    origin: info.origin,
    users: info.users,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
