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

/** A message row as stored. Checked by hand (isMessageRow): messages are read by the hundred (windows, search hits). */
interface MessageRow {
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

const isId = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 300
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string'

/** The same rules as the zod schemas above (id, time), without building an object per check. */
function isMessageRow(r: unknown): r is MessageRow {
  if (!r || typeof r !== 'object') return false
  const o = r as Record<string, unknown>
  return isId(o.chat_id) && isId(o.key) && isStringOrNull(o.server_id) &&
    typeof o.at === 'number' && Number.isInteger(o.at) && o.at >= 0 && o.at <= 8.64e15 &&
    typeof o.own === 'number' && Number.isInteger(o.own) && isStringOrNull(o.sender_id) && typeof o.sender_name === 'string' &&
    isStringOrNull(o.sender_avatar) && typeof o.text === 'string' && isStringOrNull(o.file)
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

export function messageToRow(m: Message): Record<string, string | number | null> {
  return {
    chat_id: m.chatId, key: m.key, server_id: m.serverId ?? null, at: Math.max(0, Math.round(m.at)), own: m.own ? 1 : 0,
    sender_id: m.senderId ?? null, sender_name: m.senderName, sender_avatar: m.senderAvatarUrl ?? null, text: m.text,
    file: m.file ? JSON.stringify(m.file) : null,
  }
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
