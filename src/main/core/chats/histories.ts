// Reading a chat's whole history (R5 for a group, R9 for every room of a one-to-one pair: Q6) into model objects.
// The server has no paging, so this is the big read; it goes through the shared REST limiter like every call.
import type { ChatId, Message, User } from '../../../shared/model'
import type { Rest } from '../cht/rest'
import * as wire from '../cht/wire'
import type { StoredChatData } from '../store'

export interface HistoryRead {
  /** Ascending by server time; for a pair, the rooms' histories merged. */
  messages: Message[]
  members: User[]
  /** People seen in the answer (R5 all_users, R9 private_with). */
  people: User[]
  /** What the answer says about the chat itself (title, live; the peer of a pair). */
  chat: Partial<StoredChatData>
}

export interface HistoryContext {
  rest: Rest
  origin: string
  meId: string
  directory: ReadonlyMap<string, User>
  /** Nobody is waiting on screen for this read (rest.ts: background requests are paced); promotable. */
  background?: { value: boolean }
}

export async function readGroupHistory(ctx: HistoryContext, slug: string): Promise<HistoryRead> {
  const body = (await ctx.rest.get(wire.routes.groupHistory(slug), { background: ctx.background })).body
  const h = wire.groupHistoryFromR5(body, { origin: ctx.origin, meId: ctx.meId, directory: ctx.directory })
  return {
    messages: h.messages,
    members: h.members,
    people: [...h.members, ...h.directory],
    chat: { ...h.chat, membersCount: h.members.length },
  }
}

/** One room of a pair (R9). `peerId` when known; a room discovered through R3 learns its peer here (Q6). */
export async function readRoom(ctx: HistoryContext, room: string, peerId?: string): Promise<wire.DirectHistory> {
  const body = (await ctx.rest.get(wire.routes.directHistory(room), { background: ctx.background })).body
  return wire.directHistoryFromR9(body, { origin: ctx.origin, meId: ctx.meId, peerId, directory: ctx.directory })
}

/** Every room of the pair, one after another (never a fan-out: PROTOCOL 1.5), merged by time under one chat id. */
export async function readPairHistory(ctx: HistoryContext, chatId: ChatId, rooms: readonly string[], peerId: string): Promise<HistoryRead> {
  const messages: Message[] = []
  let peer: User | undefined
  for (const room of rooms) {
    const h = await readRoom(ctx, room, peerId)
    peer ??= h.peer
    for (const m of h.messages) messages.push(m.chatId === chatId ? m : { ...m, chatId })
  }
  if (rooms.length > 1) messages.sort((a, b) => a.at - b.at)
  const chat: Partial<StoredChatData> = {}
  if (peer?.name) chat.title = peer.name
  if (peer?.avatarUrl) chat.avatarUrl = peer.avatarUrl
  return { messages, members: peer ? [peer] : [], people: peer ? [peer] : [], chat }
}
