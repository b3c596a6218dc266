// The local database file (issue 10, DESIGN §4 MessageStore): node:sqlite — built into Electron 45's Node and into
// the Node 24 the project runs on, so nothing is compiled — in WAL mode, one file per signed-in user, readable only
// by that user. The schema has a version (PRAGMA user_version) and ordered migrations; a file that is not a
// database, or a damaged one, is moved aside (kept for support) and a new one is made — never silently emptied.
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { indexForm } from '../../../shared/search'

/** Each step takes the schema from version i to i + 1; never edit a step that has shipped, add one. */
export const MIGRATIONS: readonly string[] = [
  // v1: chats, their messages (time-ordered per chat), the outbox, the people seen.
  `CREATE TABLE chats (
     id TEXT PRIMARY KEY,
     data TEXT NOT NULL,
     members TEXT NOT NULL DEFAULT '[]',
     read_at INTEGER NOT NULL DEFAULT 0,
     local_title TEXT
   ) STRICT;
   CREATE TABLE messages (
     seq INTEGER PRIMARY KEY,
     chat_id TEXT NOT NULL,
     key TEXT NOT NULL UNIQUE,
     server_id TEXT,
     at INTEGER NOT NULL,
     own INTEGER NOT NULL,
     sender_id TEXT,
     sender_name TEXT NOT NULL,
     sender_avatar TEXT,
     text TEXT NOT NULL,
     file TEXT
   ) STRICT;
   CREATE UNIQUE INDEX messages_server ON messages(chat_id, server_id) WHERE server_id IS NOT NULL;
   CREATE INDEX messages_time ON messages(chat_id, at, seq);
   CREATE TABLE outbox (
     seq INTEGER PRIMARY KEY,
     key TEXT NOT NULL UNIQUE,
     chat_id TEXT NOT NULL,
     data TEXT NOT NULL
   ) STRICT;
   CREATE TABLE users (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;`,
  // v2: drafts per chat, and every one-to-one room known for a pair (PROTOCOL Q6: a pair may own two rooms).
  `ALTER TABLE chats ADD COLUMN draft TEXT NOT NULL DEFAULT '';
   CREATE TABLE rooms (room TEXT PRIMARY KEY, chat_id TEXT NOT NULL) STRICT;
   CREATE INDEX rooms_chat ON rooms(chat_id);`,
  // v3 (issue 14): full-text search over every stored message. Triggers on `messages` keep `search` — each message's
  // text and file name in their search form (cht_search_text/cht_search_name: indexForm in shared/search.ts,
  // registered on every connection) — so no code path that writes messages can forget it. Its id is a TIME KEY:
  // at (ms) × 2^20 + a free slot within that millisecond. The FTS5 index over it (search_fts, ensureFts below)
  // answers in rowid order, which is therefore time order: the newest matches come first without sorting every
  // match. `chat` is a small number per chat (search_chats), indexed as a token, so "this chat only" is an index
  // lookup too. The FTS index is written in batches by LocalStore.syncIndex() from two queues the triggers fill
  // (search_new: rows to index; search_gone: what to take out, with the values that were indexed): FTS5 flushes its
  // pending terms to a new segment at every statement savepoint, so a row-by-row write from a trigger costs a segment
  // per message (measured ≈ 5× slower than a batch). The queues are in the database: nothing is lost in a crash.
  `CREATE TABLE search_chats (n INTEGER PRIMARY KEY, chat_id TEXT NOT NULL UNIQUE) STRICT;
   CREATE TABLE search (
     id INTEGER PRIMARY KEY,
     seq INTEGER NOT NULL UNIQUE,
     chat INTEGER NOT NULL,
     text TEXT NOT NULL,
     name TEXT NOT NULL
   ) STRICT;
   CREATE TABLE search_new (id INTEGER PRIMARY KEY) STRICT;
   CREATE TABLE search_gone (id INTEGER NOT NULL, chat INTEGER NOT NULL, text TEXT NOT NULL, name TEXT NOT NULL) STRICT;
   INSERT INTO search_chats(chat_id) SELECT DISTINCT chat_id FROM messages;
   INSERT INTO search(id, seq, chat, text, name)
     SELECT base + row_number() OVER (PARTITION BY base ORDER BY seq) - 1, seq, n, cht_search_text(text),
            CASE WHEN file IS NULL THEN '' ELSE cht_search_name(file) END
     FROM (SELECT max(0, min(m.at, 4398046511103)) * 1048576 AS base, m.seq, c.n, m.text, m.file
           FROM messages m JOIN search_chats c ON c.chat_id = m.chat_id);
   CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
     ${indexMessage('NEW')}
   END;
   CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
     ${unindexMessage('OLD')}
   END;
   CREATE TRIGGER messages_search_update AFTER UPDATE OF chat_id, at, text, file ON messages
   WHEN OLD.chat_id IS NOT NEW.chat_id OR OLD.at IS NOT NEW.at OR OLD.text IS NOT NEW.text OR OLD.file IS NOT NEW.file BEGIN
     ${unindexMessage('OLD')}
     ${indexMessage('NEW')}
   END;`,
  // v4 (issue 10, live ingest): the inbox — live messages kept the moment they arrive, a batch per row (JSON), and
  // filed into `messages` later (LocalStore.keepLive / fileInbox): a burst then costs one insert per batch instead of
  // the indexes and the search index per message.
  `CREATE TABLE inbox (seq INTEGER PRIMARY KEY, rows TEXT NOT NULL) STRICT;`,
]

/**
 * The trigger steps for a new message row: its `search` row, queued for the FTS index. Its time key takes the next
 * free slot of its millisecond (2^20 of them: more messages than that in one millisecond cannot be stored, and cannot
 * happen). `at` is clamped to 2^42 ms (the year 2109) so the key stays a 64-bit integer. No "OR IGNORE" in these
 * steps: the statement that fires a trigger imposes its own conflict policy on them.
 */
function indexMessage(row: 'NEW'): string {
  return `INSERT INTO search_chats(chat_id) SELECT ${row}.chat_id WHERE NOT EXISTS (SELECT 1 FROM search_chats WHERE chat_id = ${row}.chat_id);
     INSERT INTO search(id, seq, chat, text, name)
       SELECT coalesce((SELECT max(id) + 1 FROM search WHERE id BETWEEN k.base AND k.base + 1048575), k.base), ${row}.seq,
              (SELECT n FROM search_chats WHERE chat_id = ${row}.chat_id), cht_search_text(${row}.text),
              CASE WHEN ${row}.file IS NULL THEN '' ELSE cht_search_name(${row}.file) END
       FROM (SELECT max(0, min(${row}.at, 4398046511103)) * 1048576 AS base) k;
     INSERT INTO search_new(id) SELECT id FROM search WHERE seq = ${row}.seq;`
}

/**
 * The trigger steps for a message row that goes: out of `search`; out of the queue if it was never indexed, else
 * queued for removal from the FTS index with the values it was indexed with (FTS5 external content needs them).
 */
function unindexMessage(row: 'OLD'): string {
  return `INSERT INTO search_gone(id, chat, text, name)
       SELECT id, chat, text, name FROM search WHERE seq = ${row}.seq AND NOT EXISTS (SELECT 1 FROM search_new n WHERE n.id = search.id);
     DELETE FROM search_new WHERE id = (SELECT id FROM search WHERE seq = ${row}.seq);
     DELETE FROM search WHERE seq = ${row}.seq;`
}

/**
 * The FTS5 index over `search`, made on open when missing — outside the numbered migrations because it needs SQLite's
 * FTS5 module: a runtime whose SQLite lacks it (some Node builds before 22.16 did) must still open the database, and
 * search then scans `search` instead (LocalStore). Made later (the module arrived), it is built from `search` whole,
 * and the queues, now covered by that build, are emptied. Answers whether it is there.
 */
export function ensureFts(db: DatabaseSync, available = true): boolean {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'").get()) return available && hasFts5(db)
  if (!available || !hasFts5(db)) return false
  transaction(db, () => {
    db.exec(`CREATE VIRTUAL TABLE search_fts USING fts5(
               chat, text, name, content = 'search', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
             );
             INSERT INTO search_fts(search_fts) VALUES ('rebuild');
             DELETE FROM search_new;
             DELETE FROM search_gone;`)
  })
  return true
}

/** Whether this SQLite has the FTS5 module (a throwaway table in the connection's temporary schema). */
function hasFts5(db: DatabaseSync): boolean {
  try {
    db.exec('CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x); DROP TABLE temp.fts5_probe;')
    return true
  } catch {
    return false
  }
}

/**
 * The SQL functions the schema calls (v3's triggers): a message's text and its file's name in their search form
 * (shared/search.ts — the same function normalizes every query). Registered on every connection before anything
 * else: a connection without them cannot write messages.
 */
export function registerFunctions(db: DatabaseSync): void {
  db.function('cht_search_text', { deterministic: true }, (text) => (typeof text === 'string' ? indexForm(text) : ''))
  db.function('cht_search_name', { deterministic: true }, (file) => {
    if (typeof file !== 'string') return ''
    try {
      const name = (JSON.parse(file) as { name?: unknown }).name
      return typeof name === 'string' ? indexForm(name) : ''
    } catch {
      return ''
    }
  })
}

export const SCHEMA_VERSION = MIGRATIONS.length

export interface OpenedDatabase {
  db: DatabaseSync
  /** The FTS5 search index is there (ensureFts). */
  fts: boolean
  /** The file was damaged or not a database: it was moved here, and `salvaged` holds its readable outbox rows. */
  movedAside?: string
  salvaged: Array<{ key: string; chat_id: string; data: string }>
}

/** SQLite's answers for "this is not (or no longer) a sound database". */
export function isDamage(e: unknown): boolean {
  const code = (e as { errcode?: number }).errcode
  const base = typeof code === 'number' ? code & 0xff : undefined
  if (base === 11 || base === 26) return true // SQLITE_CORRUPT, SQLITE_NOTADB
  return /malformed|not a database|file is encrypted|disk image/i.test(String((e as Error)?.message))
}

/** Runs `fn` in one transaction (rolled back if it throws). */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  if (db.isTransaction) return fn()
  db.exec('BEGIN')
  try {
    const r = fn()
    db.exec('COMMIT')
    return r
  } catch (e) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw e
  }
}

/**
 * A file cut short (a full disk, a copy interrupted) opens fine and fails much later, page by page. Its header says
 * how many pages it should have (valid when the change counter matches "version-valid-for"): compare with its size.
 */
function truncated(file: string): boolean {
  const expected = expectedSize(file)
  return expected !== undefined && statSync(file).size < expected
}

/** The size the header promises, when the header is there and valid. */
function expectedSize(file: string): number | undefined {
  let fd: number | undefined
  try {
    const h = Buffer.alloc(100)
    fd = openSync(file, 'r')
    if (readSync(fd, h, 0, 100, 0) < 100) return undefined
    if (h.toString('latin1', 0, 15) !== 'SQLite format 3') return undefined // not a database at all: SQLite says so
    const pageSize = h.readUInt16BE(16) === 1 ? 65536 : h.readUInt16BE(16)
    const pages = h.readUInt32BE(28)
    return pages > 0 && h.readUInt32BE(24) === h.readUInt32BE(92) ? pages * pageSize : undefined
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function connect(file: string, upTo: number): DatabaseSync {
  if (existsSync(file) && truncated(file)) throw Object.assign(new Error('database disk image is malformed (truncated)'), { errcode: 11 })
  const db = new DatabaseSync(file, { timeout: 5000 })
  try {
    registerFunctions(db)
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;')
    let version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version)
    if (version > MIGRATIONS.length) throw Object.assign(new Error(`schema v${version} is newer than this app`), { newer: true })
    while (version < upTo) {
      transaction(db, () => {
        db.exec(MIGRATIONS[version])
        db.exec(`PRAGMA user_version = ${version + 1}`)
      })
      version++
    }
    // Cheap proof that the small, vital tables are readable: the chat list and the outbox are read at every start.
    db.prepare('SELECT count(*) FROM chats').get()
    db.prepare('SELECT key, chat_id, data FROM outbox').all()
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

/**
 * Best effort: the outbox rows of a damaged file that can still be read (each row on its own). Read from a copy:
 * a file cut short is padded back to the size its header promises, so SQLite reads the pages that survived.
 */
function salvageOutbox(file: string): OpenedDatabase['salvaged'] {
  let db: DatabaseSync | undefined
  const copy = `${file}.salvage`
  try {
    copyFileSync(file, copy)
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`)
    const expected = expectedSize(copy)
    if (expected !== undefined && statSync(copy).size < expected) truncateSync(copy, expected)
    db = new DatabaseSync(copy)
    const seqs = db.prepare('SELECT seq FROM outbox ORDER BY seq').all() as Array<{ seq: number }>
    const one = db.prepare('SELECT key, chat_id, data FROM outbox WHERE seq = ?')
    const out: OpenedDatabase['salvaged'] = []
    for (const { seq } of seqs) {
      try {
        const row = one.get(seq) as OpenedDatabase['salvaged'][number] | undefined
        if (row && typeof row.key === 'string' && typeof row.chat_id === 'string' && typeof row.data === 'string') out.push(row)
      } catch {
        /* that row is on a damaged page */
      }
    }
    return out
  } catch {
    return []
  } finally {
    try {
      db?.close()
    } catch {
      /* already unusable */
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true })
  }
}

/** Moves the file and its WAL/SHM aside as `<file>.damaged-<when>`; answers the new path. */
export function moveAside(file: string, now: number): string {
  const aside = `${file}.damaged-${new Date(now).toISOString().replace(/[:.]/g, '-')}`
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix)
  }
  return aside
}

/**
 * Opens (creating, migrating) the database at `file`. A damaged file is moved aside with its readable outbox rows
 * salvaged; the caller puts them back and tells the user. `upTo` is for migration tests only; `fts5: false` (tests)
 * opens it as a SQLite without FTS5 would.
 */
export function openDatabase(file: string, now: () => number, upTo = SCHEMA_VERSION, o: { fts5?: boolean } = {}): OpenedDatabase {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  // Without the index the app still works (search scans instead): a failure here never stops the database opening.
  const fts = (db: DatabaseSync) => {
    try {
      return upTo >= 3 && ensureFts(db, o.fts5 ?? true)
    } catch {
      return false
    }
  }
  try {
    const db = connect(file, upTo)
    restrict(file)
    return { db, fts: fts(db), salvaged: [] }
  } catch (e) {
    if ((e as { newer?: boolean }).newer || !isDamage(e)) throw e
  }
  const salvaged = salvageOutbox(file)
  const movedAside = moveAside(file, now())
  const db = connect(file, upTo)
  restrict(file)
  return { db, fts: fts(db), movedAside, salvaged }
}

/** Readable by this user only (POSIX; on Windows the profile folder is already private). */
function restrict(file: string): void {
  if (process.platform === 'win32') return
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      chmodSync(file + suffix, 0o600)
    } catch {
      /* WAL/SHM appear later, with the database's permissions */
    }
  }
}
