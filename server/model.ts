/** Domain operations shared by REST, sockets, the SSO stand-in and the demo seeder. */
import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Store, SsoUserRow, UserRow } from './db'

export interface NewUser {
  firstNameFa: string
  lastNameFa: string
  firstNameEn?: string
  lastNameEn?: string
  nationalCode?: string
  avatarUrl?: string | null
  isSuperuser?: boolean
}

export function newToken(): string {
  return randomBytes(20).toString('hex')
}

export function createSsoUser(store: Store, u: NewUser): string {
  const id = randomUUID()
  store.run(
    `INSERT INTO sso_users(id, national_code, first_name_fa, last_name_fa, first_name_en, last_name_en, avatar_url, is_superuser)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    id, u.nationalCode ?? String(randomInt(1_000_000_000, 9_999_999_999)), u.firstNameFa, u.lastNameFa,
    u.firstNameEn ?? u.firstNameFa, u.lastNameEn ?? u.lastNameFa, u.avatarUrl === undefined ? null : u.avatarUrl,
    u.isSuperuser ? 1 : 0)
  return id
}

export function mintToken(store: Store, userId: string): string {
  if (!store.ssoUser(userId)) throw new Error(`unknown SSO user ${userId}`)
  const token = newToken()
  store.addSession(token, userId)
  return token
}

/**
 * R1: copy the SSO record into cht's user table and record this token as the socket token.
 * Returns 'created' | 'updated' | 'updated-no-profile' (the caller answers 500 for the last — §1.2; the update sticks).
 */
export function registerFromSso(store: Store, sso: SsoUserRow, token: string): 'created' | 'updated' | 'updated-no-profile' {
  const existing = store.user(sso.id)
  if (!existing) {
    store.run(
      `INSERT INTO users(id, nationalcode, first_name_fa, last_name_fa, first_name_en, last_name_en, usr_avatar, is_superuser, socket_token)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      sso.id, sso.national_code, sso.first_name_fa, sso.last_name_fa, sso.first_name_en, sso.last_name_en, sso.avatar_url,
      sso.is_superuser, token)
    return 'created'
  }
  store.run(
    `UPDATE users SET nationalcode = ?, first_name_fa = ?, last_name_fa = ?, first_name_en = ?, last_name_en = ?,
     usr_avatar = ?, is_superuser = ?, socket_token = ? WHERE id = ?`,
    sso.national_code, sso.first_name_fa, sso.last_name_fa, sso.first_name_en, sso.last_name_en, sso.avatar_url,
    sso.is_superuser, token, sso.id)
  return store.profileOf(sso.id) ? 'updated' : 'updated-no-profile'
}

/** R7's lazy profile creation. */
export function ensureProfile(store: Store, userId: string): { created: boolean; id: string } {
  const p = store.profileOf(userId)
  if (p) return { created: false, id: p.id }
  return { created: true, id: store.createProfile(userId).id }
}

export function createGroup(store: Store, creator: UserRow, name: string, slug: string, type: string) {
  const g = store.insertGroup({ name, slug, type, created_by: creator.id })
  store.addMember(g.id, creator.id)
  return g
}

/** Stores an uploaded file as media/static/files/<6 random digits><ext>; returns the stored relative path. */
export function saveMedia(mediaDir: string, data: Buffer, ext: string): string {
  const dir = join(mediaDir, 'static', 'files')
  mkdirSync(dir, { recursive: true })
  for (;;) {
    const name = String(randomInt(100000, 1000000)) + ext
    const full = join(dir, name)
    if (existsSync(full)) continue
    writeFileSync(full, data)
    return `static/files/${name}`
  }
}
