/**
 * Every deliberate oddity of the production cht server lives here, each citing PROTOCOL.md.
 * The reference server reproduces them ON PURPOSE so a client that works here works against production.
 * Do not "fix" anything in this file without changing PROTOCOL.md first.
 */
import { createHash } from 'node:crypto'

export interface NamedUser {
  first_name_fa: string
  last_name_fa: string
}

/** Q2: "<first> <last>" (W1 user_name, R3 created_by, R5 user_name, R9 full names, W2 recipient). */
export function spacedName(u: NamedUser): string {
  return `${u.first_name_fa} ${u.last_name_fa}`
}

/** Q2: "<first><last>" with NO space (R2 created_by, R4 messages, W2 sender / recipientuser). */
export function joinedName(u: NamedUser): string {
  return `${u.first_name_fa}${u.last_name_fa}`
}

/** R4: the remove message has a DOUBLE space after "کاربر" (production text, verbatim). */
export function removeMemberMessage(u: NamedUser, groupName: string): string {
  return `کاربر  ${joinedName(u)} از گروه ${groupName} حذف شد.`
}

export function addMemberMessage(u: NamedUser, groupName: string): string {
  return `کاربر با نام ${joinedName(u)} به گروه ${groupName} اضافه شد.`
}

/**
 * Q4 (e): the profile's avatar is an ImageField holding an absolute URL, so Django renders it as
 * MEDIA_URL + the URL with "://" collapsed to ":/" and ":" percent-encoded:
 * "https://host/path/" → "/cht/media/https%3A/host/path/"; the string "Null" → "/cht/media/Null".
 * null / "" → null.
 */
export function mangledAvatar(avatar: string | null): string | null {
  if (avatar === null || avatar === '') return null
  const m = /^(https?):\/\/(.*)$/i.exec(avatar)
  if (m) return `/cht/media/${m[1]}%3A/${m[2]}`
  return `/cht/media/${avatar.replace(/^\/+/, '')}`
}

/** W1 / W2 (Q4): sockets fall back to a static path that is a 404 on the server (R10). */
export const SOCKET_DEFAULT_AVATAR = '/static/profiles/default.png'
export function socketAvatar(avatar: string | null): string {
  return avatar === null || avatar === '' ? SOCKET_DEFAULT_AVATAR : avatar
}

/**
 * Q6: the one-to-one room name is computed from (caller, target) IN THAT ORDER, so before the room exists
 * A→B and B→A get different names. Only the first text message on W2 creates the room.
 */
export function privateRoomName(callerId: string, targetId: string): string {
  return 'privatechat_' + createHash('md5').update(callerId + targetId).digest('hex')
}

/** R8 messages. */
export const R8_EXISTS = 'گروه قبلاً وجود داشته است.'
export const R8_CREATED = 'گروه جدید با موفقیت ایجاد شد.'

/**
 * Q8: W1 file frames carry the RECEIVER's own name in `user_name`; W2 file frames carry the receiver's own
 * name in `sender` and the receiver's own avatar in `avatar_url`.
 */
export function fileFrameNameForReceiver(receiver: NamedUser): string {
  return spacedName(receiver)
}
export function w2FileSenderForReceiver(receiver: NamedUser): string {
  return joinedName(receiver)
}
/** Q8: W2 text frames carry the receiver's own avatar. */
export function w2AvatarForReceiver(receiver: { usr_avatar: string | null }): string {
  return socketAvatar(receiver.usr_avatar)
}

/**
 * R3 ?type=PrivateGroup: `created_by`, `target_user` and `user_name` are DISPLAY NAMES ("<first> <last>"), never ids.
 * `target_user` is null for a room whose target is gone. `user_name` picks the other party by comparing FIRST NAMES, so
 * it is wrong when both parties share a first name (the target then sees their own name). A party who is gone → null
 * (only `target_user: null` was observed; the other two follow it).
 */
export function privateChatListNames<U extends NamedUser>(caller: U, creator: U | undefined, target: U | undefined) {
  const other = creator && creator.first_name_fa === caller.first_name_fa ? target : creator
  return {
    created_by: creator ? spacedName(creator) : null,
    target_user: target ? spacedName(target) : null,
    user_name: other ? spacedName(other) : null,
  }
}

/**
 * W2: a `recipient` in any form but the canonical lowercase hyphenated one (production was seen failing on 32 hex)
 * makes the server fail the SENDER's own echo with 1011 while the recipient is online — after the message was stored
 * and broadcast to the room's other sockets (Q9: "stored but echo failed").
 */
export function w2EchoFailsForSender(recipientAsSent: string, recipientId: string, recipientOnline: boolean): boolean {
  return recipientOnline && recipientAsSent !== recipientId
}

/** Q7: W1 stores under the group whose NAME equals the URL slug (not the slug!). */
export const W1_LOOKUP_COLUMN = 'name' as const

/** §3: socket path segments must match Python's \w+ (Unicode letters, digits, underscore; no hyphen, no dot). */
export function isSocketSegment(s: string): boolean {
  return /^[\p{L}\p{N}\p{M}_]+$/u.test(s)
}

/** §3: W1 frames whose `type` hits an unfinished server path → 1011. */
export const W1_FATAL_TYPES = new Set(['user_click', 'private_chat_request'])

// ---------------------------------------------------------------- time (Q5)

let lastMicros = 0
/** Epoch microseconds, strictly increasing within the process. */
export function nowMicros(): number {
  const ms = Date.now()
  const sub = Number(process.hrtime.bigint() / 1000n % 1000n)
  let us = ms * 1000 + sub
  if (us <= lastMicros) us = lastMicros + 1
  lastMicros = us
  return us
}

/** Q5: Python's isoformat() — 6-digit microseconds, or none at all when they are zero ("Microseconds may be absent"). */
function isoParts(us: number, offsetMinutes: number): string {
  const ms = Math.floor(us / 1000)
  const d = new Date(ms + offsetMinutes * 60_000)
  const base = d.toISOString().slice(0, 19)
  const micros = us % 1_000_000
  return micros === 0 ? base : `${base}.${String(micros).padStart(6, '0')}`
}

/** Q5: REST timestamps are UTC ISO-8601 with `Z` (DRF turns "+00:00" into "Z"). */
export function utcTimestamp(us: number): string {
  return isoParts(us, 0) + 'Z'
}

/** Q5: W1 frames carry Tehran local time (+03:30, no DST since 2022). */
export function tehranTimestamp(us: number): string {
  return isoParts(us, 210) + '+03:30'
}

// ---------------------------------------------------------------- R2 slug

const FA_TO_LATIN: Record<string, string> = {
  'ا': 'a', 'آ': 'a', 'أ': 'a', 'إ': 'a', 'ب': 'b', 'پ': 'p', 'ت': 't', 'ث': 's', 'ج': 'j', 'چ': 'ch',
  'ح': 'h', 'خ': 'kh', 'د': 'd', 'ذ': 'z', 'ر': 'r', 'ز': 'z', 'ژ': 'zh', 'س': 's', 'ش': 'sh', 'ص': 's',
  'ض': 'z', 'ط': 't', 'ظ': 'z', 'ع': 'a', 'غ': 'gh', 'ف': 'f', 'ق': 'gh', 'ک': 'k', 'ك': 'k', 'گ': 'g',
  'ل': 'l', 'م': 'm', 'ن': 'n', 'و': 'v', 'ؤ': 'v', 'ه': 'h', 'ة': 'h', 'ی': 'y', 'ي': 'y', 'ئ': 'y',
  '۰': '0', '۱': '1', '۲': '2', '۳': '3', '۴': '4', '۵': '5', '۶': '6', '۷': '7', '۸': '8', '۹': '9',
}

/** R2: a missing slug is derived by transliterating Persian letters and dropping everything outside [A-Za-z0-9._-]. */
export function deriveSlug(name: string): string {
  let out = ''
  for (const ch of name) out += FA_TO_LATIN[ch] ?? ch
  return out.replace(/[^A-Za-z0-9._-]/g, '')
}

// ---------------------------------------------------------------- ids (§1)

/** §1: ids are accepted with or without hyphens; output is lowercase hyphenated. Returns null when not a UUID. */
export function normalizeUuid(s: unknown): string | null {
  if (typeof s !== 'string') return null
  const hex = s.trim().toLowerCase().replace(/-/g, '')
  if (!/^[0-9a-f]{32}$/.test(hex)) return null
  if (s.includes('-') && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s.trim())) return null
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

// ---------------------------------------------------------------- base64 (W1/W2 files)

/** Strict base64 (Node's decoder is lenient): optional data:<mime>;base64, prefix, canonical alphabet and padding. */
export function decodeStrictBase64(input: string): Buffer | null {
  let s = input
  const m = /^data:[^,;]*(;[^,;]*)*;base64,/i.exec(s)
  if (m) s = s.slice(m[0].length)
  else if (s.startsWith('data:')) return null
  if (s.length % 4 !== 0) return null
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null
  return Buffer.from(s, 'base64')
}

/**
 * W1/W2/R10: only the extension of `filename` is kept, EXACTLY as sent, case included ("report.PDF" → ".PDF"): Python's
 * os.path.splitext on the name (the last dot after the last "/"; leading dots do not count; no dot → no extension),
 * then Django's get_valid_filename on the stored name (spaces → "_", anything outside [-\w.] dropped).
 */
export function keptExtension(filename: string): string {
  const base = (filename.split('/').pop() ?? '').replace(/^\.+/, '')
  const dot = base.lastIndexOf('.')
  if (dot < 0) return ''
  return base.slice(dot).trim().replace(/ /g, '_').replace(/[^\p{L}\p{N}_.-]/gu, '')
}

/** R5/R9/W1/W2: a stored file's URL path, percent-encoded like Django's FieldFile.url (filepath_to_uri). */
export function mediaPath(rel: string): string {
  return '/cht/media/' + rel.split('/').map(encodeURIComponent).join('/')
}
