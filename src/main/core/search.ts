// Message search (issue 14): a query → normalized words (shared/search.ts, the same rules the index was written
// with) → the newest messages holding them, from the local store's index (store/index.ts builds the FTS5
// expression from those words only: the person's input never reaches FTS5's query syntax) → hits with snippets as
// text ranges (never HTML).
import type { SearchHit, SearchPage } from '../../shared/contract'
import type { ChatId, Message } from '../../shared/model'
import { searchTerms, snippetOf, type SearchTerms } from '../../shared/search'
import type { LocalStore } from './store'

export interface SearchArgs {
  query: string
  chatId?: ChatId
  limit: number
  /** The `next` of the previous page. */
  before?: string
}

export function searchMessages(store: LocalStore, args: SearchArgs): SearchPage {
  const terms = searchTerms(args.query)
  if (!terms.words.length) return { hits: [] }
  // One more than asked: whether another page exists, without a count of every match.
  // `before` is a time key (a 64-bit integer) the schema lets through as up to 19 digits: more than 64 bits is "all".
  const before = args.before === undefined ? undefined : BigInt(args.before)
  const rows = store.searchMessages(terms, {
    chatId: args.chatId, limit: args.limit + 1, before: before === undefined || before > MAX_KEY ? undefined : before,
  })
  const page = rows.slice(0, args.limit)
  const hits = page.map((r) => hitOf(r.message, terms))
  return rows.length > args.limit ? { hits, next: page[page.length - 1]!.id } : { hits }
}

const MAX_KEY = 2n ** 63n - 1n

/** A found message: the snippet shows the text where the words are, else the file's name. */
function hitOf(m: Message, terms: SearchTerms): SearchHit {
  const inText = m.text ? snippetOf(m.text, terms) : undefined
  const inName = m.file ? snippetOf(m.file.name, terms) : undefined
  const byName = !!inName && (!inText || (!inText.ranges.length && inName.ranges.length > 0))
  const hit: SearchHit = {
    chatId: m.chatId, key: m.key, at: m.at, own: m.own, senderName: m.senderName,
    field: byName ? 'file' : 'text', snippet: (byName ? inName : inText) ?? { text: '', ranges: [] },
  }
  if (m.senderId) hit.senderId = m.senderId
  if (m.file) hit.file = { name: m.file.name, isImage: m.file.isImage }
  return hit
}
