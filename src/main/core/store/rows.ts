// Every row read back from the local database passes a validator before core trusts it (issue 10; the way
// Mattermost validates its persisted state): a row that does not parse is skipped and counted, never thrown.
import { z } from 'zod'
import type { Attachment, Chat, Message, User } from '../../../shared/model'
import type { OutboxItem } from '../outbox'

const id = z.string().min(1).max(300)
const time = z.number().int().min(0).max(8.64e15)

const user = z.object({
  id,
  name: z.string().max(1000),
  avatarUrl: z.string().max(4096).optional(),
  isSuperuser: z.boolean(),
  groups: z.array(z.string()).optional(),
})

/** What the database keeps of a chat (counts, previews and flags are derived: registry.ts). */
export type StoredChatData = Omit<Chat, 'unread' | 'lastMessage' | 'muted' | 'canManage'>

const chatData = z.object({
  id,
  kind: z.enum(['group', 'direct']),
  title: z.string().max(1000),
  slug: z.string().max(300).optional(),
  peerId: z.string().max(100).optional(),
  room: z.string().max(300).optional(),
  avatarUrl: z.string().max(4096).optional(),
  createdBy: z.string().max(1000).optional(),
  membersCount: z.number().int().min(0).optional(),
  live: z.boolean(),
})

const attachment = z.object({
  url: z.string().max(4096),
  name: z.string().max(1000),
  mime: z.string().max(200).optional(),
  size: z.number().min(0).optional(),
  isImage: z.boolean(),
})

const outboxItem = z.object({
  key: id,
  chatId: id,
  text: z.string(),
  file: z.object({
    path: z.string().min(1),
    name: z.string().max(1000),
    size: z.number().min(0),
    mime: z.string().max(200).optional(),
    isImage: z.boolean(),
    temp: z.boolean().optional(),
  }).optional(),
  createdAt: time,
  status: z.enum(['pending', 'inflight', 'failed']),
  error: z.string().max(100).optional(),
  sentAt: time.optional(),
  sentAtServer: time.optional(),
  attempts: z.number().int().min(0).optional(),
  fate: z.enum(['unknown']).optional(),
})

const isStr = (v: unknown, max = 1e7): v is string => typeof v === 'string' && v.length <= max
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string'
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 8.64e15

/**
 * A message row, checked by hand rather than with zod: it is the one validator on the hot path (every window read,
 * every re-read's merge), and the same rules cost a tenth here. The JSON `file` column still goes through zod.
 */
function isMessageRow(r: unknown): r is MessageRow {
  if (typeof r !== 'object' || r === null) return false
  const o = r as Record<string, unknown>
  return isStr(o.chat_id, 300) && o.chat_id.length > 0 && isStr(o.key, 300) && o.key.length > 0 && isStrOrNull(o.server_id) &&
    isTime(o.at) && (o.own === 0 || o.own === 1) && isStrOrNull(o.sender_id) && isStr(o.sender_name) &&
    isStrOrNull(o.sender_avatar) && isStr(o.text) && isStrOrNull(o.file)
}

const chatRow = z.object({
  id,
  data: z.string(),
  members: z.string(),
  read_at: time,
  local_title: z.string().nullable(),
  draft: z.string(),
})

export interface StoredChat {
  chat: StoredChatData
  members: User[]
  readAt: number
  localTitle?: string
  draft: string
}

/** Counts rows that failed validation since start (diagnostics). */
export const rejected = { rows: 0 }

function json(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return undefined
  }
}

function reject(): undefined {
  rejected.rows++
  return undefined
}

export function chatFromRow(raw: unknown): StoredChat | undefined {
  const r = chatRow.safeParse(raw)
  if (!r.success) return reject()
  const data = chatData.safeParse(json(r.data.data))
  if (!data.success || data.data.id !== r.data.id) return reject()
  const members = z.array(user).safeParse(json(r.data.members))
  const out: StoredChat = { chat: data.data, members: members.success ? members.data : [], readAt: r.data.read_at, draft: r.data.draft }
  if (r.data.local_title) out.localTitle = r.data.local_title
  return out
}

export function messageFromRow(raw: unknown): Message | undefined {
  if (!isMessageRow(raw)) return reject()
  const row = raw
  const m: Message = {
    key: row.key, chatId: row.chat_id, senderName: row.sender_name, text: row.text, at: row.at, own: row.own === 1, status: 'sent',
  }
  if (row.server_id !== null) m.serverId = row.server_id
  if (row.sender_id !== null) m.senderId = row.sender_id
  if (row.sender_avatar !== null) m.senderAvatarUrl = row.sender_avatar
  if (row.file !== null) {
    const f = attachment.safeParse(json(row.file))
    if (!f.success) return reject()
    m.file = f.data as Attachment
  }
  return m
}

export interface MessageRow {
  chat_id: string
  key: string
  server_id: string | null
  at: number
  own: number
  sender_id: string | null
  sender_name: string
  sender_avatar: string | null
  text: string
  file: string | null
}

/** The columns of a message row, in the order messageValues gives them (store/index.ts binds them in this order). */
export const MESSAGE_COLUMNS = ['chat_id', 'key', 'server_id', 'at', 'own', 'sender_id', 'sender_name', 'sender_avatar', 'text', 'file'] as const

/** A message's row, as the values of MESSAGE_COLUMNS in order. */
export function messageValues(m: Message): Array<string | number | null> {
  return [
    m.chatId, m.key, m.serverId ?? null, Math.max(0, Math.round(m.at)), m.own ? 1 : 0, m.senderId ?? null, m.senderName,
    m.senderAvatarUrl ?? null, m.text, m.file ? JSON.stringify(m.file) : null,
  ]
}

/**
 * An inbox row (db.ts v4): live messages as JSON, each its messageValues — arrays, not objects: half the bytes to
 * write on the hot path of a burst (bench (a)).
 */
export function inboxRow(messages: readonly Message[]): string {
  return JSON.stringify(messages.map(messageValues))
}

/** An inbox row's messages, each through the message row validator; a damaged row yields none (a re-read brings them). */
export function messagesFromInbox(text: string): Message[] {
  const list = json(text)
  if (!Array.isArray(list)) return reject() ?? []
  const out: Message[] = []
  for (const values of list) {
    const m = Array.isArray(values) && values.length === MESSAGE_COLUMNS.length
      ? messageFromRow(Object.fromEntries(MESSAGE_COLUMNS.map((c, i) => [c, values[i]])))
      : reject()
    if (m) out.push(m)
  }
  return out
}

export function outboxFromRow(raw: { key: unknown; chat_id: unknown; data: unknown }): OutboxItem | undefined {
  if (typeof raw.data !== 'string') return reject()
  const r = outboxItem.safeParse(json(raw.data))
  if (!r.success || r.data.key !== raw.key || r.data.chatId !== raw.chat_id) return reject()
  return r.data as OutboxItem
}

export function userFromRow(raw: { id: unknown; data: unknown }): User | undefined {
  if (typeof raw.data !== 'string') return reject()
  const r = user.safeParse(json(raw.data))
  if (!r.success || r.data.id !== raw.id) return reject()
  return r.data
}
