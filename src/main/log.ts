// The main process's log (issue 13): a few rotating files under userData/logs that say what happened — start-up,
// connection changes, crashes, damaged state — and never what was written. A small own writer rather than
// electron-log: electron-log also hooks the renderer, console and IPC, and what we need is one synchronous write
// point (an uncaught error must be on disk before anything else happens) with redaction that cannot be skipped.
// Pure Node: tests run it in a temp folder.
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'

export type Level = 'info' | 'warn' | 'error'
export type Fields = Record<string, string | number | boolean | null | undefined>

export interface Log {
  info(event: string, fields?: Fields): void
  warn(event: string, fields?: Fields, error?: unknown): void
  error(event: string, error?: unknown, fields?: Fields): void
  /** A value that must never reach the file (the token): scrubbed from every line from now on. */
  addSecret(secret: string | null | undefined): void
  /** The last warnings and errors, already redacted (Help → Copy diagnostics). */
  recent(): string[]
  readonly dir: string
}

export interface LogOptions {
  dir: string
  /** Rotate when the current file would pass this (default 1 MiB). */
  maxBytes?: number
  /** Older files kept: main.1.log … main.N.log (default 3). */
  keep?: number
  now?: () => number
  /** Replaced by "~" (user names are personal data). */
  home?: string
  /** Also echo to stderr (development). */
  echo?: boolean
}

const LINE_MAX = 4000
const RECENT_MAX = 20

/**
 * What may be written (issue 13: "never a token, message text or file content"): known secrets and anything that
 * looks like one (long opaque runs: tokens, base64, hashes, ids), quoted strings (an error quoting its input —
 * JSON.parse quotes the text it choked on), e-mail addresses, and URL queries are removed; the home folder is "~".
 */
export function redact(text: string, secrets: Iterable<string> = [], home?: string): string {
  let s = text
  for (const secret of secrets) if (secret) s = s.split(secret).join('[secret]')
  if (home && home.length > 1) s = s.split(home).join('~')
  return s
    .replace(/(authorization|token|cookie)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1$2[secret]')
    .replace(/\b(https?|wss?):\/\/([^\s/?#"'`]+)([^\s?#"'`]*)[?#][^\s"'`]*/gi, '$1://$2$3?[query]')
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`\n]*`/g, (q) => (q.length > 2 ? `${q[0]}…${q[0]}` : q))
    .replace(/[^\s@"'<>()[\]]+@[^\s@"'<>()[\]]+\.[a-z]{2,}/gi, '[email]')
    // Tokens, hashes, ids and base64 have digits; long identifiers in a stack (processTicksAndRejections) do not.
    .replace(/[A-Za-z0-9+/_-]{24,}={0,2}/g, (run) => (/\d/.test(run) ? '[redacted]' : run))
}

/** An error as one line and its stack (frames only: the first stack line repeats the message). */
function describe(error: unknown): { summary: string; stack: string[] } {
  if (error instanceof Error) {
    // Core's errors carry a translatable code; their detail may quote the server, so it stays out.
    const e = error as Error & { code?: unknown; status?: unknown }
    const isCht = error.name === 'ChtError' && typeof e.code === 'string'
    const summary = isCht ? `ChtError ${e.code}${typeof e.status === 'number' ? ` (HTTP ${e.status})` : ''}` : `${error.name}: ${error.message}`
    const stack = (error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 12).map((l) => l.trim())
    return { summary, stack }
  }
  return { summary: `non-error thrown: ${typeof error}`, stack: [] }
}

export function createLog(o: LogOptions): Log {
  const maxBytes = o.maxBytes ?? 1024 * 1024
  const keep = o.keep ?? 3
  const now = o.now ?? Date.now
  const file = join(o.dir, 'main.log')
  const secrets = new Set<string>()
  const recent: string[] = []
  let size = -1

  function rotate(): void {
    for (let i = keep - 1; i >= 1; i--) {
      try {
        renameSync(join(o.dir, `main.${i}.log`), join(o.dir, `main.${i + 1}.log`))
      } catch {
        // that one did not exist yet
      }
    }
    renameSync(file, join(o.dir, 'main.1.log'))
    size = 0
  }

  function write(level: Level, event: string, fields?: Fields, error?: unknown): void {
    const parts = [new Date(now()).toISOString(), level.toUpperCase().padEnd(5), event]
    for (const [k, v] of Object.entries(fields ?? {})) if (v !== undefined) parts.push(`${k}=${String(v)}`)
    let lines = [parts.join(' ')]
    if (error !== undefined) {
      const d = describe(error)
      lines[0] += ` — ${d.summary}`
      lines = lines.concat(d.stack.map((l) => `    ${l}`))
    }
    const text = lines.map((l) => redact(l.replace(/[\r\n]+/g, ' '), secrets, o.home).slice(0, LINE_MAX)).join('\n') + '\n'
    if (level !== 'info') {
      recent.push(text.split('\n')[0])
      if (recent.length > RECENT_MAX) recent.shift()
    }
    if (o.echo) process.stderr.write(text)
    try {
      if (size < 0) {
        mkdirSync(o.dir, { recursive: true, mode: 0o700 })
        try {
          size = statSync(file).size
        } catch {
          size = 0
        }
      }
      const bytes = Buffer.byteLength(text)
      if (size > 0 && size + bytes > maxBytes) rotate()
      appendFileSync(file, text, { mode: 0o600 })
      size += bytes
    } catch {
      // A full or read-only disk must not take the app down with it; the line is still in `recent`.
      size = -1
    }
  }

  return {
    dir: o.dir,
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields, error) => write('warn', event, fields, error),
    error: (event, error, fields) => write('error', event, fields, error),
    addSecret: (secret) => {
      if (secret && secret.length >= 6) secrets.add(secret)
    },
    recent: () => [...recent],
  }
}

/** For code that may run without a log (tests, the e2e host). */
export const silentLog: Log = {
  dir: '',
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  addSecret: () => undefined,
  recent: () => [],
}
