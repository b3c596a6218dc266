// A whole history answer (R5 for a group, R9 for one room of a pair) → model objects, keeping only the messages this
// device has not stored yet. Pure but for its input: it runs in the history worker (history-worker.ts) so main never
// parses megabytes of JSON, and in-process where no worker is wanted (chats/parser.ts).
import type { ChatId, Message, User } from '../../../shared/model'
import * as wire from '../cht/wire'
import type { StoredChatData } from '../store'

export interface ParseJob {
  kind: 'group' | 'room'
  origin: string
  meId: string
  chatId: ChatId
  /** Rooms: the pair's other member when known (its chat id is `direct:<peerId>`). */
  peerId?: string
}

export interface ParsedHistory {
  /** Messages whose server ids were not stored yet, ascending. */
  messages: Message[]
  /** How many the answer held in all. */
  total: number
  members: User[]
  /** People the answer names (R5 all_users, R9 private_with). */
  people: User[]
  chat: Partial<StoredChatData>
  /** Rooms: the room's name and its other member (R9 `private_with`: Q6). */
  room?: string
  peer?: User
}

/** Decodes the chunks of one UTF-8 answer (split anywhere, even inside a character) into one string. */
export function decodeChunks(chunks: readonly Uint8Array[]): string {
  const decoder = new TextDecoder()
  let text = ''
  for (const c of chunks) text += decoder.decode(c, { stream: true })
  return text + decoder.decode()
}

export function parseHistory(job: ParseJob, text: string, known: ReadonlySet<string>): ParsedHistory {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw wire.bad('history: invalid JSON')
  }
  const fresh = (ms: Message[]) => (known.size ? ms.filter((m) => !m.serverId || !known.has(m.serverId)) : ms)
  if (job.kind === 'group') {
    const h = wire.groupHistoryFromR5(body, { origin: job.origin, meId: job.meId })
    return {
      messages: fresh(h.messages), total: h.messages.length, members: h.members, people: [...h.members, ...h.directory],
      chat: { ...h.chat, membersCount: h.members.length },
    }
  }
  const h = wire.directHistoryFromR9(body, { origin: job.origin, meId: job.meId, peerId: job.peerId })
  const chatId = job.chatId
  const messages = fresh(h.messages).map((m) => (m.chatId === chatId ? m : { ...m, chatId }))
  const chat: Partial<StoredChatData> = {}
  if (h.peer.name) chat.title = h.peer.name
  if (h.peer.avatarUrl) chat.avatarUrl = h.peer.avatarUrl
  return { messages, total: h.messages.length, members: [h.peer], people: [h.peer], chat, room: h.room, peer: h.peer }
}
