// People and groups (issue 6): create a group (R2), add / remove members and leave (R4), every profile (R7),
// the directory (R6). Speaks shared/model.ts; raw shapes go through ./cht/wire. The chat list itself (sockets,
// histories, the outbox) stays in ChatEngine, reached through the small GroupHost interface below.
import type { AppError, Chat, ChatId, User } from '../../shared/model'
import { isValidSlug } from '../../shared/slug'
import { ChtError, toAppError } from './errors'
import type { Clock, KeyValueStore } from './ports'
import type { Rest } from './cht/rest'
import * as wire from './cht/wire'

/** R6 is one big answer; opening the directory twice within this time costs one request (PROTOCOL 1.5). */
export const USERS_TTL_MS = 60_000

const TITLES_KEY = 'groupTitles'

/** What GroupManager needs from the chat engine. */
export interface GroupHost {
  readonly rest: Rest
  readonly origin: string
  readonly me: User
  readonly clock: Clock
  /** The group as listed (local title, canManage); throws 'not-found' for unknown ids and directs. */
  group(chatId: ChatId): Chat
  /** The display title kept on this device for a group (undefined: the server's name). */
  setGroupTitle(slug: string, title: string | undefined): void
  /** A group we just created: into the list at once (socket opened, chats.changed). */
  adoptGroup(chat: Chat, members: User[]): Chat
  /** Re-read R5 and emit members.changed; `fallback` patches the member list when the read fails. */
  refreshMembers(chatId: ChatId, fallback: (members: User[]) => User[]): Promise<void>
  /** We left: the chat leaves the list, its socket stops, its outbox items are discarded. */
  dropChat(chatId: ChatId): void
  /** Directory: R6 entries replace (`authoritative`), other sources merge. */
  rememberUsers(users: User[], authoritative?: boolean): void
  knownUsers(): User[]
  user(id: string): User | undefined
}

/** Display titles of groups created here (Q7: the server name must equal the slug, so the title is local). */
export class GroupTitles {
  private titles: Record<string, string>

  constructor(private readonly store: KeyValueStore) {
    this.titles = store.get<Record<string, string>>(TITLES_KEY) ?? {}
  }

  get(slug: string | undefined): string | undefined {
    return slug !== undefined && Object.prototype.hasOwnProperty.call(this.titles, slug) ? this.titles[slug] : undefined
  }

  set(slug: string, title: string | undefined): void {
    if (title) this.titles[slug] = title
    else delete this.titles[slug]
    this.store.set(TITLES_KEY, this.titles)
  }

  clear(): void {
    this.titles = {}
    this.store.delete(TITLES_KEY)
  }
}

function squash(s: string): string {
  return s.replace(/[\s\u200c]+/g, '')
}

/**
 * The UI offers member management to the group's creator and to superusers (R4 has no checks of its own).
 * R3 `created_by` is "first last", R2's is "firstlast" (Q2): compared without spaces against our own name.
 */
export function canManageGroup(chat: Chat, me: User): boolean {
  if (chat.kind !== 'group') return false
  if (me.isSuperuser) return true
  return !!chat.createdBy && !!me.name && squash(chat.createdBy) === squash(me.name)
}

/** Q2: a partial record (R5 all_users has no superuser flag, R4 none at all) never erases what R6/R7 said. */
export function mergeUser(old: User | undefined, u: User): User {
  if (!old) return u
  return { ...old, ...u, name: u.name || old.name, isSuperuser: u.isSuperuser || old.isSuperuser }
}

function byName(a: User, b: User): number {
  return a.name.localeCompare(b.name)
}

export interface AddMembersResult {
  added: string[]
  failed: Array<{ userId: string; error: AppError }>
}

export class GroupManager {
  private usersAt = 0
  private usersLoading?: Promise<void>

  constructor(private readonly host: GroupHost) {}

  /** R2 with name == slug (Q7); the optional title stays on this device. */
  async create(args: { slug: string; title?: string; visibility: 'public' | 'private' }): Promise<Chat> {
    const { slug, visibility } = args
    if (!isValidSlug(slug)) throw new ChtError('invalid-input', 'slug must match [a-z0-9_]{1,64}')
    const r = await this.host.rest.post(wire.routes.createGroup, wire.createGroupBody(slug, visibility))
    const chat = wire.groupFromR2(r.body) // 400 name/slug taken → group.name-taken / group.slug-taken (wire)
    const title = args.title?.trim()
    this.setMembership(this.host.me.id, chat.slug!, true)
    // The creator is the only member (R2 members_count 1); R2's created_by lacks the space (Q2).
    this.host.adoptGroup({ ...chat, createdBy: this.host.me.name, membersCount: 1 }, [this.host.me])
    this.host.setGroupTitle(chat.slug!, title && title !== chat.slug ? title : undefined)
    return this.host.group(chat.id)
  }

  /**
   * R4 add_member for each user, ONE AT A TIME through the shared REST bucket (PROTOCOL 1.5: never a fan-out),
   * collecting failures per user without stopping; then one R5 re-read for the member list.
   */
  async addMembers(chatId: ChatId, userIds: string[]): Promise<AddMembersResult> {
    const chat = this.host.group(chatId)
    if (!chat.canManage) throw new ChtError('forbidden', 'only the creator or a superuser adds members')
    const slug = chat.slug!
    const added: string[] = []
    const failed: AddMembersResult['failed'] = []
    const seen = new Set<string>()
    for (const raw of userIds) {
      const id = wire.normalizeUuid(raw)
      if (!id) {
        // The server would answer 400 "UUID معتبر نیست." — no need to spend a request on it.
        failed.push({ userId: raw, error: { code: 'invalid-input', detail: 'not a user id' } })
        continue
      }
      if (seen.has(id)) continue
      seen.add(id)
      let body: unknown
      try {
        body = (await this.host.rest.post(wire.routes.members(slug), wire.memberChangeBody('add', id))).body
      } catch (e) {
        failed.push({ userId: id, error: toAppError(e) })
        continue
      }
      added.push(id)
      this.setMembership(id, slug, true)
      try {
        const { user } = wire.memberChangeFromR4(body, this.host.origin)
        if (user) this.host.rememberUsers([user])
      } catch {
        // The add succeeded (200); an odd message body changes nothing.
      }
    }
    if (added.length) {
      const addedSet = new Set(added)
      await this.host.refreshMembers(chatId, (members) => {
        const have = new Set(members.map((m) => m.id))
        const extra = [...addedSet].filter((id) => !have.has(id)).map((id) => this.host.user(id) ?? { id, name: '', isSuperuser: false })
        return [...members, ...extra]
      })
    }
    return { added, failed }
  }

  /** R4 remove_member. Removing yourself is leaving: the chat leaves the list at once. */
  async removeMember(chatId: ChatId, userIdRaw: string): Promise<void> {
    const userId = wire.normalizeUuid(userIdRaw)
    if (!userId) throw new ChtError('invalid-input', 'not a user id')
    const chat = this.host.group(chatId)
    const leaving = userId === this.host.me.id
    if (!leaving && !chat.canManage) throw new ChtError('forbidden', 'only the creator or a superuser removes members')
    const slug = chat.slug!
    await this.host.rest.post(wire.routes.members(slug), wire.memberChangeBody('remove', userId))
    this.setMembership(userId, slug, false)
    if (leaving) return this.host.dropChat(chatId)
    await this.host.refreshMembers(chatId, (members) => members.filter((m) => m.id !== userId))
  }

  /** R7 `?get-all=true`: every profile for a superuser; anyone else silently gets only their own (Q10). */
  async profiles(): Promise<User[]> {
    const body = (await this.host.rest.get(wire.routes.profile, { query: { 'get-all': 'true' } })).body
    const users = wire.profilesFromR7(body, this.host.origin)
    this.host.rememberUsers(users)
    return users.map((u) => this.host.user(u.id) ?? u).sort(byName)
  }

  /** The directory: R6 (memberships, superuser flags) at most once per USERS_TTL_MS, plus every user seen elsewhere. */
  async users(): Promise<User[]> {
    if (!this.usersAt || this.host.clock.monotonic() - this.usersAt >= USERS_TTL_MS) {
      this.usersLoading ??= this.loadUsers().finally(() => {
        this.usersLoading = undefined
      })
      await this.usersLoading
    }
    return this.host.knownUsers().sort(byName)
  }

  private async loadUsers(): Promise<void> {
    try {
      this.host.rememberUsers(wire.usersFromR6((await this.host.rest.get(wire.routes.users)).body, this.host.origin), true)
    } catch (err) {
      // R6 is a 500 while any user lacks a profile (1.2): the users seen in R5 still serve. Not retried
      // before the TTL either — the budget matters more than a fresher directory.
      if (!(err instanceof ChtError) || err.code !== 'server') throw err
    }
    this.usersAt = this.host.clock.monotonic()
  }

  /** Keeps the cached R6 memberships true to what this app just did, instead of spending a re-read. */
  private setMembership(userId: string, slug: string, member: boolean): void {
    const u = this.host.user(userId)
    if (!u?.groups) return
    const groups = u.groups.filter((g) => g !== slug)
    if (member) groups.push(slug)
    this.host.rememberUsers([{ ...u, groups }], true)
  }
}
