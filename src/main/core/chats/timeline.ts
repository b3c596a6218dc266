// The one merge of a re-read history (R5/R9) into what this device already has (PROTOCOL Q9) — pure: no I/O, no
// clock, so it is property-tested (timeline.test.ts). Frames carry no ids, so a live message and its history twin,
// or an own send and its stored copy, are matched by (sender, text, server time close).
import type { Message } from '../../../shared/model'
import { comparableText } from '../outbox'

/** An own send that went on the wire and whose echo never came (or is still due). */
export interface SentItem {
  key: string
  text: string
  /** Own files: the original name and size, which the server does not keep (Q5b). */
  file?: { name: string; size?: number }
  /** When it went out, in server time (clock offset applied): the history copy cannot be older than this. */
  sentAtServer: number
}

export interface MergeInput {
  /** The history as read, ascending by time. */
  history: readonly Message[]
  /** Server ids already stored for the chat. */
  known: ReadonlySet<string>
  /** Stored messages without a server id (live frames, echo-settled own sends), ascending. */
  unmatched: readonly Message[]
  /** Outbox items that went out: in flight now, or fate unknown. */
  sent: readonly SentItem[]
  /** How far apart (server time) a local message and its twin may be. */
  toleranceMs: number
}

export interface MergePlan {
  /** History messages this device has never seen. */
  insert: Message[]
  /** A stored message found in the history: it keeps its key and takes the server's id, time and attribution. */
  adopt: Message[]
  /** Outbox items found in the history: settled, shown as these messages (their keys kept). */
  settle: Message[]
}

/** The history message `h` under a key the UI already knows; own sends keep their original file name (Q5b). */
export function takeIdentity(local: { key: string; own: boolean; senderName?: string; file?: { name: string; size?: number } }, h: Message): Message {
  const m: Message = { ...h, key: local.key }
  if (local.own && local.file && h.file) m.file = { ...h.file, name: local.file.name, ...(local.file.size ? { size: local.file.size } : {}) }
  if (local.own && local.senderName && !h.senderName) m.senderName = local.senderName
  return m
}

function sameContent(text: string, isFile: boolean, h: Message): boolean {
  return isFile === !!h.file && (isFile || comparableText(text) === comparableText(h.text))
}

/** Same person, same content, close in server time. A file frame's claimed sender is untrustworthy (Q8). */
function twins(local: Message, h: Message, toleranceMs: number): boolean {
  if (local.own !== h.own || !sameContent(local.text, !!local.file, h)) return false
  if (!local.own && !local.file && local.senderId && h.senderId && local.senderId !== h.senderId) return false
  if (!local.own && !local.file && !local.senderId && local.senderName && h.senderName && local.senderName !== h.senderName) return false
  return Math.abs(local.at - h.at) <= toleranceMs
}

export function mergeHistory(input: MergeInput): MergePlan {
  const plan: MergePlan = { insert: [], adopt: [], settle: [] }
  const usedLocal = new Set<Message>()
  const usedSent = new Set<SentItem>()
  const seen = new Set<string>()
  for (const h of input.history) {
    if (!h.serverId || input.known.has(h.serverId) || seen.has(h.serverId)) continue
    seen.add(h.serverId) // a server that repeats an id: one message (issue 13)
    const local = input.unmatched.find((m) => !usedLocal.has(m) && twins(m, h, input.toleranceMs))
    if (local) {
      usedLocal.add(local)
      plan.adopt.push(takeIdentity(local, h))
      continue
    }
    const sent = h.own
      ? input.sent.find((s) => !usedSent.has(s) && sameContent(s.text, !!s.file, h) && h.at >= s.sentAtServer - input.toleranceMs)
      : undefined
    if (sent) {
      usedSent.add(sent)
      plan.settle.push(takeIdentity({ key: sent.key, own: true, file: sent.file }, h))
      continue
    }
    plan.insert.push(h)
  }
  return plan
}
