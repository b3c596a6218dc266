/** Response helpers: the three error shapes of PROTOCOL §1.4 (envelope / flat / HTML 500) plus Django's 404 page. */
import type { IncomingMessage, ServerResponse } from 'node:http'

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  // §1.6: any origin, with credentials.
  const origin = req.headers.origin
  return origin ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' } : {}
}

export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, extra: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...corsHeaders(req),
    ...extra,
  })
  res.end(text)
}

/** §1.4 envelope: auth failures, 404 lookups, 405, 429, JSON parse errors. */
export function sendEnvelope(req: IncomingMessage, res: ServerResponse, status: number, error: string | Record<string, unknown>): void {
  const extra: Record<string, string> = {}
  if (status === 401) {
    // §1.4: envelope errors may carry a Set-Cookie for the token with a Domain — clients must ignore it.
    const host = (req.headers.host ?? '127.0.0.1').replace(/:\d+$/, '')
    extra['set-cookie'] = `token=""; Domain=${host}; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/`
  }
  sendJson(req, res, status, { status: { code: status, message: 'An error occurred.', type: 'fail' }, data: [], error }, extra)
}

/** §1.4 flat: errors raised by the views themselves. */
export function sendFlat(req: IncomingMessage, res: ServerResponse, status: number, error: string): void {
  sendJson(req, res, status, { error })
}

function sendHtml(req: IncomingMessage, res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), ...corsHeaders(req) })
  res.end(html)
}

/** §1.4 HTML 500: looks like Django's technical 500 page (unhandled exception). */
export function sendHtml500(req: IncomingMessage, res: ServerResponse, exc: string, detail: string): void {
  const path = escapeHtml((req.url ?? '/').split('?')[0])
  sendHtml(req, res, 500, `<!DOCTYPE html>
<html lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <meta name="robots" content="NONE,NOARCHIVE">
  <title>${escapeHtml(exc)} at ${path}</title>
</head>
<body>
<div id="summary">
  <h1>${escapeHtml(exc)} at ${path}</h1>
  <pre class="exception_value">${escapeHtml(detail)}</pre>
  <table class="meta">
    <tr><th>Request Method:</th><td>${escapeHtml(req.method ?? 'GET')}</td></tr>
    <tr><th>Request URL:</th><td>${escapeHtml('http://' + (req.headers.host ?? '') + (req.url ?? '/'))}</td></tr>
    <tr><th>Exception Type:</th><td>${escapeHtml(exc)}</td></tr>
  </table>
</div>
<div id="explanation">
  <p>You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p>
</div>
</body>
</html>
`)
}

/** §1.4: an unknown route answers Django's debug "Page not found" page (HTML). */
export function sendNotFoundPage(req: IncomingMessage, res: ServerResponse): void {
  const path = escapeHtml((req.url ?? '/').split('?')[0])
  sendHtml(req, res, 404, `<!DOCTYPE html>
<html lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <title>Page not found at ${path}</title>
  <meta name="robots" content="NONE,NOARCHIVE">
</head>
<body>
  <div id="summary">
    <h1>Page not found <span>(404)</span></h1>
    <table class="meta">
      <tr><th>Request Method:</th><td>${escapeHtml(req.method ?? 'GET')}</td></tr>
      <tr><th>Request URL:</th><td>${escapeHtml('http://' + (req.headers.host ?? '') + (req.url ?? '/'))}</td></tr>
    </table>
  </div>
  <div id="info">
    <p>The current path, <code>${path.replace(/^\//, '')}</code>, didn’t match any of these.</p>
  </div>
  <div id="explanation">
    <p>You’re seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p>
  </div>
</body>
</html>
`)
}

export function sendPlainHtml(req: IncomingMessage, res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), ...extra })
  res.end(html)
}

export class BodyTooLarge extends Error {}

/** Reads the request body up to `limit` bytes; beyond it drains the rest and throws BodyTooLarge. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (over) {
        if (size > limit * 64 + 64 * 1024 * 1024) req.destroy()
        return
      }
      if (size > limit) {
        over = true
        chunks.length = 0
        return
      }
      chunks.push(c)
    })
    req.on('end', () => (over ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks))))
    req.on('error', reject)
    req.on('close', () => { if (!req.complete) reject(new Error('aborted')) })
  })
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (!header) return out
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    const k = part.slice(0, i).trim()
    let v = part.slice(i + 1).trim()
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1)
    if (k && !(k in out)) {
      try { out[k] = decodeURIComponent(v) } catch { out[k] = v }
    }
  }
  return out
}

export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown'
}
