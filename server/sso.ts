/**
 * The SSO stand-in (PROTOCOL §5): a login page that sets the `token` cookie the way the organisation's SSO does.
 * GET /sso/login/ lists users to pick and has a field to paste a token; POST /sso/login/ (form-urlencoded
 * `token` or `user_id`) sets `token=<token>; Path=/; SameSite=Lax` and redirects to GET /sso/done/.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Ctx } from './context'
import { BodyTooLarge, escapeHtml, parseCookies, readBody, sendPlainHtml } from './http'
import { mintToken } from './model'

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="fa" dir="auto">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
li{margin:.3rem 0}button{cursor:pointer}.err{color:#b00020}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`
}

function loginPage(ctx: Ctx, error?: string): string {
  const users = ctx.store.ssoUsers()
  const items = users.map((u) => `<li><form method="post" action="/sso/login/" style="display:inline">
<input type="hidden" name="user_id" value="${escapeHtml(u.id)}">
<button type="submit" data-user-id="${escapeHtml(u.id)}">${escapeHtml(`${u.first_name_fa} ${u.last_name_fa}`)}</button>
${u.first_name_en || u.last_name_en ? `<span>(${escapeHtml(`${u.first_name_en} ${u.last_name_en}`)})</span>` : ''}
${u.is_superuser ? '<strong>superuser</strong>' : ''}</form></li>`).join('\n')
  return page('cht SSO (reference stand-in)', `${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<h2>Pick a user</h2>
<ul id="users">${items || '<li>No users yet.</li>'}</ul>
<h2>Or paste a token</h2>
<form method="post" action="/sso/login/">
<label>Token <input name="token" autocomplete="off" size="44"></label>
<button type="submit">Sign in</button>
</form>`)
}

/** Returns false when the path is not an SSO route. */
export async function handleSso(ctx: Ctx, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname
  const method = req.method ?? 'GET'
  if (path === '/sso/login/') {
    if (method === 'GET') {
      sendPlainHtml(req, res, 200, loginPage(ctx))
      return true
    }
    if (method !== 'POST') {
      req.resume()
      sendPlainHtml(req, res, 405, page('Method not allowed', '<p>Use GET or POST.</p>'), { allow: 'GET, POST' })
      return true
    }
    let form: URLSearchParams
    try {
      form = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'))
    } catch (e) {
      if (e instanceof BodyTooLarge) sendPlainHtml(req, res, 413, page('Too large', '<p>Form too large.</p>'))
      else res.destroy()
      return true
    }
    let token = (form.get('token') ?? '').trim()
    const userId = (form.get('user_id') ?? '').trim()
    if (token) {
      if (!ctx.store.ssoUserByToken(token)) {
        sendPlainHtml(req, res, 400, loginPage(ctx, 'Unknown token.'))
        return true
      }
    } else if (userId && ctx.store.ssoUser(userId)) {
      token = mintToken(ctx.store, userId) // a fresh session, like a real sign-in
    } else {
      sendPlainHtml(req, res, 400, loginPage(ctx, 'Pick a user or paste a token.'))
      return true
    }
    res.writeHead(302, {
      location: '/sso/done/',
      'set-cookie': `token=${token}; Path=/; SameSite=Lax; HttpOnly`,
      'content-length': 0,
    })
    res.end()
    return true
  }
  if (path === '/sso/done/' && (method === 'GET' || method === 'HEAD')) {
    const token = parseCookies(req.headers.cookie).token
    const user = token ? ctx.store.ssoUserByToken(token) : undefined
    const body = user
      ? `<p id="signed-in">Signed in as <strong>${escapeHtml(`${user.first_name_fa} ${user.last_name_fa}`)}</strong>.</p>
<p>You can close this window.</p>`
      : '<p>Not signed in. <a href="/sso/login/">Sign in</a></p>'
    sendPlainHtml(req, res, 200, page(user ? 'Signed in' : 'Not signed in', body))
    return true
  }
  return false
}
