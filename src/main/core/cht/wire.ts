// THE wire (DESIGN §2): the only module that knows the cht server's raw shapes (PROTOCOL §2–§4).
// Every function turns parsed JSON (`unknown`, possibly hostile) into src/shared/model.ts types.
// Rules: pure (no I/O); per-item functions never throw (bad items are skipped / undefined); a whole
// unusable top-level body throws ChtError('bad-response'). Per-frame and per-message paths avoid
// per-call regex compilation, URL parsing where a cache will do, and JSON re-serialization.
import type { Attachment, Chat, ChatId, Message, MessagePreview, User } from '../../../shared/model'
import { cleanName, cleanText, stripUnsafe, truncate } from '../../../shared/text'
import { ChtError } from '../errors'

// ------------------------------------------------------------------ small readers

type Obj = Record<string, unknown>

/** A JSON object (not null, not an array), else undefined. */
function asObj(x: unknown): Obj | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : undefined
}
/** Own property only: a hostile body cannot make us read Object.prototype members. */
function get(o: Obj, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined
}
function str(o: Obj, k: string): string | undefined {
  const v = get(o, k)
  return typeof v === 'string' ? v : undefined
}
function nameOf(x: unknown): string {
  return typeof x === 'string' ? cleanName(x) : ''
}
function count(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : undefined
}
export function bad(what: string): ChtError {
  return new ChtError('bad-response', what)
}

// ------------------------------------------------------------------ ids (§1, Q3)

const UUID_HYPHENATED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const UUID_PLAIN = /^[0-9a-fA-F]{32}$/
const OTHER_ID = /^[A-Za-z0-9_.:@+-]{1,128}$/

/** §1: a UUID with or without hyphens, any case → lowercase hyphenated; anything else → undefined. */
export function normalizeUuid(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined
  if (raw.length === 36 && UUID_HYPHENATED.test(raw)) return raw.toLowerCase()
  if (raw.length === 32 && UUID_PLAIN.test(raw)) {
    const h = raw.toLowerCase()
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  }
  return undefined
}

/**
 * §1: any server id (message ids may be integers) → a string safe for keys and ChatIds:
 * a UUID normalized; a safe integer or a short ASCII token as is; anything else undefined.
 */
export function normalizeId(raw: unknown): string | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? String(raw) : undefined
  if (typeof raw !== 'string') return undefined
  return normalizeUuid(raw) ?? (OTHER_ID.test(raw) ? raw : undefined)
}

// ------------------------------------------------------------------ endpoints (§1, §3)

interface Origin {
  /** "https://host[:port]" */
  origin: string
  host: string
  protocol: 'http:' | 'https:'
}

// One-entry cache: the configured origin is the same on every call of a hot path.
let lastOriginInput: string | undefined
let lastOrigin: Origin | undefined

function parseOrigin(origin: string): Origin | undefined {
  if (origin === lastOriginInput) return lastOrigin
  let parsed: Origin | undefined
  try {
    const u = new URL(origin)
    if ((u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password) {
      parsed = { origin: u.origin, host: u.host, protocol: u.protocol }
    }
  } catch {
    parsed = undefined
  }
  lastOriginInput = origin
  lastOrigin = parsed
  return parsed
}

function requireOrigin(origin: string): Origin {
  const o = parseOrigin(origin)
  if (!o) throw new ChtError('invalid-input', 'server origin must be an http(s) URL')
  return o
}

const SOCKET_SEGMENT = /^[A-Za-z0-9_]+$/

/** §3: socket path segments must match `\w+` — no hyphen, no dot (ASCII only on our side, stricter than needed). */
export function isSocketSegment(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 200 && SOCKET_SEGMENT.test(s)
}

/** §1: `<origin>/cht/` — every REST route hangs off it and ends with a slash. */
export function restBase(origin: string): string {
  return `${requireOrigin(origin).origin}/cht/`
}

function socketBase(origin: string): string {
  const o = requireOrigin(origin)
  return `${o.protocol === 'https:' ? 'wss:' : 'ws:'}//${o.host}/cht/ws/`
}

/** W1 `/cht/ws/chat/<slug>/`. Throws 'group.not-live' when the slug has no socket route (§3, Q7). */
export function groupSocketUrl(origin: string, slug: string): string {
  if (!isSocketSegment(slug)) throw new ChtError('group.not-live', 'slug has no socket route')
  return `${socketBase(origin)}chat/${slug}/`
}

/** W2 `/cht/ws/private_chat/<room>/` (room = R8 `private_chat_id`). */
export function directSocketUrl(origin: string, room: string): string {
  if (!isSocketSegment(room)) throw new ChtError('invalid-input', 'room name has no socket route')
  return `${socketBase(origin)}private_chat/${room}/`
}

/** ChatIds (model.ts): `group:<slug>` / `direct:<peer user id>`. */
export function groupChatId(slug: string): ChatId {
  return `group:${slug}`
}
export function directChatId(peerId: string): ChatId {
  return `direct:${peerId}`
}

// Slugs are stored verbatim by R2 (any text). Only those usable in a ChatId (contract: no whitespace, ≤ 200) are kept.
const USABLE_SLUG = /^[^\s\u0000-\u001f\u007f-\u009f]{1,190}$/ // eslint-disable-line no-control-regex

function slugOf(x: unknown): string | undefined {
  return typeof x === 'string' && USABLE_SLUG.test(x) && stripUnsafe(x) === x ? x : undefined
}

// ------------------------------------------------------------------ Q2 names

/** Q2: "first last" from separate parts (R5/R6 firstname/lastname, R7/R8 first_name/last_name, R1/R4 *_fa). */
export function displayName(first?: unknown, last?: unknown): string {
  const f = typeof first === 'string' ? first : ''
  const l = typeof last === 'string' ? last : ''
  return cleanName(`${f} ${l}`)
}

/** Q2: id → User lookups, so names are resolved from ids instead of the shape's name field. */
export function directoryOf(users: Iterable<User>): Map<string, User> {
  const m = new Map<string, User>()
  for (const u of users) if (!m.has(u.id)) m.set(u.id, u)
  return m
}

// ------------------------------------------------------------------ Q4 avatars

const NO_AVATAR = new Set(['null', 'none', '/cht/media/null', '/cht/media/none', '/static/profiles/default.png', '/cht/static/profiles/default.png'])
const MANGLED = /^\/cht\/media\/(https?)%3A\/+(.+)$/i
const URL_MAX = 4096
const ABSOLUTE = /^https?:\/\//i

function absoluteHttpUrl(s: string): string | undefined {
  if (s.length > URL_MAX) return undefined
  try {
    const u = new URL(s)
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || !u.host) return undefined
    return u.href
  } catch {
    return undefined
  }
}

/** A path on the configured origin, kept only if it still lies under `prefix` after URL normalization ("..", %2e). */
function onOrigin(path: string, o: Origin, prefix: string): string | undefined {
  if (path.length > URL_MAX) return undefined
  try {
    const u = new URL(path, o.origin + '/')
    // Must name a file under the prefix: not the directory itself, not a directory listing.
    if (u.origin !== o.origin || !u.pathname.startsWith(prefix) || u.pathname.endsWith('/')) return undefined
    return o.origin + u.pathname
  } catch {
    return undefined
  }
}

// Bounded memo for the configured origin: the same few avatar strings repeat on every frame and history item.
const avatarMemo = new Map<string, string | undefined>()
let avatarMemoOrigin = ''

/**
 * Q4: (a) absolute http(s) URL kept; (b) null, (c) "", (d) "Null", "/cht/media/Null", "/static/profiles/default.png"
 * → undefined; (e) "/cht/media/https%3A/host/path" → "https://host/path"; other `/cht/…` paths → on the origin;
 * anything else (javascript:, data:, garbage) → undefined.
 */
export function avatarUrl(raw: unknown, origin: string): string | undefined {
  if (typeof raw !== 'string' || raw.length > URL_MAX) return undefined
  if (origin !== avatarMemoOrigin) {
    avatarMemo.clear()
    avatarMemoOrigin = origin
  }
  const hit = avatarMemo.get(raw)
  if (hit !== undefined || avatarMemo.has(raw)) return hit
  const out = computeAvatarUrl(raw, origin)
  if (avatarMemo.size >= 512) avatarMemo.clear()
  avatarMemo.set(raw, out)
  return out
}

function computeAvatarUrl(raw: string, origin: string): string | undefined {
  const s = raw.trim()
  if (s === '' || NO_AVATAR.has(s.toLowerCase())) return undefined
  const m = MANGLED.exec(s)
  if (m) return absoluteHttpUrl(`${m[1].toLowerCase()}://${m[2]}`)
  if (s.startsWith('/cht/')) {
    const o = parseOrigin(origin)
    return o ? onOrigin(s, o, '/cht/') : undefined
  }
  if (ABSOLUTE.test(s)) return absoluteHttpUrl(s)
  return undefined
}

// ------------------------------------------------------------------ Q5 timestamps

// Strict ISO-8601 as Django/Channels emit it (Q5): YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM).
// Hand-parsed by position (it runs once per history item and live frame); nothing lenient is accepted.
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** `n` ASCII digits at `i` as a number, or -1. */
function digitsAt(s: string, i: number, n: number): number {
  let v = 0
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

/**
 * Q5: REST `…Z` (UTC, microseconds) and W1 `…+03:30` (Tehran) → epoch ms; fraction truncated to ms.
 * Garbage, impossible dates and lenient forms Date.parse would accept → undefined.
 */
export function parseTimestamp(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined
  const s = raw
  const len = s.length
  if (len < 20 || len > 40) return undefined
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined // - - T : :
  const y = digitsAt(s, 0, 4), mo = digitsAt(s, 5, 2), d = digitsAt(s, 8, 2)
  const h = digitsAt(s, 11, 2), mi = digitsAt(s, 14, 2), sec = digitsAt(s, 17, 2)
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined
  const leap = mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)
  if (d > MONTH_DAYS[mo - 1] + (leap ? 1 : 0)) return undefined
  let i = 19
  let ms = 0
  if (s.charCodeAt(i) === 46) { // '.'
    const start = ++i
    while (i < len && i - start < 10) {
      const c = s.charCodeAt(i) - 48
      if (c < 0 || c > 9) break
      if (i - start < 3) ms = ms * 10 + c
      i++
    }
    const n = i - start
    if (n < 1 || n > 9) return undefined
    if (n === 1) ms *= 100
    else if (n === 2) ms *= 10
  }
  let offsetMin = 0
  const z = s.charCodeAt(i)
  if (z === 90 && i + 1 === len) { // 'Z'
    offsetMin = 0
  } else if ((z === 43 || z === 45) && i + 6 === len && s.charCodeAt(i + 3) === 58) { // ± hh : mm
    const oh = digitsAt(s, i + 1, 2), om = digitsAt(s, i + 4, 2)
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined
    offsetMin = (oh * 60 + om) * (z === 45 ? -1 : 1)
  } else {
    return undefined
  }
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000
}

// ------------------------------------------------------------------ Q5b files

const MEDIA_PREFIX = '/cht/media/'
// Fast path for the common server path shape; anything unusual goes through the URL parser.
const PLAIN_MEDIA_PATH = /^\/cht\/media\/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*\/)*[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/

/**
 * Q5b: a file URL on the CONFIGURED origin, or undefined. Relative `/cht/media/…` (R5, W1, W2) is resolved against
 * the origin; absolute ones (R9, maybe `http://` behind TLS, any host) are rewritten to the origin's scheme and host
 * keeping the path — only when that path is under `/cht/media/`.
 */
export function fileUrl(raw: unknown, origin: string): string | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined
  const o = parseOrigin(origin)
  if (!o) return undefined
  if (raw.startsWith(MEDIA_PREFIX)) {
    if (PLAIN_MEDIA_PATH.test(raw) && raw.length <= URL_MAX) return o.origin + raw
    return onOrigin(raw, o, MEDIA_PREFIX)
  }
  if (!ABSOLUTE.test(raw) || raw.length > URL_MAX) return undefined
  let path: string
  try {
    const u = new URL(raw)
    if (u.username || u.password) return undefined
    path = u.pathname
  } catch {
    return undefined
  }
  return path.startsWith(MEDIA_PREFIX) ? onOrigin(path, o, MEDIA_PREFIX) : undefined
}

const QUERY_OR_HASH = /[?#]/
const SLASHES = /[\\/]/g

/** A readable name from a file URL's last path segment (the server renames uploads: Q5b). */
export function fileNameFromUrl(url: string): string {
  let s = url
  const cut = s.search(QUERY_OR_HASH)
  if (cut >= 0) s = s.slice(0, cut)
  s = s.slice(s.lastIndexOf('/') + 1)
  try {
    s = decodeURIComponent(s)
  } catch {
    // keep the raw segment
  }
  return cleanName(s.replace(SLASHES, '_')) || 'file'
}

const MIME: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  svg: 'image/svg+xml', bmp: 'image/bmp', ico: 'image/x-icon', heic: 'image/heic',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', json: 'application/json',
  zip: 'application/zip', rar: 'application/vnd.rar', '7z': 'application/x-7z-compressed',
  gz: 'application/gzip', tar: 'application/x-tar',
  doc: 'application/msword', xls: 'application/vnd.ms-excel', ppt: 'application/vnd.ms-powerpoint',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime', mkv: 'video/x-matroska',
  mp3: 'audio/mpeg', ogg: 'audio/ogg', wav: 'audio/wav', m4a: 'audio/mp4',
}
// No svg: it is a document that can carry script; shown as a file, never inline.
const IMAGE_EXT = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp'])

function extOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot < 0 || dot === name.length - 1 ? '' : name.slice(dot + 1).toLowerCase()
}

/** MIME type from a file name's extension (small table), or undefined when unknown. */
export function mimeFromName(name: string): string | undefined {
  const e = extOf(name)
  return Object.prototype.hasOwnProperty.call(MIME, e) ? MIME[e] : undefined
}

/** Raster images the UI may show inline: png, jpeg/jpg, gif, webp (never svg). */
export function isImageName(name: string): boolean {
  return IMAGE_EXT.has(extOf(name))
}

/** An Attachment for a (normalized) file URL; `name` overrides the URL-derived one (own sends keep the original). */
export function attachmentOf(url: string, name?: string): Attachment {
  const n = name === undefined ? fileNameFromUrl(url) : cleanName(name) || fileNameFromUrl(url)
  const mime = mimeFromName(n) ?? mimeFromName(url)
  // Images are judged by the server's stored extension (it keeps only the extension: W1).
  const a: Attachment = { url, name: n, isImage: isImageName(fileNameFromUrl(url)) }
  if (mime) a.mime = mime
  return a
}

// ------------------------------------------------------------------ Q7 slugs

const LIVE_SLUG = /^[a-z0-9_]+$/

/** Q7: W1 stores under the group whose NAME equals the URL slug, and the slug must be a socket segment. */
export function isLiveGroup(name: unknown, slug: unknown): boolean {
  return typeof slug === 'string' && name === slug && LIVE_SLUG.test(slug)
}

// ------------------------------------------------------------------ users (R1, R4, R5, R6, R7, R8)

function makeUser(id: string, name: string, avatar: string | undefined, isSuperuser: boolean): User {
  const u: User = { id, name, isSuperuser }
  if (avatar) u.avatarUrl = avatar
  return u
}

/** R1: `{"message":"User data created|updated successfully."}`. Throws 'bad-response' on anything else. */
export function savedUserFromR1(body: unknown): 'created' | 'updated' {
  const o = asObj(body)
  const msg = o && str(o, 'message')
  if (msg === undefined) throw bad('R1: no message')
  return msg.includes('created') ? 'created' : 'updated'
}

/** R6 item `{profile_id, id, firstname, lastname, avatar, is_superuser, groups:[{slug,…}]}`. id = user id (Q3). */
export function userFromR6(item: unknown, origin: string): User | undefined {
  const o = asObj(item)
  const id = o && normalizeUuid(get(o, 'id'))
  if (!o || !id) return undefined
  const u = makeUser(id, displayName(get(o, 'firstname'), get(o, 'lastname')), avatarUrl(get(o, 'avatar'), origin), get(o, 'is_superuser') === true)
  const groups = get(o, 'groups')
  if (Array.isArray(groups)) {
    const slugs: string[] = []
    for (const g of groups) {
      const go = asObj(g)
      const slug = go && slugOf(get(go, 'slug'))
      if (slug) slugs.push(slug)
    }
    u.groups = slugs
  }
  return u
}

function usersFrom(list: unknown[], one: (x: unknown, origin: string) => User | undefined, origin: string): User[] {
  const out: User[] = []
  const seen = new Set<string>()
  for (let i = 0; i < list.length; i++) {
    const u = one(list[i], origin)
    if (u && !seen.has(u.id)) {
      seen.add(u.id)
      out.push(u)
    }
  }
  return out
}

/** R6 `{"all_users":[…]}` → every user (deduplicated by id). */
export function usersFromR6(body: unknown, origin: string): User[] {
  const o = asObj(body)
  const list = o && get(o, 'all_users')
  if (!Array.isArray(list)) throw bad('R6: no all_users')
  return usersFrom(list, userFromR6, origin)
}

/** R5 `group.members[]` item `{id, firstname, lastname, is_superuser, avatar}`. */
export function userFromR5Member(item: unknown, origin: string): User | undefined {
  const o = asObj(item)
  const id = o && normalizeUuid(get(o, 'id'))
  if (!o || !id) return undefined
  return makeUser(id, displayName(get(o, 'firstname'), get(o, 'lastname')), avatarUrl(get(o, 'avatar'), origin), get(o, 'is_superuser') === true)
}

/** R5 `all_users` (every registered user, members included — Q10); no superuser flag there. */
export function usersFromR5AllUsers(list: unknown, origin: string): User[] {
  return Array.isArray(list) ? usersFrom(list, userFromR5Member, origin) : []
}

/** R7 / R5 `user_profile` object `{id:<profile id>, user:<user id>, first_name, last_name, avatar, is_superuser}` (Q3). */
export function userFromProfile(item: unknown, origin: string): User | undefined {
  const o = asObj(item)
  const id = o && normalizeUuid(get(o, 'user'))
  if (!o || !id) return undefined
  return makeUser(id, displayName(get(o, 'first_name'), get(o, 'last_name')), avatarUrl(get(o, 'avatar'), origin), get(o, 'is_superuser') === true)
}

/**
 * R7 → the signed-in user. `data` is normally one object (Q10); if an array arrives (get-all), the entry whose
 * `user` is `meId` is taken, and without `meId` the body is unusable.
 */
export function sessionUserFromR7(body: unknown, origin: string, meId?: string): User {
  const o = asObj(body)
  const data = o && get(o, 'data')
  if (Array.isArray(data)) {
    const me = meId === undefined ? undefined : normalizeUuid(meId)
    const found = me === undefined ? undefined : profilesFromR7(body, origin).find((u) => u.id === me)
    if (!found) throw bad('R7: profile list without the signed-in user')
    return found
  }
  const u = userFromProfile(data, origin)
  if (!u) throw bad('R7: no profile')
  return u
}

/** R7 `?get-all=true` → every profile as a User (a non-superuser silently gets the single-object form: Q10). */
export function profilesFromR7(body: unknown, origin: string): User[] {
  const o = asObj(body)
  const data = o && get(o, 'data')
  if (Array.isArray(data)) return usersFrom(data, userFromProfile, origin)
  const u = userFromProfile(data, origin)
  if (!u) throw bad('R7: no profile')
  return [u]
}

/** R4 answer: the flat message, and on add the added user `{id, nationalcode, first_name_fa, last_name_fa, usr_avatar}`. */
export function memberChangeFromR4(body: unknown, origin: string): { message: string; user?: User } {
  const o = asObj(body)
  const message = o && str(o, 'message')
  if (!o || message === undefined) throw bad('R4: no message')
  const uo = asObj(get(o, 'user'))
  const id = uo && normalizeUuid(get(uo, 'id'))
  const out: { message: string; user?: User } = { message: cleanName(message) }
  if (uo && id) out.user = makeUser(id, displayName(get(uo, 'first_name_fa'), get(uo, 'last_name_fa')), avatarUrl(get(uo, 'usr_avatar'), origin), false)
  return out
}

// ------------------------------------------------------------------ chats (R2, R3, R8)

function groupChat(o: Obj, slug: string): Chat {
  const name = get(o, 'name')
  const c: Chat = {
    id: groupChatId(slug),
    kind: 'group',
    title: nameOf(name) || slug,
    slug,
    live: isLiveGroup(name, slug),
    unread: 0,
  }
  const createdBy = nameOf(get(o, 'created_by'))
  if (createdBy) c.createdBy = createdBy
  const n = count(get(o, 'members_count'))
  if (n !== undefined) c.membersCount = n
  return c
}

/** R2 201 `{id, name, slug, created_by:"<first><last>", type, members_count}` → the new group. */
export function groupFromR2(body: unknown): Chat {
  const o = asObj(body)
  const slug = o && slugOf(get(o, 'slug'))
  if (!o || !slug) throw bad('R2: no usable slug')
  return groupChat(o, slug)
}

/**
 * R3 (no type) → my groups. Items have no `type` (Q10); `live` per Q7. Items without a usable slug are skipped
 * (a slug with whitespace cannot be a ChatId; it has no socket route either).
 */
export function groupsFromR3(body: unknown, _origin?: string): Chat[] {
  if (!Array.isArray(body)) throw bad('R3: not a list')
  const out: Chat[] = []
  const seen = new Set<string>()
  for (const item of body) {
    const o = asObj(item)
    const slug = o && slugOf(get(o, 'slug'))
    if (!o || !slug || seen.has(slug)) continue
    seen.add(slug)
    out.push(groupChat(o, slug))
  }
  return out
}

/** One room of R3 `?type=PrivateGroup`: only its slug identifies it — the people in it are named, never id'd. */
export interface R3Room {
  room: string
  /** `user_name` (the other party's display name — wrong when both share a first name): a fallback title. */
  title: string
}

/**
 * R3 `?type=PrivateGroup` → the rooms (deduplicated). `created_by`, `target_user` and `user_name` are display
 * names, `target_user` may be null (R3, Q2): the pair a room belongs to is learned from R9 (`private_with.id`).
 */
export function roomsFromR3(body: unknown): R3Room[] {
  if (!Array.isArray(body)) throw bad('R3: not a list')
  const out: R3Room[] = []
  const seen = new Set<string>()
  for (const item of body) {
    const o = asObj(item)
    if (!o) continue
    const slug = get(o, 'slug')
    const name = get(o, 'name')
    const room = isSocketSegment(slug) ? slug : isSocketSegment(name) ? name : undefined
    if (!room || seen.has(room)) continue
    seen.add(room)
    out.push({ room, title: nameOf(get(o, 'user_name')) || room })
  }
  return out
}

/** A direct Chat once the peer is known (title: the peer's resolved name — Q2 — else the R3 fallback). */
export function directChat(room: string | undefined, peer: User, fallbackTitle?: string): Chat {
  const c: Chat = {
    id: directChatId(peer.id),
    kind: 'direct',
    title: peer.name || fallbackTitle || peer.id,
    peerId: peer.id,
    live: true,
    unread: 0,
  }
  if (room) c.room = room
  if (peer.avatarUrl) c.avatarUrl = peer.avatarUrl
  return c
}

/**
 * R8 → the room to use with a user. `existed` is status 200 (201 = computed name, nothing created yet: Q6).
 * `peer` from `target_user {userid, first_name, last_name}` (no avatar, no superuser flag in R8).
 */
export function roomFromR8(body: unknown, status: number): { room: string; existed: boolean; peer: User } {
  const o = asObj(body)
  const room = o && get(o, 'private_chat_id')
  const t = o && asObj(get(o, 'target_user'))
  const id = t && normalizeUuid(get(t, 'userid'))
  if (!o || !isSocketSegment(room) || !t || !id) throw bad('R8: no room or target')
  return { room, existed: status === 200, peer: makeUser(id, displayName(get(t, 'first_name'), get(t, 'last_name')), undefined, false) }
}

// ------------------------------------------------------------------ histories (R5, R9)

export interface HistoryContext {
  origin: string
  meId: string
  /** Q2: known users (R6) to resolve sender names by id; R5's own `all_users` is used first. */
  directory?: ReadonlyMap<string, User>
}

/**
 * Keeps server order (Q5: ascending) and only re-sorts — stably — when the server broke it.
 * A missing/garbled timestamp inherits the previous message's time rather than dropping the message.
 */
function finishOrder(messages: Message[], outOfOrder: boolean): Message[] {
  if (outOfOrder) messages.sort((a, b) => a.at - b.at)
  return messages
}

/** Per-call memo for strings that repeat across thousands of history items (avatars, fallback names). */
function memo<T>(fn: (s: string) => T): (raw: unknown) => T | undefined {
  const cache = new Map<string, T>()
  return (raw) => {
    if (typeof raw !== 'string') return undefined
    let v = cache.get(raw)
    if (v === undefined && !cache.has(raw)) {
      v = fn(raw)
      cache.set(raw, v)
    }
    return v
  }
}

export interface GroupHistory {
  chat: Pick<Chat, 'id' | 'kind' | 'title' | 'slug' | 'live'>
  members: User[]
  /** R5 `all_users` (every registered user — Q10). */
  directory: User[]
  /** R5 `user_profile`, when present. */
  me?: User
  messages: Message[]
}

/** R5 `{group:{…,members}, messages:[…], all_users, user_profile}` → the group, its people and its whole history. */
export function groupHistoryFromR5(body: unknown, ctx: HistoryContext): GroupHistory {
  const o = asObj(body)
  const g = o && asObj(get(o, 'group'))
  const slug = g && slugOf(get(g, 'slug'))
  const rawMessages = o && get(o, 'messages')
  if (!o || !g || !slug || !Array.isArray(rawMessages)) throw bad('R5: no group or messages')
  const { origin } = ctx
  const me = normalizeUuid(ctx.meId) ?? ctx.meId
  const name = get(g, 'name')
  const chatId = groupChatId(slug)
  const members = usersFromR5AllUsers(get(g, 'members'), origin)
  const directory = usersFromR5AllUsers(get(o, 'all_users'), origin)

  // Q2: names by id — R5's members and all_users first, then the caller's directory.
  const byId = new Map<string, User>()
  for (const u of members) byId.set(u.id, u)
  for (const u of directory) if (!byId.has(u.id)) byId.set(u.id, u)
  const outer = ctx.directory

  const avatar = memo((s) => avatarUrl(s, origin))
  const fallbackName = memo(cleanName)
  const idOf = memo(normalizeUuid)

  const messages: Message[] = []
  let lastAt = 0
  let outOfOrder = false
  for (let i = 0; i < rawMessages.length; i++) {
    const item = asObj(rawMessages[i])
    if (!item) continue
    const serverId = normalizeId(get(item, 'id'))
    if (serverId === undefined) continue
    const senderId = idOf(get(item, 'user_id'))
    const known = senderId === undefined ? undefined : byId.get(senderId) ?? outer?.get(senderId)
    const content = get(item, 'content')
    let at = parseTimestamp(get(item, 'timestamp'))
    if (at === undefined) at = lastAt
    else if (at < lastAt) outOfOrder = true
    lastAt = at
    const m: Message = {
      key: 'g:' + serverId, // R5 ids number the server's group messages; R9's its private ones: keys apart
      serverId,
      chatId,
      senderName: known?.name || fallbackName(get(item, 'user_name')) || '',
      text: typeof content === 'string' ? cleanText(content) : '',
      at,
      own: senderId !== undefined && senderId === me,
      status: 'sent',
    }
    if (senderId !== undefined) m.senderId = senderId
    const av = avatar(get(item, 'avatar')) ?? known?.avatarUrl
    if (av) m.senderAvatarUrl = av
    const f = get(item, 'file')
    if (typeof f === 'string' && f !== '') {
      const url = fileUrl(f, origin)
      if (url) m.file = attachmentOf(url)
    }
    messages.push(m)
  }

  const out: GroupHistory = {
    chat: { id: chatId, kind: 'group', title: nameOf(name) || slug, slug, live: isLiveGroup(name, slug) },
    members,
    directory,
    messages: finishOrder(messages, outOfOrder),
  }
  const profile = userFromProfile(get(o, 'user_profile'), origin)
  if (profile) out.me = profile
  return out
}

export interface DirectHistoryContext extends HistoryContext {
  /** The chat's peer when the caller already knows it (its ChatId is `direct:<peerId>`). */
  peerId?: string
}

export interface DirectHistory {
  room: string
  members: User[]
  peer: User
  messages: Message[]
}

/**
 * R9 `{private_group:{id,name,slug,members:[{id}],messages:[…],private_with:{id,full_name,avatar}}}`
 * → the room, its two people and its whole history. File URLs there are absolute, maybe `http://` (Q5b).
 */
export function directHistoryFromR9(body: unknown, ctx: DirectHistoryContext): DirectHistory {
  const o = asObj(body)
  const pg = o && asObj(get(o, 'private_group'))
  const rawMessages = pg && get(pg, 'messages')
  const slug = pg && get(pg, 'slug')
  const room = isSocketSegment(slug) ? slug : pg && isSocketSegment(get(pg, 'name')) ? (get(pg, 'name') as string) : undefined
  if (!pg || !room || !Array.isArray(rawMessages)) throw bad('R9: no private_group')
  const { origin } = ctx
  const me = normalizeUuid(ctx.meId) ?? ctx.meId
  const outer = ctx.directory

  // Names seen in the history, by id (R9 carries full names beside every sender/recipient id).
  const seenNames = new Map<string, string>()
  const idOf = memo(normalizeUuid)
  const fallbackName = memo(cleanName)
  const avatar = memo((s) => avatarUrl(s, origin))

  const pw = asObj(get(pg, 'private_with'))
  const pwId = pw && normalizeUuid(get(pw, 'id'))
  const peerId = (ctx.peerId !== undefined ? normalizeUuid(ctx.peerId) ?? ctx.peerId : undefined) ?? pwId

  const memberIds: string[] = []
  const rawMembers = get(pg, 'members')
  if (Array.isArray(rawMembers)) {
    for (const mm of rawMembers) {
      const mo = asObj(mm)
      const id = mo && normalizeUuid(get(mo, 'id'))
      if (id && !memberIds.includes(id)) memberIds.push(id)
    }
  }
  const otherId = peerId ?? memberIds.find((id) => id !== me) ?? memberIds[0]
  if (!otherId) throw bad('R9: no peer')
  const chatId = directChatId(otherId)

  const messages: Message[] = []
  let lastAt = 0
  let outOfOrder = false
  for (let i = 0; i < rawMessages.length; i++) {
    const item = asObj(rawMessages[i])
    if (!item) continue
    const serverId = normalizeId(get(item, 'id'))
    if (serverId === undefined) continue
    const senderId = idOf(get(item, 'sender'))
    const claimed = fallbackName(get(item, 'sender_full_name'))
    if (senderId !== undefined && claimed && !seenNames.has(senderId)) seenNames.set(senderId, claimed)
    const recipientId = idOf(get(item, 'recipient'))
    if (recipientId !== undefined && !seenNames.has(recipientId)) {
      const rn = fallbackName(get(item, 'recipient_full_name'))
      if (rn) seenNames.set(recipientId, rn)
    }
    const known = senderId === undefined ? undefined : outer?.get(senderId)
    const content = get(item, 'content')
    let at = parseTimestamp(get(item, 'timestamp'))
    if (at === undefined) at = lastAt
    else if (at < lastAt) outOfOrder = true
    lastAt = at
    const m: Message = {
      key: 'p:' + serverId,
      serverId,
      chatId,
      senderName: known?.name || claimed || '',
      text: typeof content === 'string' ? cleanText(content) : '',
      at,
      own: senderId !== undefined && senderId === me,
      status: 'sent',
    }
    if (senderId !== undefined) m.senderId = senderId
    const av = avatar(get(item, 'sender_avatar')) ?? known?.avatarUrl
    if (av) m.senderAvatarUrl = av
    const f = get(item, 'file')
    if (typeof f === 'string' && f !== '') {
      const url = fileUrl(f, origin)
      if (url) m.file = attachmentOf(url)
    }
    messages.push(m)
  }

  const userFor = (id: string): User => {
    const d = outer?.get(id)
    if (d) return d
    if (pw && id === pwId) return makeUser(id, nameOf(get(pw, 'full_name')) || seenNames.get(id) || '', avatarUrl(get(pw, 'avatar'), origin), false)
    return makeUser(id, seenNames.get(id) ?? '', undefined, false)
  }
  const peer = userFor(otherId)
  if (!memberIds.includes(otherId)) memberIds.push(otherId)
  return { room, members: memberIds.map(userFor), peer, messages: finishOrder(messages, outOfOrder) }
}

const WHITESPACE = /\s+/g

/** What the chat list shows for a message. */
export function previewOf(message: Message): MessagePreview {
  const raw = message.text || message.file?.name || ''
  return {
    senderName: message.senderName,
    ...(message.own ? { own: true } : {}),
    text: truncate(raw.replace(WHITESPACE, ' ').trim(), 200),
    isFile: message.file !== undefined,
    at: message.at,
  }
}

// ------------------------------------------------------------------ live frames (W1, W2)

export interface LiveFrame {
  kind: 'text' | 'file'
  /** Message text ('' for files). */
  text: string
  /** Q5b-normalized; undefined when a file frame's path is unusable. */
  fileUrl?: string
  /**
   * The name the frame claims. For FILE frames it is the RECEIVER's own name (Q8) — never trust it;
   * W1 text "first last", W2 text "firstlast" (no space — Q2).
   */
  claimedSender: string
  /** W2 text `recipient` "first last" / file `recipientuser` "firstlast". */
  claimedRecipient?: string
  /** W1 only (sender's avatar). W2's `avatar_url` is the receiver's own (Q4/Q8): always undefined. */
  avatarUrl?: string
  /** W1 only: Tehran time (Q5). W2 carries none — use the receive time. */
  at?: number
}

/**
 * W1 server frame → LiveFrame. Text `{message,user_name,avatar_url,timestamp,file:"",filename:""}`;
 * file `{message:"",file,filename,user_name:<receiver's own — Q8>,avatar_url,timestamp}`. No ids (Q9).
 */
export function frameFromW1(raw: unknown, origin: string): LiveFrame | undefined {
  const o = asObj(raw)
  if (!o) return undefined
  const file = str(o, 'file')
  const message = str(o, 'message')
  let f: LiveFrame
  if (file) {
    f = { kind: 'file', text: '', claimedSender: nameOf(get(o, 'user_name')) }
    const url = fileUrl(file, origin)
    if (url) f.fileUrl = url
  } else if (message !== undefined) {
    f = { kind: 'text', text: cleanText(message), claimedSender: nameOf(get(o, 'user_name')) }
  } else {
    return undefined
  }
  const av = avatarUrl(get(o, 'avatar_url'), origin)
  if (av) f.avatarUrl = av
  const at = parseTimestamp(get(o, 'timestamp'))
  if (at !== undefined) f.at = at
  return f
}

/**
 * W2 server frame → LiveFrame. Text `{message,sender:"firstlast",avatar_url,recipient}`;
 * file `{type:"chat_file",file,filename,recipientuser,sender:<receiver's own — Q8>,avatar_url}`. No ids, no time.
 */
export function frameFromW2(raw: unknown, origin: string): LiveFrame | undefined {
  const o = asObj(raw)
  if (!o) return undefined
  const file = str(o, 'file')
  const message = str(o, 'message')
  let f: LiveFrame
  if (file || get(o, 'type') === 'chat_file') {
    f = { kind: 'file', text: '', claimedSender: nameOf(get(o, 'sender')) }
    const url = fileUrl(file, origin)
    if (url) f.fileUrl = url
    const r = nameOf(get(o, 'recipientuser'))
    if (r) f.claimedRecipient = r
  } else if (message !== undefined) {
    f = { kind: 'text', text: cleanText(message), claimedSender: nameOf(get(o, 'sender')) }
    const r = nameOf(get(o, 'recipient'))
    if (r) f.claimedRecipient = r
  } else {
    return undefined
  }
  return f
}

// ------------------------------------------------------------------ outgoing frames (W1, W2)

function recipientOf(recipientId: string): string {
  const r = normalizeUuid(recipientId)
  if (!r) throw new ChtError('invalid-input', 'recipient is not a user id')
  return r
}

// ------------------------------------------------------------------ REST routes (PROTOCOL §2), relative to /cht/

const seg = encodeURIComponent
export const routes = {
  saveUser: 'save-user-data/', // R1
  createGroup: 'api/groups/create/', // R2
  groups: 'api/groups/', // R3 (and ?type=PrivateGroup)
  members: (slug: string) => `api/group_chat/${seg(slug)}/`, // R4
  groupHistory: (slug: string) => `api/groups/${seg(slug)}/chat/`, // R5: the slug exactly as R2/R3 gave it
  users: 'api/users-info/', // R6
  profile: 'api/user/profile/', // R7 (and ?get-all=true)
  directRoom: (userId: string) => `api/privatechat/${seg(userId)}/`, // R8
  directHistory: (room: string) => `api/private-chat/${seg(room.toLowerCase())}/`, // R9: looked up lowercase
} as const

// ------------------------------------------------------------------ outgoing REST bodies

/** R2: live chat needs the group's name to equal its slug (Q7), so both carry the slug. */
export function createGroupBody(slug: string, visibility: 'public' | 'private'): { group_name: string; slug: string; type: string } {
  return { group_name: slug, slug, type: visibility }
}

/** R4: `{"action", "uuid"}` — the old document's `{"add_member": true}` is a 400 (Q13). */
export function memberChangeBody(action: 'add' | 'remove', userId: string): { action: string; uuid: string } {
  return { action: action === 'add' ? 'add_member' : 'remove_member', uuid: userId }
}

/** W1 text frame (an object for the socket to serialize). Only `message`: avatar_url/timestamp are ignored (Q13). */
export function textFrameW1(text: string): { message: string } {
  return { message: text }
}

/** W2 text frame. `recipient` is ALWAYS hyphenated (W2: a 32-hex one can break the sender's echo). Throws on a non-UUID. */
export function textFrameW2(text: string, recipientId: string): { message: string; recipient: string } {
  return { message: text, recipient: recipientOf(recipientId) }
}

/**
 * Streamed file frames (§3: one text message in several fragments): send
 * fileFramePrefix() + base64 chunks + fileFrameSuffix(name, recipient?). Base64 needs no JSON escaping.
 */
export function fileFramePrefix(): string {
  return '{"file":"'
}

export function fileFrameSuffix(filename: string, recipientId?: string): string {
  const r = recipientId === undefined ? '' : ',"recipient":' + JSON.stringify(recipientOf(recipientId))
  return '","filename":' + JSON.stringify(filename) + r + '}'
}

/** A whole file frame at once, as JSON text (small files). */
export function fileFrame(base64: string, filename: string, recipientId?: string): string {
  return fileFramePrefix() + base64 + fileFrameSuffix(filename, recipientId)
}

// ------------------------------------------------------------------ errors (1.4, Q11)

const NAME_TAKEN = 'این نام گروه قبلاً استفاده شده است.'
const SLUG_TAKEN = 'این نامک قبلاً استفاده شده است.'
const USER_NOT_FOUND = 'کاربر یافت نشد.'
const DETAIL_MAX = 300

/** The server's error text from an envelope/flat JSON body (`error` string or object), else undefined. */
function errorText(body: unknown): string | undefined {
  const o = asObj(body)
  if (!o) return undefined
  const e = get(o, 'error') ?? get(o, 'detail') ?? get(o, 'message')
  if (typeof e === 'string') return e
  if (e !== undefined && e !== null) {
    try {
      return truncate(JSON.stringify(e), DETAIL_MAX)
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * 1.4 / Q11: a non-success response → ChtError. Dispatches on the STATUS first; the Persian texts only refine
 * 400/404. `detail` is the server's text for JSON bodies, never HTML (then `HTTP <status>`), ≤ 300 chars, stripped.
 */
export function errorFromResponse(status: number, contentType: string | null, bodyText: string): ChtError {
  const ct = (contentType ?? '').toLowerCase()
  const head = bodyText.trimStart().slice(0, 1)
  const isHtml = ct.includes('html') || head === '<'
  let json: unknown
  let jsonOk = false
  if (!isHtml && (ct.includes('json') || head === '{' || head === '[')) {
    try {
      json = JSON.parse(bodyText)
      jsonOk = true
    } catch {
      jsonOk = false
    }
  }
  const text = jsonOk ? errorText(json) : undefined
  const flat = text?.trim()
  const detail = jsonOk && text !== undefined ? truncate(stripUnsafe(text), DETAIL_MAX) : `HTTP ${status}`

  let code: ChtError['code']
  if (status === 401) code = 'auth.invalid'
  else if (status === 403) code = 'forbidden'
  else if (status === 429) code = 'throttled'
  else if (status === 404) code = flat === USER_NOT_FOUND ? 'user.not-found' : 'not-found'
  else if (status === 400) code = flat === NAME_TAKEN ? 'group.name-taken' : flat === SLUG_TAKEN ? 'group.slug-taken' : 'invalid-input'
  else if (status === 408) code = 'timeout'
  else if (status >= 500) code = 'server'
  else if (status >= 200 && status < 300) code = 'bad-response'
  else if (isHtml) code = 'server'
  else code = 'unknown'
  return new ChtError(code, detail, status)
}
