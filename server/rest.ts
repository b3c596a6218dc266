/** REST routes R1–R10 (PROTOCOL §2) with their exact shapes, statuses and error bodies. */
import { createReadStream, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'
import type { Ctx } from './context'
import type { GroupRow, SsoUserRow, UserRow } from './db'
import {
  BodyTooLarge, clientIp, parseCookies, readBody, sendEnvelope, sendFlat, sendHtml500, sendJson, sendNotFoundPage,
} from './http'
import { createGroup, ensureProfile, registerFromSso } from './model'
import { defaultAvatarPng } from './png'
import {
  R8_CREATED, R8_EXISTS, addMemberMessage, deriveSlug, joinedName, mangledAvatar, mediaPath, normalizeUuid,
  privateChatListNames, removeMemberMessage, spacedName, utcTimestamp,
} from './quirks'
import { resolvePairRoom } from './rooms'

/** An unhandled exception on the production server → Django's HTML 500 page (§1.4). */
class Crash extends Error {
  constructor(readonly exc: string, detail: string) { super(detail) }
}
class JsonParseError extends Error {}

const MIME: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.svg': 'image/svg+xml', '.bmp': 'image/bmp', '.ico': 'image/vnd.microsoft.icon', '.pdf': 'application/pdf',
  '.txt': 'text/plain', '.csv': 'text/csv', '.json': 'application/json', '.zip': 'application/zip',
  '.mp3': 'audio/mpeg', '.ogg': 'audio/ogg', '.wav': 'audio/x-wav', '.mp4': 'video/mp4', '.webm': 'video/webm',
  '.doc': 'application/msword', '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel', '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}
export function mimeFor(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

interface Req {
  ctx: Ctx
  req: IncomingMessage
  res: ServerResponse
  url: URL
  sso: SsoUserRow
  token: string
  params: string[]
}

type Handler = (r: Req) => Promise<void> | void

interface Route { id: string; re: RegExp; method: 'GET' | 'POST'; handler: Handler }

const ROUTES: Route[] = [
  { id: 'R1', re: /^\/cht\/save-user-data\/$/, method: 'GET', handler: r1SaveUserData },
  { id: 'R2', re: /^\/cht\/api\/groups\/create\/$/, method: 'POST', handler: r2CreateGroup },
  { id: 'R3', re: /^\/cht\/api\/groups\/$/, method: 'GET', handler: r3Groups },
  { id: 'R4', re: /^\/cht\/api\/group_chat\/([^/]+)\/$/, method: 'POST', handler: r4Members },
  { id: 'R5', re: /^\/cht\/api\/groups\/([^/]+)\/chat\/$/, method: 'GET', handler: r5GroupChat },
  { id: 'R6', re: /^\/cht\/api\/users-info\/$/, method: 'GET', handler: r6UsersInfo },
  { id: 'R7', re: /^\/cht\/api\/user\/profile\/$/, method: 'GET', handler: r7Profile },
  { id: 'R8', re: /^\/cht\/api\/privatechat\/([^/]+)\/$/, method: 'GET', handler: r8PrivateChat },
  { id: 'R9', re: /^\/cht\/api\/private-chat\/([^/]+)\/$/, method: 'GET', handler: r9PrivateHistory },
]

let defaultAvatar: Buffer | null = null

/** Returns false when the path is not a cht REST/media route (the caller then tries other handlers / 404s). */
export async function handleCht(ctx: Ctx, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname
  const method = req.method ?? 'GET'

  // R10: media without authentication, never counted, never throttled.
  if (path.startsWith('/cht/media/')) {
    serveMedia(ctx, req, res, path)
    return true
  }
  // R10: the real default avatar lives under /cht/static/ (the socket fallback /static/... is a 404).
  if (path === '/cht/static/profiles/default.png' && (method === 'GET' || method === 'HEAD')) {
    defaultAvatar ??= defaultAvatarPng()
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': defaultAvatar.length })
    res.end(method === 'HEAD' ? undefined : defaultAvatar)
    return true
  }

  let route: Route | undefined
  let m: RegExpExecArray | null = null
  for (const r of ROUTES) {
    m = r.re.exec(path)
    if (m) { route = r; break }
  }
  if (!route || !m) return false

  if (method === 'OPTIONS') {
    // §1.6 CORS preflight: any origin, with credentials.
    res.writeHead(200, {
      'access-control-allow-origin': req.headers.origin ?? '*',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type',
      'content-length': 0,
    })
    res.end()
    return true
  }

  const ip = clientIp(req)
  // Q12: a banned IP gets 429 for every REST request.
  if (ctx.throttle && ctx.limiter.isBanned(ip)) {
    ctx.limiter.noteThrottled()
    drain(req)
    sendEnvelope(req, res, 429, 'Request was throttled.')
    return true
  }

  // §1.1: the raw token is the WHOLE Authorization value (no scheme); else the `token` cookie; the header wins.
  const header = req.headers.authorization
  let token: string | undefined
  if (header !== undefined && header !== '') token = header
  else token = parseCookies(req.headers.cookie).token || undefined
  if (token === undefined) {
    drain(req)
    sendEnvelope(req, res, 401, 'Authentication credentials were not provided.')
    return true
  }
  const sso = ctx.store.ssoUserByToken(token)
  if (!sso) {
    drain(req)
    sendEnvelope(req, res, 401, 'Invalid token.')
    return true
  }

  // Q12: count authenticated requests; the (limit+1)-th in the window bans the IP.
  if (!ctx.limiter.count(ip) && ctx.throttle) {
    drain(req)
    sendEnvelope(req, res, 429, 'Request was throttled.')
    return true
  }

  ctx.limiter.stats.routes[route.id] = (ctx.limiter.stats.routes[route.id] ?? 0) + 1
  if (method !== route.method) {
    drain(req)
    sendEnvelope(req, res, 405, `Method "${method}" not allowed.`)
    return true
  }

  const params = m.slice(1).map((p) => safeDecode(p))
  try {
    await route.handler({ ctx, req, res, url, sso, token, params })
  } catch (e) {
    if (res.headersSent) { res.destroy(); return true }
    if (e instanceof BodyTooLarge) {
      sendJson(req, res, 413, {
        status: { code: 413, message: 'An error occurred.', type: 'fail' }, data: [],
        error: `Request body too large: the limit is ${ctx.bodyLimit} bytes.`,
      })
    } else if (e instanceof JsonParseError) {
      sendEnvelope(req, res, 400, `JSON parse error - ${e.message}`)
    } else if (e instanceof Crash) {
      sendHtml500(req, res, e.exc, e.message)
    } else {
      process.stderr.write(`[cht-server] unhandled error on ${method} ${path}: ${(e as Error)?.stack ?? e}\n`)
      sendHtml500(req, res, (e as Error)?.name ?? 'Exception', String((e as Error)?.message ?? e))
    }
  }
  return true
}

function drain(req: IncomingMessage): void {
  req.resume()
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s) } catch { return s }
}

async function jsonBody(r: Req): Promise<unknown> {
  const buf = await readBody(r.req, r.ctx.bodyLimit)
  const text = buf.toString('utf8')
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new JsonParseError((e as Error).message)
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** §1.2: routes that need the cht user row crash (HTML 500) when R1 was skipped. */
function requireUser(r: Req): UserRow {
  const u = r.ctx.store.user(r.sso.id)
  if (!u) throw new Crash('DoesNotExist', 'User matching query does not exist.')
  return u
}

function notFound(r: Req): void {
  sendEnvelope(r.req, r.res, 404, 'Not found.')
}

// ---------------------------------------------------------------- R1
function r1SaveUserData(r: Req): void {
  const result = registerFromSso(r.ctx.store, r.sso, r.token)
  if (result === 'created') return sendJson(r.req, r.res, 200, { message: 'User data created successfully.' })
  // §1.2: a second R1 for a user without a profile crashes AFTER the token update was saved.
  if (result === 'updated-no-profile') throw new Crash('RelatedObjectDoesNotExist', 'User has no userprofile.')
  sendJson(r.req, r.res, 200, { message: 'User data updated successfully.' })
}

// ---------------------------------------------------------------- R2
async function r2CreateGroup(r: Req): Promise<void> {
  const user = requireUser(r)
  const data = await jsonBody(r)
  if (!isObj(data)) throw new Crash('AttributeError', `'${Array.isArray(data) ? 'list' : typeof data}' object has no attribute 'get'`)
  // R2: a missing group_name or type is an unhandled KeyError → HTML 500.
  if (data.group_name === undefined || data.group_name === null) throw new Crash('KeyError', "'group_name'")
  if (data.type === undefined || data.type === null) throw new Crash('KeyError', "'type'")
  const name = String(data.group_name)
  const type = String(data.type)
  // R2: a given slug is stored verbatim (unvalidated, case kept); a missing one is derived by transliteration.
  const slug = typeof data.slug === 'string' && data.slug !== '' ? data.slug : deriveSlug(name)
  const store = r.ctx.store
  if (store.anyGroupByName(name)) return sendFlat(r.req, r.res, 400, 'این نام گروه قبلاً استفاده شده است.')
  if (store.anyGroupBySlug(slug)) return sendFlat(r.req, r.res, 400, 'این نامک قبلاً استفاده شده است.')
  const g = createGroup(store, user, name, slug, type)
  sendJson(r.req, r.res, 201, {
    id: g.id, name: g.name, slug: g.slug,
    created_by: joinedName(user), // Q2: no space in R2
    type: g.type, members_count: 1,
  })
}

// ---------------------------------------------------------------- R3
function r3Groups(r: Req): void {
  const user = requireUser(r)
  const store = r.ctx.store
  if (r.url.searchParams.get('type') === 'PrivateGroup') {
    // Q6: every room of a pair is listed (two after the race), each under its own slug.
    const out = store.privateRoomsOf(user.id).map((g) => {
      const names = privateChatListNames(user, store.user(g.created_by), g.target_user ? store.user(g.target_user) : undefined)
      return {
        id: g.id, name: g.name, slug: g.slug, created_by: names.created_by, target_user: names.target_user,
        members_count: 2, user_name: names.user_name,
      }
    })
    return sendJson(r.req, r.res, 200, out)
  }
  // Q10: items lack `type`; Q2: created_by has a space here.
  const out = store.groupsOf(user.id).map((g) => ({
    id: g.id, name: g.name, slug: g.slug, created_by: creatorName(r, g), members_count: store.membersCount(g.id),
  }))
  sendJson(r.req, r.res, 200, out)
}

function creatorName(r: Req, g: GroupRow): string {
  const c = r.ctx.store.user(g.created_by)
  return c ? spacedName(c) : ''
}

// ---------------------------------------------------------------- R4
async function r4Members(r: Req): Promise<void> {
  const store = r.ctx.store
  const group = store.groupBySlug(r.params[0])
  if (!group) { drain(r.req); return notFound(r) }
  const data = await jsonBody(r)
  const body = isObj(data) ? data : {}
  const action = body.action
  if (action !== 'add_member' && action !== 'remove_member') {
    return sendFlat(r.req, r.res, 400, 'پارامتر add_member یا remove_member ارسال نشده است.')
  }
  if (body.uuid === undefined || body.uuid === null || body.uuid === '') {
    return sendFlat(r.req, r.res, 400, 'UUID کاربر ارسال نشده است.')
  }
  const id = normalizeUuid(body.uuid)
  if (!id) return sendFlat(r.req, r.res, 400, 'UUID معتبر نیست.')
  const target = store.user(id)
  if (!target) return sendFlat(r.req, r.res, 404, 'کاربر یافت نشد.')
  if (action === 'add_member') {
    store.addMember(group.id, target.id)
    return sendJson(r.req, r.res, 200, {
      message: addMemberMessage(target, group.name),
      user: {
        id: target.id, nationalcode: target.nationalcode, first_name_fa: target.first_name_fa,
        last_name_fa: target.last_name_fa, usr_avatar: target.usr_avatar,
      },
    })
  }
  store.removeMember(group.id, target.id)
  sendJson(r.req, r.res, 200, { message: removeMemberMessage(target, group.name) })
}

// ---------------------------------------------------------------- R5
function profileObject(r: Req, u: UserRow, profileId: string) {
  return {
    id: profileId, user: u.id, first_name: u.first_name_fa, last_name: u.last_name_fa,
    avatar: mangledAvatar(u.usr_avatar), // Q4 (e)
    is_superuser: !!u.is_superuser,
  }
}

function r5GroupChat(r: Req): void {
  const user = requireUser(r)
  const store = r.ctx.store
  // R5: lookup is case-sensitive (binary collation); no membership check (Q14).
  const group = store.groupBySlug(r.params[0])
  if (!group) return notFound(r)
  const profile = store.profileOf(user.id)
  if (!profile) return sendFlat(r.req, r.res, 404, 'پروفایل کاربر یافت نشد.')
  const users = new Map<string, UserRow>()
  for (const u of store.users()) users.set(u.id, u)
  const messages = store.messages(group.id).map((m) => {
    const u = users.get(m.user_id)
    return {
      id: m.id, content: m.content, timestamp: utcTimestamp(m.created_us), user_id: m.user_id,
      user_name: u ? spacedName(u) : '', avatar: u ? mangledAvatar(u.usr_avatar) : null, group: group.id,
      file: m.file ? mediaPath(m.file) : null,
    }
  })
  sendJson(r.req, r.res, 200, {
    group: {
      id: group.id, name: group.name, slug: group.slug, type: group.type,
      members: store.members(group.id).map((u) => ({
        id: u.id, firstname: u.first_name_fa, lastname: u.last_name_fa, is_superuser: !!u.is_superuser, avatar: u.usr_avatar,
      })),
    },
    messages,
    // Q10: every registered user, members included.
    all_users: [...users.values()].map((u) => ({ id: u.id, firstname: u.first_name_fa, lastname: u.last_name_fa, avatar: u.usr_avatar })),
    user_profile: profileObject(r, user, profile.id),
  })
}

// ---------------------------------------------------------------- R6
function r6UsersInfo(r: Req): void {
  const store = r.ctx.store
  // §1.2: R6 crashes for everyone while any registered user lacks a profile.
  if (store.usersWithoutProfile() > 0) throw new Crash('RelatedObjectDoesNotExist', 'User has no userprofile.')
  const groupsByUser = new Map<string, { id: string; name: string; slug: string; type: string }[]>()
  for (const row of store.all<{ user_id: string; id: string; name: string; slug: string; type: string }>(
    `SELECT m.user_id, g.id, g.name, g.slug, g.type FROM memberships m JOIN groups g ON g.id = m.group_id
     WHERE g.is_private_chat = 0 ORDER BY g.seq`)) {
    const list = groupsByUser.get(row.user_id) ?? []
    list.push({ id: row.id, name: row.name, slug: row.slug, type: row.type })
    groupsByUser.set(row.user_id, list)
  }
  const all = store.all<UserRow & { profile_id: string }>(
    'SELECT u.*, p.id AS profile_id FROM users u JOIN profiles p ON p.user_id = u.id ORDER BY u.seq')
  sendJson(r.req, r.res, 200, {
    all_users: all.map((u) => ({
      profile_id: u.profile_id, id: u.id, firstname: u.first_name_fa, lastname: u.last_name_fa, avatar: u.usr_avatar,
      is_superuser: !!u.is_superuser, groups: groupsByUser.get(u.id) ?? [],
    })),
  })
}

// ---------------------------------------------------------------- R7
function r7Profile(r: Req): void {
  const user = requireUser(r)
  const store = r.ctx.store
  const p = ensureProfile(store, user.id)
  // Q10: a non-superuser asking get-all silently gets the single-object form.
  if (r.url.searchParams.get('get-all') === 'true' && user.is_superuser) {
    const all = store.all<UserRow & { profile_id: string }>(
      'SELECT u.*, p.id AS profile_id FROM profiles p JOIN users u ON u.id = p.user_id ORDER BY u.seq')
    return sendJson(r.req, r.res, 200, {
      message: 'All User Profiles Retrieved', data: all.map((u) => profileObject(r, u, u.profile_id)),
    })
  }
  sendJson(r.req, r.res, 200, {
    message: p.created ? 'New Profile Created' : 'User Profile Found', data: profileObject(r, user, p.id),
  })
}

// ---------------------------------------------------------------- R8
function r8PrivateChat(r: Req): void {
  const caller = requireUser(r)
  const store = r.ctx.store
  const id = normalizeUuid(r.params[0])
  if (!id) return sendFlat(r.req, r.res, 400, 'Invalid user ID format.')
  const target = store.user(id)
  if (!target) return notFound(r)
  // Q6: before the room exists the name depends on (caller, target) order, and nothing is created.
  const { existing, name } = resolvePairRoom(store, caller, target)
  sendJson(r.req, r.res, existing ? 200 : 201, {
    private_chat_id: name,
    message: existing ? R8_EXISTS : R8_CREATED,
    first_name: target.first_name_fa, last_name: target.last_name_fa,
    target_user: { userid: target.id, first_name: target.first_name_fa, last_name: target.last_name_fa },
  })
}

// ---------------------------------------------------------------- R9
function r9PrivateHistory(r: Req): void {
  const store = r.ctx.store
  const room = store.privateRoom(r.params[0].toLowerCase())
  if (!room) return notFound(r)
  const me = r.sso.id
  if (room.created_by !== me && room.target_user !== me) {
    return sendFlat(r.req, r.res, 403, 'You are not a member of this private chat group.')
  }
  const users = new Map<string, UserRow>()
  for (const u of store.users()) users.set(u.id, u)
  const name = (id: string | null) => { const u = id ? users.get(id) : undefined; return u ? spacedName(u) : '' }
  const avatar = (id: string | null) => (id ? users.get(id)?.usr_avatar ?? null : null)
  // Q5b: absolute file URLs built from the Host header, always http:// (production sits behind a TLS proxy).
  const host = r.req.headers.host ?? '127.0.0.1'
  const otherId = room.created_by === me ? room.target_user : room.created_by
  const other = otherId ? users.get(otherId) : undefined
  // R3: a room's target can be gone (target_user null): the room then has one member and nobody to chat with.
  const memberIds = [...new Set([room.created_by, room.target_user].filter((id): id is string => id !== null))]
  sendJson(r.req, r.res, 200, {
    private_group: {
      id: room.id, name: room.name, slug: room.slug,
      members: memberIds.map((id) => ({ id })),
      messages: store.messages(room.id).map((m) => ({
        id: m.id, content: m.content, timestamp: utcTimestamp(m.created_us),
        sender: m.user_id, sender_full_name: name(m.user_id), sender_avatar: avatar(m.user_id),
        recipient: m.recipient, recipient_full_name: name(m.recipient), recipient_avatar: avatar(m.recipient),
        file: m.file ? `http://${host}${mediaPath(m.file)}` : null, pvgroup: room.id,
      })),
      private_with: other ? { id: other.id, full_name: spacedName(other), avatar: other.usr_avatar } : null,
    },
  })
}

// ---------------------------------------------------------------- R10
function serveMedia(ctx: Ctx, req: IncomingMessage, res: ServerResponse, path: string): void {
  const method = req.method ?? 'GET'
  if (method !== 'GET' && method !== 'HEAD') return sendNotFoundPage(req, res)
  const rel = safeDecode(path.slice('/cht/media/'.length))
  const root = resolve(ctx.mediaDir)
  const full = resolve(join(root, rel))
  if (!full.startsWith(root + sep) || rel.includes('\0')) return sendNotFoundPage(req, res)
  let size: number
  try {
    const st = statSync(full)
    if (!st.isFile()) return sendNotFoundPage(req, res)
    size = st.size
  } catch {
    return sendNotFoundPage(req, res)
  }
  res.writeHead(200, { 'content-type': mimeFor(full), 'content-length': size, 'access-control-allow-origin': '*' })
  if (method === 'HEAD') { res.end(); return }
  const s = createReadStream(full)
  s.on('error', () => res.destroy())
  s.pipe(res)
}
