/** SQLite storage of the reference server (node:sqlite, built into Node 24 — no native module to compile; WAL). */
import { randomUUID } from 'node:crypto'
import { DatabaseSync, type StatementSync, type SQLInputValue, type StatementResultingChanges } from 'node:sqlite'

export type DB = DatabaseSync

export interface SsoUserRow {
  id: string
  national_code: string
  first_name_fa: string
  last_name_fa: string
  first_name_en: string
  last_name_en: string
  avatar_url: string | null
  is_superuser: number
}

export interface UserRow {
  id: string
  nationalcode: string
  first_name_fa: string
  last_name_fa: string
  first_name_en: string
  last_name_en: string
  usr_avatar: string | null
  is_superuser: number
  socket_token: string
  seq: number
}

export interface ProfileRow {
  id: string
  user_id: string
}

export interface GroupRow {
  id: string
  name: string
  slug: string
  type: string
  created_by: string
  is_private_chat: number
  target_user: string | null
  seq: number
}

export interface MessageRow {
  id: number
  group_id: string
  user_id: string
  content: string
  file: string | null
  recipient: string | null
  created_us: number
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sso_users (
  id TEXT PRIMARY KEY, national_code TEXT NOT NULL DEFAULT '',
  first_name_fa TEXT NOT NULL, last_name_fa TEXT NOT NULL,
  first_name_en TEXT NOT NULL DEFAULT '', last_name_en TEXT NOT NULL DEFAULT '',
  avatar_url TEXT, is_superuser INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS sso_sessions (
  token TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES sso_users(id), created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, nationalcode TEXT NOT NULL DEFAULT '',
  first_name_fa TEXT NOT NULL, last_name_fa TEXT NOT NULL,
  first_name_en TEXT NOT NULL DEFAULT '', last_name_en TEXT NOT NULL DEFAULT '',
  usr_avatar TEXT, is_superuser INTEGER NOT NULL DEFAULT 0, socket_token TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS profiles (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE REFERENCES users(id));
CREATE TABLE IF NOT EXISTS groups (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE, slug TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL, created_by TEXT NOT NULL, is_private_chat INTEGER NOT NULL DEFAULT 0, target_user TEXT);
CREATE TABLE IF NOT EXISTS memberships (
  group_id TEXT NOT NULL, user_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (group_id, user_id));
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT, group_id TEXT NOT NULL, user_id TEXT NOT NULL,
  content TEXT NOT NULL, file TEXT, recipient TEXT, created_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS messages_group ON messages(group_id, created_us, id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`

export function openDb(file: string): DB {
  const db = new DatabaseSync(file, { timeout: 5000 })
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;')
  db.exec(SCHEMA)
  return db
}

/** Typed statement helpers (prepared lazily, cached per db). */
export class Store {
  private cache = new Map<string, StatementSync>()
  constructor(readonly db: DB) {}

  /** Runs `fn` in one transaction (rolled back if it throws). */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN')
    try {
      const r = fn()
      this.db.exec('COMMIT')
      return r
    } catch (e) {
      this.db.exec('ROLLBACK')
      throw e
    }
  }

  private st(sql: string): StatementSync {
    let s = this.cache.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.cache.set(sql, s)
    }
    return s
  }
  get<T>(sql: string, ...args: SQLInputValue[]): T | undefined {
    return this.st(sql).get(...args) as T | undefined
  }
  all<T>(sql: string, ...args: SQLInputValue[]): T[] {
    return this.st(sql).all(...args) as T[]
  }
  run(sql: string, ...args: SQLInputValue[]): StatementResultingChanges {
    return this.st(sql).run(...args)
  }

  // ---- SSO
  ssoUserByToken(token: string): SsoUserRow | undefined {
    return this.get<SsoUserRow>(
      'SELECT u.* FROM sso_sessions s JOIN sso_users u ON u.id = s.user_id WHERE s.token = ?', token)
  }
  ssoUser(id: string): SsoUserRow | undefined {
    return this.get<SsoUserRow>('SELECT * FROM sso_users WHERE id = ?', id)
  }
  ssoUsers(): SsoUserRow[] {
    return this.all<SsoUserRow>('SELECT * FROM sso_users ORDER BY rowid')
  }
  addSession(token: string, userId: string): void {
    this.run('INSERT INTO sso_sessions(token, user_id, created_at) VALUES (?, ?, ?)', token, userId, Date.now())
  }
  removeSession(token: string): boolean {
    return Number(this.run('DELETE FROM sso_sessions WHERE token = ?', token).changes) > 0
  }

  // ---- cht users / profiles
  user(id: string): UserRow | undefined {
    return this.get<UserRow>('SELECT * FROM users WHERE id = ?', id)
  }
  users(): UserRow[] {
    return this.all<UserRow>('SELECT * FROM users ORDER BY seq')
  }
  profileOf(userId: string): ProfileRow | undefined {
    return this.get<ProfileRow>('SELECT * FROM profiles WHERE user_id = ?', userId)
  }
  createProfile(userId: string): ProfileRow {
    const p = { id: randomUUID(), user_id: userId }
    this.run('INSERT INTO profiles(id, user_id) VALUES (?, ?)', p.id, p.user_id)
    return p
  }
  usersWithoutProfile(): number {
    return this.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE p.id IS NULL')!.n
  }

  // ---- groups
  groupBySlug(slug: string): GroupRow | undefined {
    return this.get<GroupRow>('SELECT * FROM groups WHERE slug = ? AND is_private_chat = 0', slug)
  }
  groupByName(name: string): GroupRow | undefined {
    return this.get<GroupRow>('SELECT * FROM groups WHERE name = ? AND is_private_chat = 0', name)
  }
  anyGroupByName(name: string): GroupRow | undefined {
    return this.get<GroupRow>('SELECT * FROM groups WHERE name = ?', name)
  }
  anyGroupBySlug(slug: string): GroupRow | undefined {
    return this.get<GroupRow>('SELECT * FROM groups WHERE slug = ?', slug)
  }
  privateRoom(slug: string): GroupRow | undefined {
    return this.get<GroupRow>('SELECT * FROM groups WHERE slug = ? AND is_private_chat = 1', slug)
  }
  /** Q6: the pair's rooms in either order; the first created wins when the race left two (see rooms.ts). */
  privateRoomForPair(a: string, b: string): GroupRow | undefined {
    return this.get<GroupRow>(
      `SELECT * FROM groups WHERE is_private_chat = 1 AND
       ((created_by = ? AND target_user = ?) OR (created_by = ? AND target_user = ?)) ORDER BY seq LIMIT 1`, a, b, b, a)
  }
  insertGroup(g: { name: string; slug: string; type: string; created_by: string; is_private_chat?: boolean; target_user?: string | null }): GroupRow {
    const id = randomUUID()
    this.run('INSERT INTO groups(id, name, slug, type, created_by, is_private_chat, target_user) VALUES (?, ?, ?, ?, ?, ?, ?)',
      id, g.name, g.slug, g.type, g.created_by, g.is_private_chat ? 1 : 0, g.target_user ?? null)
    return this.get<GroupRow>('SELECT * FROM groups WHERE id = ?', id)!
  }
  addMember(groupId: string, userId: string): void {
    this.run('INSERT OR IGNORE INTO memberships(group_id, user_id, seq) VALUES (?, ?, (SELECT COALESCE(MAX(seq),0)+1 FROM memberships))',
      groupId, userId)
  }
  removeMember(groupId: string, userId: string): void {
    this.run('DELETE FROM memberships WHERE group_id = ? AND user_id = ?', groupId, userId)
  }
  membersCount(groupId: string): number {
    return this.get<{ n: number }>('SELECT COUNT(*) AS n FROM memberships WHERE group_id = ?', groupId)!.n
  }
  members(groupId: string): UserRow[] {
    return this.all<UserRow>(
      'SELECT u.* FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? ORDER BY m.seq', groupId)
  }
  groupsOf(userId: string): GroupRow[] {
    return this.all<GroupRow>(
      `SELECT g.* FROM memberships m JOIN groups g ON g.id = m.group_id
       WHERE m.user_id = ? AND g.is_private_chat = 0 ORDER BY g.seq`, userId)
  }
  privateRoomsOf(userId: string): GroupRow[] {
    return this.all<GroupRow>(
      'SELECT * FROM groups WHERE is_private_chat = 1 AND (created_by = ? OR target_user = ?) ORDER BY seq', userId, userId)
  }

  // ---- messages
  insertMessage(m: { group_id: string; user_id: string; content: string; file: string | null; recipient: string | null; created_us: number }): number {
    const r = this.run('INSERT INTO messages(group_id, user_id, content, file, recipient, created_us) VALUES (?, ?, ?, ?, ?, ?)',
      m.group_id, m.user_id, m.content, m.file, m.recipient, m.created_us)
    return Number(r.lastInsertRowid)
  }
  messages(groupId: string): MessageRow[] {
    return this.all<MessageRow>('SELECT * FROM messages WHERE group_id = ? ORDER BY created_us, id', groupId)
  }

  // ---- meta
  meta(key: string): string | undefined {
    return this.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', key)?.value
  }
  setMeta(key: string, value: string): void {
    this.run('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value)
  }
}
