// Help → Copy diagnostics (issue 13): what support needs to understand a problem — versions, the system, the
// connection, the last errors — and nothing personal: no names, ids, tokens, message text or paths. The recent
// errors come from the log, already redacted (log.ts).
import type { ConnectionState } from '../shared/model'

export interface DiagnosticsInfo {
  app: { version: string; packaged: boolean }
  /** process.versions: electron, chrome, node, v8. */
  versions: Partial<Record<'electron' | 'chrome' | 'node' | 'v8', string>>
  os: { platform: string; release: string; arch: string }
  locale: string
  connection: ConnectionState
  /** The server's origin (the organisation's, not a person's), or none while signed out. */
  server: string | null
  rendererCrashes: number
  uptimeMs: number
  recentErrors: string[]
}

function duration(ms: number): string {
  const min = Math.floor(ms / 60_000)
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`
}

export function diagnosticsText(d: DiagnosticsInfo): string {
  const v = d.versions
  const c = d.connection
  const lines = [
    `cht ${d.app.version}${d.app.packaged ? '' : ' (development build)'}`,
    `Electron ${v.electron ?? '?'} · Chromium ${v.chrome ?? '?'} · Node ${v.node ?? '?'} · V8 ${v.v8 ?? '?'}`,
    `OS: ${d.os.platform} ${d.os.release} (${d.os.arch}) · UI language: ${d.locale}`,
    `Connection: ${c.status}${c.reason ? ` (${c.reason})` : ''}${c.retryAt ? ` · next try ${new Date(c.retryAt).toISOString()}` : ''}`,
    `Server: ${d.server ?? 'not signed in'}`,
    `Running for ${duration(d.uptimeMs)} · window crashes: ${d.rendererCrashes}`,
    '',
    d.recentErrors.length ? `Last errors (${d.recentErrors.length}):` : 'No errors logged since start.',
    ...d.recentErrors.map((e) => `  ${e}`),
  ]
  return lines.join('\n')
}
