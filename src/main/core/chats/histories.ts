// Reading a chat's whole history (R5 for a group, R9 for every room of a one-to-one pair: Q6). The server has no
// paging, so this is the big read: it goes through the shared REST limiter like every call, arrives as raw chunks
// and is parsed where it cannot block main (parser.ts), keeping only what this device has not stored yet.
import type { ChatId, User } from '../../../shared/model'
import type { Rest } from '../cht/rest'
import * as wire from '../cht/wire'
import type { StoredChatData } from '../store'
import type { ParsedHistory } from './parse'
import type { HistoryParser } from './parser'

export type HistoryRead = Pick<ParsedHistory, 'messages' | 'members' | 'people' | 'chat'>

export interface HistoryContext {
  rest: Rest
  parser: HistoryParser
  origin: string
  meId: string
  /** Nobody is waiting on screen for this read (rest.ts: background requests are paced); promotable. */
  background?: { value: boolean }
}

export async function readGroupHistory(ctx: HistoryContext, chatId: ChatId, slug: string): Promise<HistoryRead> {
  const { chunks } = await ctx.rest.getChunks(wire.routes.groupHistory(slug), { background: ctx.background })
  return ctx.parser.parse({ kind: 'group', origin: ctx.origin, meId: ctx.meId, chatId }, chunks)
}

/** One room of a pair (R9). `peerId` when known; a room discovered through R3 learns its peer here (Q6). */
export async function readRoom(ctx: HistoryContext, chatId: ChatId, room: string, peerId?: string): Promise<ParsedHistory & { peer: User }> {
  const { chunks } = await ctx.rest.getChunks(wire.routes.directHistory(room), { background: ctx.background })
  const h = await ctx.parser.parse({ kind: 'room', origin: ctx.origin, meId: ctx.meId, chatId, peerId }, chunks)
  if (!h.peer) throw wire.bad('R9: no peer')
  return { ...h, peer: h.peer }
}

/** Every room of the pair, one after another (never a fan-out: PROTOCOL 1.5), merged by time under one chat id. */
export async function readPairHistory(ctx: HistoryContext, chatId: ChatId, rooms: readonly string[], peerId: string): Promise<HistoryRead> {
  const parts: ParsedHistory[] = []
  for (const room of rooms) parts.push(await readRoom(ctx, chatId, room, peerId))
  const messages = parts.flatMap((p) => p.messages)
  if (parts.length > 1) messages.sort((a, b) => a.at - b.at)
  const peer = parts[0]?.peer
  const chat: Partial<StoredChatData> = {}
  if (peer?.name) chat.title = peer.name
  if (peer?.avatarUrl) chat.avatarUrl = peer.avatarUrl
  return { messages, members: peer ? [peer] : [], people: peer ? [peer] : [], chat }
}
