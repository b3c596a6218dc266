// The engine's memory (issue 10): chats, their messages, read marks, drafts, local titles, the one-to-one rooms
// of each pair (Q6), the people seen, and the outbox — one SQLite database per signed-in user (db.ts). Speaks
// shared/model.ts; every row comes back through rows.ts. Windows are read by (at, seq), the index's own order,
// so opening a 100 000-message chat reads only the rows it shows.
import { statSync } from 'node:fs'
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'
import type { ChatId, Message, User } from '../../../shared/model'
import type { SearchTerms } from '../../../shared/search'
import type { OutboxItem } from '../outbox'
import { openDatabase, transaction } from './db'
import {
  chatFromRow, inboxRow, MESSAGE_COLUMNS, messageFromRow, messagesFromInbox, messageValues, outboxFromRow, userFromRow, type StoredChat, type StoredChatData,
} from './rows'

export type { StoredChat, StoredChatData } from './rows'

/** The message columns as a SELECT or INSERT lists them. */
const COLUMN_LIST = MESSAGE_COLUMNS.join(', ')
const PUT_MESSAGE = `INSERT INTO messages(${COLUMN_LIST}) VALUES (${MESSAGE_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT(key) DO UPDATE SET server_id = excluded.server_id, at = excluded.at, own = excluded.own,
    sender_id = excluded.sender_id, sender_name = excluded.sender_name, sender_avatar = excluded.sender_avatar,
    text = excluded.text, file = excluded.file`

/**
 * The FTS5 expression for normalized words: every one must occur, in the text or the file name, the last one as a
 * prefix while it is typed. Built from words only (letters and digits: shared/search.ts), so nothing a person types
 * reaches FTS5's query syntax; each is still quoted as a string.
 */
export function matchExpression(terms: SearchTerms): string {
  const last = terms.words.length - 1
  const phrases = terms.words.map((w, i) => `"${w.replaceAll('"', '""')}"${i === last && terms.prefix ? ' *' : ''}`)
  return `{text name} : (${phrases.join(' AND ')})`
}

/** Above every time key (db.ts v3): a search without `before` starts at the newest message. */
const MAX_KEY = 2n ** 63n - 1n
/** Message rows written before the search index catches up (LocalStore.syncIndex). */
const SYNC_AFTER = 500
/** Live messages per inbox row: a row is what fileInbox(1) files in one step (a few ms, the UI stays responsive). */
const INBOX_ROW = 500

export interface StoreOpenResult {
  store: LocalStore
  /** The old file was damaged: where it went, and how many outbox rows were carried over. */
  recovered?: { movedAside: string; outboxKept: number }
}

export class LocalStore {
  private readonly statements = new Map<string, StatementSync>()

  /** The inbox holds live messages not yet filed into `messages` (keepLive). */
  private unfiled: boolean
  private filing = false

  /** `fts`: the FTS5 search index is there; without it (a SQLite without FTS5) search scans `search` instead. */
  private constructor(private readonly db: DatabaseSync, readonly file: string, readonly fts: boolean) {
    this.unfiled = !!(db.prepare('SELECT EXISTS (SELECT 1 FROM inbox) AS x').get() as { x: number }).x
  }

  /** `o.fts5: false` is for tests: open it as on a SQLite without the FTS5 module. */
  static open(file: string, now: () => number = Date.now, o: { fts5?: boolean } = {}): StoreOpenResult {
    const opened = openDatabase(file, now, undefined, o)
    const store = new LocalStore(opened.db, file, opened.fts)
    store.syncIndex() // what a crash left queued
    if (!opened.movedAside) return { store }
    let kept = 0
    store.transaction(() => {
      for (const row of opened.salvaged) {
        const item = outboxFromRow(row)
        if (item) {
          store.putOutbox(item)
          kept++
        }
      }
    })
    return { store, recovered: { movedAside: opened.movedAside, outboxKept: kept } }
  }

  private st(sql: string): StatementSync {
    let s = this.statements.get(sql)
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)))
    return s
  }

  private all(sql: string, ...args: SQLInputValue[]): unknown[] {
    return this.st(sql).all(...args)
  }

  private run(sql: string, ...args: SQLInputValue[]): void {
    this.st(sql).run(...args)
  }

  transaction<T>(fn: () => T): T {
    return transaction(this.db, fn)
  }

  close(): void {
    try {
      if (this.db.isOpen) this.syncIndex()
    } catch {
      /* the queue stays in the database: the next open syncs it */
    }
    this.statements.clear()
    if (this.db.isOpen) this.db.close()
  }

  /** Bytes on disk (the database and its WAL), for Settings. */
  sizeBytes(): number {
    let n = 0
    for (const suffix of ['', '-wal']) {
      try {
        n += statSync(this.file + suffix).size
      } catch {
        /* not there */
      }
    }
    return n
  }

  // ---- chats ------------------------------------------------------------------------------------------------

  chats(): StoredChat[] {
    const out: StoredChat[] = []
    for (const row of this.all('SELECT id, data, members, read_at, local_title, draft FROM chats')) {
      const c = chatFromRow(row)
      if (c) out.push(c)
    }
    return out
  }

  saveChat(chat: StoredChatData, members?: User[]): void {
    this.run(
      `INSERT INTO chats(id, data, members) VALUES (?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET data = excluded.data, members = CASE WHEN ? THEN excluded.members ELSE members END`,
      chat.id, JSON.stringify(chat), JSON.stringify(members ?? []), members ? 1 : 0,
    )
  }

  /** The chat and its messages and rooms go (left or removed); its outbox items are the caller's business. */
  removeChat(chatId: ChatId): void {
    this.fileInbox()
    this.transaction(() => {
      this.run('DELETE FROM chats WHERE id = ?', chatId)
      this.run('DELETE FROM messages WHERE chat_id = ?', chatId)
      this.run('DELETE FROM rooms WHERE chat_id = ?', chatId)
    })
    this.syncIndex()
  }

  setReadAt(chatId: ChatId, at: number): void {
    this.run('UPDATE chats SET read_at = ? WHERE id = ?', Math.max(0, Math.round(at)), chatId)
  }

  setDraft(chatId: ChatId, text: string): void {
    this.run('UPDATE chats SET draft = ? WHERE id = ?', text, chatId)
  }

  setLocalTitle(chatId: ChatId, title: string | undefined): void {
    this.run('UPDATE chats SET local_title = ? WHERE id = ?', title ?? null, chatId)
  }

  /** Q6: every W2 room seen, with the pair (chat) it belongs to. */
  rooms(): Map<string, ChatId> {
    const out = new Map<string, ChatId>()
    for (const r of this.all('SELECT room, chat_id FROM rooms') as Array<{ room: unknown; chat_id: unknown }>) {
      if (typeof r.room === 'string' && typeof r.chat_id === 'string') out.set(r.room, r.chat_id)
    }
    return out
  }

  addRoom(room: string, chatId: ChatId): void {
    this.run('INSERT INTO rooms(room, chat_id) VALUES (?, ?) ON CONFLICT(room) DO UPDATE SET chat_id = excluded.chat_id', room, chatId)
  }

  // ---- messages (sent ones; the outbox holds the rest) ------------------------------------------------------

  private messages(sql: string, ...args: SQLInputValue[]): Message[] {
    this.fileInbox()
    const out: Message[] = []
    for (const row of this.all(sql, ...args)) {
      const m = messageFromRow(row)
      if (m) out.push(m)
    }
    return out
  }

  /** The newest `limit` messages, oldest first. */
  latest(chatId: ChatId, limit: number): Message[] {
    return this.messages(`SELECT ${COLUMN_LIST} FROM messages WHERE chat_id = ? ORDER BY at DESC, seq DESC LIMIT ?`, chatId, limit).reverse()
  }

  /** Up to `limit` messages just before `key`, oldest first; undefined when `key` is not stored. */
  before(chatId: ChatId, key: string, limit: number): Message[] | undefined {
    const pos = this.position(chatId, key)
    if (!pos) return undefined
    return this.messages(
      `SELECT ${COLUMN_LIST} FROM messages WHERE chat_id = ? AND (at < ? OR (at = ? AND seq < ?))
       ORDER BY at DESC, seq DESC LIMIT ?`, chatId, pos.at, pos.at, pos.seq, limit,
    ).reverse()
  }

  /** Up to `limit` messages just after `key`, oldest first. */
  after(chatId: ChatId, key: string, limit: number): Message[] | undefined {
    const pos = this.position(chatId, key)
    if (!pos) return undefined
    return this.messages(
      `SELECT ${COLUMN_LIST} FROM messages WHERE chat_id = ? AND (at > ? OR (at = ? AND seq > ?))
       ORDER BY at, seq LIMIT ?`, chatId, pos.at, pos.at, pos.seq, limit,
    )
  }

  private position(chatId: ChatId, key: string): { at: number; seq: number } | undefined {
    this.fileInbox()
    const p = this.st('SELECT at, seq FROM messages WHERE chat_id = ? AND key = ?').get(chatId, key) as { at: number; seq: number } | undefined
    return p && typeof p.at === 'number' && typeof p.seq === 'number' ? p : undefined
  }

  get(key: string): Message | undefined {
    return this.messages(`SELECT ${COLUMN_LIST} FROM messages WHERE key = ?`, key)[0]
  }

  last(chatId: ChatId): Message | undefined {
    return this.latest(chatId, 1)[0]
  }

  /** Messages from others after the read mark (the index answers without reading older rows). */
  unreadCount(chatId: ChatId, readAt: number): number {
    this.fileInbox()
    const r = this.st('SELECT count(*) AS n FROM messages WHERE chat_id = ? AND at > ? AND own = 0').get(chatId, readAt) as { n: number }
    return r.n
  }

  /** The oldest message from others after the read mark: where the unread divider goes. */
  firstUnread(chatId: ChatId, readAt: number): Message | undefined {
    return this.messages(`SELECT ${COLUMN_LIST} FROM messages WHERE chat_id = ? AND at > ? AND own = 0 ORDER BY at, seq LIMIT 1`, chatId, readAt)[0]
  }

  /** Messages without a server id yet (live frames, settled own sends): the ones a re-read may match (Q9). */
  withoutServerId(chatId: ChatId): Message[] {
    return this.messages(`SELECT ${COLUMN_LIST} FROM messages WHERE chat_id = ? AND server_id IS NULL ORDER BY at, seq`, chatId)
  }

  /** Server ids stored for a chat. */
  serverIds(chatId: ChatId): Set<string> {
    this.fileInbox()
    const out = new Set<string>()
    for (const r of this.all('SELECT server_id FROM messages WHERE chat_id = ? AND server_id IS NOT NULL', chatId) as Array<{ server_id: unknown }>) {
      if (typeof r.server_id === 'string') out.add(r.server_id)
    }
    return out
  }

  /** Which of `ids` are stored for the chat (a re-read's new part, checked again at the moment it is written). */
  knownAmong(chatId: ChatId, ids: readonly (string | undefined)[]): Set<string> {
    this.fileInbox()
    const one = this.st('SELECT 1 AS x FROM messages WHERE chat_id = ? AND server_id = ?')
    const out = new Set<string>()
    for (const id of ids) if (id !== undefined && one.get(chatId, id)) out.add(id)
    return out
  }

  byServerIds(chatId: ChatId, ids: string[]): Message[] {
    const out: Message[] = []
    for (const id of ids) out.push(...this.messages(`SELECT ${COLUMN_LIST} FROM messages WHERE chat_id = ? AND server_id = ?`, chatId, id))
    return out
  }

  count(chatId: ChatId): number {
    this.fileInbox()
    return (this.st('SELECT count(*) AS n FROM messages WHERE chat_id = ?').get(chatId) as { n: number }).n
  }

  /** Inserts new messages or replaces stored ones (same key), keeping a replaced message's place (seq). */
  putMessages(messages: readonly Message[]): void {
    if (!messages.length) return
    this.fileInbox() // what came before stays before (seq), and a newer copy of a key wins
    // The hot path of live ingest: one prepared statement, bound directly (no per-row SQL string to look up).
    const put = this.st(PUT_MESSAGE)
    this.transaction(() => {
      for (const m of messages) {
        put.run(...messageValues(m))
      }
    })
    this.wrote(messages.length)
  }

  deleteMessages(keys: readonly string[]): void {
    this.fileInbox()
    this.transaction(() => {
      for (const k of keys) this.run('DELETE FROM messages WHERE key = ?', k)
    })
    this.wrote(keys.length)
  }

  /** Moves a chat's messages to another chat id (a one-to-one chat learned its peer: Q6). */
  moveMessages(from: ChatId, to: ChatId): void {
    this.fileInbox()
    this.run('UPDATE OR IGNORE messages SET chat_id = ? WHERE chat_id = ?', to, from)
    this.run('DELETE FROM messages WHERE chat_id = ?', from)
    this.syncIndex()
  }

  // ---- the inbox (v4) ------------------------------------------------------------------------------------------

  /**
   * Keeps live messages the moment they arrive (new keys only: the engine's live keys), in one transaction: a row per
   * INBOX_ROW messages, as JSON. A burst of frames then costs one insert per row instead of three indexes and the
   * search index per message (issue 10, bench (a)). They are filed into `messages` when the engine is idle
   * (fileInbox), and before anything here reads or writes messages — so no reader ever sees the difference, and
   * what a crash leaves in the inbox is filed after the next open.
   */
  keepLive(messages: readonly Message[]): void {
    if (!messages.length) return
    const put = this.st('INSERT INTO inbox(rows) VALUES (?)')
    this.transaction(() => {
      for (let i = 0; i < messages.length; i += INBOX_ROW) put.run(inboxRow(messages.slice(i, i + INBOX_ROW)))
    })
    this.unfiled = true
  }

  /** Live messages wait in the inbox (diagnostics, benchmarks). */
  inboxPending(): boolean {
    return this.unfiled
  }

  /**
   * Files up to `rows` inbox rows (all of them by default) into `messages`, each message read back through the
   * validator on the way; answers whether any are left.
   */
  fileInbox(rows = Infinity): boolean {
    if (!this.unfiled || this.filing) return this.unfiled
    this.filing = true
    try {
      this.transaction(() => {
        const batch = this.all(`SELECT seq, rows FROM inbox ORDER BY seq LIMIT ?`, Number.isFinite(rows) ? rows : -1) as Array<{ seq: number; rows: string }>
        this.putMessages(batch.flatMap((r) => messagesFromInbox(r.rows)))
        if (batch.length) this.run('DELETE FROM inbox WHERE seq <= ?', batch[batch.length - 1].seq)
      })
      this.unfiled = !!(this.st('SELECT EXISTS (SELECT 1 FROM inbox) AS x').get() as { x: number }).x
    } finally {
      this.filing = false
    }
    return this.unfiled
  }

  // ---- search (issue 14: v3's triggers keep `search` and queue its changes for the FTS index; db.ts) ---------------

  /**
   * Brings the FTS index up to date with what the triggers queued, in two batch statements (a batch writes one FTS5
   * segment; a row at a time would write one per row). Runs before a search when messages were written since the
   * last sync (every message write goes through this class), when enough has queued, and on open and close; the
   * queues live in the database, so whatever was not synced yet still is after a crash.
   */
  syncIndex(): void {
    this.unsynced = 0
    if (!this.fts) return // the queues wait for an FTS index (ensureFts builds it whole and empties them)
    const queued = this.st('SELECT EXISTS (SELECT 1 FROM search_new) OR EXISTS (SELECT 1 FROM search_gone) AS q').get() as { q: number }
    if (!queued.q) return
    this.transaction(() => {
      this.run(`INSERT INTO search_fts(search_fts, rowid, chat, text, name) SELECT 'delete', id, chat, text, name FROM search_gone`)
      this.run('DELETE FROM search_gone')
      this.run('INSERT INTO search_fts(rowid, chat, text, name) SELECT s.id, s.chat, s.text, s.name FROM search_new n JOIN search s ON s.id = n.id')
      this.run('DELETE FROM search_new')
    })
  }

  /** Rows written since the last sync (roughly): past SYNC_AFTER, the next write syncs. */
  private unsynced = 0

  private wrote(rows: number): void {
    this.unsynced += rows
    if (this.unsynced >= SYNC_AFTER) this.syncIndex()
  }

  /**
   * Messages that hold every word of `terms` (normalized: shared/search.ts) in their text or file name, newest first,
   * `limit` at most, older than the time key `before`; `chatId` keeps one chat's. With FTS5, its index is walked in
   * rowid order, which is time order (db.ts v3), so only the rows returned are read. Without it, `search` is scanned
   * from the newest row down, each word a substring of the normalized text (as the People filter matches).
   */
  searchMessages(terms: SearchTerms, o: { chatId?: ChatId; limit: number; before?: bigint }): Array<{ id: string; message: Message }> {
    if (!terms.words.length) return []
    this.fileInbox()
    if (this.unsynced) this.syncIndex()
    let chat: number | undefined
    if (o.chatId !== undefined) {
      const c = this.st('SELECT n FROM search_chats WHERE chat_id = ?').get(o.chatId) as { n: number } | undefined
      if (!c) return []
      chat = c.n
    }
    const columns = MESSAGE_COLUMNS.map((c) => `m.${c}`).join(', ')
    // The time key goes out as text: it is 64 bits wide, more than a JS number holds exactly.
    let rows: Array<{ hit: string }>
    if (this.fts) {
      const expr = chat === undefined ? matchExpression(terms) : `{chat} : "${chat}" AND (${matchExpression(terms)})`
      rows = this.all(
        `SELECT CAST(h.id AS TEXT) AS hit, ${columns}
         FROM (SELECT rowid AS id FROM search_fts WHERE search_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?) h
         JOIN search s ON s.id = h.id JOIN messages m ON m.seq = s.seq
         ORDER BY h.id DESC`,
        expr, o.before ?? MAX_KEY, o.limit,
      ) as Array<{ hit: string }>
    } else {
      const words = terms.words.map(() => `instr(s.text || ' ' || s.name, ?) > 0`).join(' AND ')
      rows = this.all(
        `SELECT CAST(s.id AS TEXT) AS hit, ${columns} FROM search s JOIN messages m ON m.seq = s.seq
         WHERE s.id < ? ${chat === undefined ? '' : 'AND s.chat = ?'} AND ${words} ORDER BY s.id DESC LIMIT ?`,
        o.before ?? MAX_KEY, ...(chat === undefined ? [] : [chat]), ...terms.words, o.limit,
      ) as Array<{ hit: string }>
    }
    const out: Array<{ id: string; message: Message }> = []
    for (const row of rows) {
      const message = messageFromRow(row)
      if (message) out.push({ id: row.hit, message })
    }
    return out
  }

  // ---- outbox -------------------------------------------------------------------------------------------------

  outbox(): OutboxItem[] {
    const out: OutboxItem[] = []
    for (const row of this.all('SELECT key, chat_id, data FROM outbox ORDER BY seq') as Array<{ key: unknown; chat_id: unknown; data: unknown }>) {
      const item = outboxFromRow(row)
      if (item) out.push(item)
    }
    return out
  }

  putOutbox(item: OutboxItem): void {
    this.run(
      'INSERT INTO outbox(key, chat_id, data) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET data = excluded.data, chat_id = excluded.chat_id',
      item.key, item.chatId, JSON.stringify(item),
    )
  }

  deleteOutbox(key: string): void {
    this.run('DELETE FROM outbox WHERE key = ?', key)
  }

  // ---- people -------------------------------------------------------------------------------------------------

  users(): User[] {
    const out: User[] = []
    for (const row of this.all('SELECT id, data FROM users') as Array<{ id: unknown; data: unknown }>) {
      const u = userFromRow(row)
      if (u) out.push(u)
    }
    return out
  }

  putUsers(users: readonly User[]): void {
    if (!users.length) return
    this.transaction(() => {
      for (const u of users) this.run('INSERT INTO users(id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data', u.id, JSON.stringify(u))
    })
  }
}
