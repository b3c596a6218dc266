// Test-only: an in-memory double of the IPC transport (window.cht) for component tests. It is not a model of the
// engine — just enough state to answer requests the way the contract says and to push events on demand.
import type {
  ChtBridge, EventName, Events, RequestArgs, RequestName, RequestResult, Result, SearchHit,
} from '@shared/contract'
import type { AppError, Chat, ChatId, Message, SessionInfo, Settings, StagedFile, User } from '@shared/model'
import { defaultSettings } from '@shared/settings'
import { matchesSearch, matchRanges, searchTerms, snippetOf } from '@shared/search'

type Handler<N extends RequestName> = (args: RequestArgs<N>) => RequestResult<N> | Promise<RequestResult<N>>

export class FakeBridge implements ChtBridge {
  calls: Array<{ name: RequestName; args: unknown }> = []
  settings: Settings = defaultSettings('https://cht.example')
  session: SessionInfo | null = null
  validToken = 'good-token'
  user: User = { id: 'u-me', name: 'Me Myself', isSuperuser: false }
  chats: Chat[] = []
  messages = new Map<ChatId, Message[]>()
  members = new Map<ChatId, User[]>()
  media = new Map<string, { bytes: Uint8Array; mime: string }>()
  /** The directory (users.list) and, for superusers, profiles.list. */
  users: User[] = []
  profiles: User[] = []
  opened: string[] = []
  /** What drafts.set stored, by chat. */
  drafts = new Map<ChatId, string>()
  private listeners = new Map<EventName, Set<(p: unknown) => void>>()
  private overrides = new Map<RequestName, Handler<never>>()
  private seq = 0

  /** Replace the answer to one request (throw an AppError-like `{code}` object to answer with an error). */
  handle<N extends RequestName>(name: N, fn: Handler<N>): void {
    this.overrides.set(name, fn as Handler<never>)
  }

  emit<N extends EventName>(name: N, payload: Events[N]): void {
    for (const l of this.listeners.get(name) ?? []) l(payload)
  }

  on<N extends EventName>(name: N, listener: (payload: Events[N]) => void): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    const l = listener as (p: unknown) => void
    set.add(l)
    return () => set.delete(l)
  }

  /** Files "dropped" in tests: staged by name, with ids the test can read back. */
  staged: StagedFile[] = []
  /** What main's open dialog "picks" (files.pick): staged on each pick. */
  pickFiles: Array<Omit<StagedFile, 'id'>> = []
  /** Bytes staged by files.stageBytes (pasted images), by staged id. */
  stagedBytes = new Map<string, Uint8Array>()
  /** Names passed to files.save whose dialog the user "cancels". */
  saveCancels = new Set<string>()
  /** Bytes files.preview answers for picked images (by staged id). */
  previews = new Map<string, Uint8Array>()
  /** Every files.open, in order; `openFails` answers file.open-failed. */
  openedFiles: Array<{ url: string; name: string }> = []
  openFails = false
  /** What clipboard.writeText last wrote. */
  clipboard = ''
  /** What data.size answers (the local database's size). */
  dataBytes = 3 * 1024 * 1024
  async stageFiles(files: File[]): Promise<Result<StagedFile[]>> {
    const out = files.map((f) => ({
      id: `staged-${++this.seq}`, name: f.name, size: f.size, mime: f.type || undefined, isImage: f.type.startsWith('image/'),
    }))
    this.staged.push(...out)
    return { ok: true, value: out }
  }

  callsOf(name: RequestName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args)
  }

  async request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<Result<RequestResult<N>>> {
    this.calls.push({ name, args })
    try {
      const o = this.overrides.get(name) as Handler<N> | undefined
      const value = o ? await o(args) : await this.answer(name, args)
      return { ok: true, value }
    } catch (e) {
      const err = e as Partial<AppError>
      return { ok: false, error: { code: err.code ?? 'unknown', detail: err.detail } }
    }
  }

  private upsertChat(chat: Chat): void {
    this.chats = this.chats.some((c) => c.id === chat.id) ? this.chats.map((c) => (c.id === chat.id ? chat : c)) : [...this.chats, chat]
    this.emit('chats.changed', this.chats)
  }

  private async answer<N extends RequestName>(name: N, raw: RequestArgs<N>): Promise<RequestResult<N>> {
    const a = raw as Record<string, never>
    const out = (v: unknown) => v as RequestResult<N>
    switch (name) {
      case 'session.get': return out(this.session)
      case 'session.signIn': {
        if (a.token !== this.validToken) throw { code: 'auth.invalid' }
        this.session = { serverOrigin: a.serverOrigin, user: this.user }
        return out(this.session)
      }
      case 'session.signInWeb': throw { code: 'sso.cancelled' }
      case 'session.signOut': this.session = null; return out(undefined)
      case 'session.cancelSignIn': return out(undefined)
      case 'drafts.set': {
        this.drafts.set(a.chatId, a.text)
        return out(undefined)
      }
      case 'connection.get': return out(this.session ? { status: 'online' } : { status: 'signed-out' })
      case 'connection.reconnect': return out(undefined)
      case 'data.size': return out({ bytes: this.dataBytes })
      case 'chats.list': return out(this.chats)
      case 'chats.open': {
        const chat = this.chats.find((c) => c.id === a.chatId)
        if (!chat) throw { code: 'not-found' }
        this.opened.push(a.chatId)
        const all = this.messages.get(a.chatId) ?? []
        const limit = (a.limit as number | undefined) ?? 100
        // The chat's unread count says how many of the newest messages from others are unread (the divider).
        const fromOthers = all.filter((m) => !m.own)
        const first = chat.unread > 0 ? fromOthers[fromOthers.length - chat.unread] : undefined
        const opened = { ...chat, unread: 0 }
        this.chats = this.chats.map((c) => (c.id === chat.id ? opened : c))
        if (a.around) {
          // Issue 14: the window around a message, it in the middle.
          const at = all.findIndex((m) => m.key === a.around)
          if (at < 0) throw { code: 'not-found' }
          const start = Math.max(0, at - Math.floor((limit - 1) / 2))
          const end = Math.min(all.length, start + limit)
          return out({ chat: opened, messages: all.slice(start, end), hasOlder: start > 0, hasNewer: end < all.length })
        }
        return out({
          chat: opened, messages: all.slice(-limit), hasOlder: all.length > limit,
          ...(first ? { firstUnread: { key: first.key, count: chat.unread } } : {}),
        })
      }
      case 'chats.blur': return out(undefined)
      case 'chats.members': return out(this.members.get(a.chatId) ?? [])
      case 'messages.newer': {
        const all = this.messages.get(a.chatId) ?? []
        const i = all.findIndex((m) => m.key === a.afterKey)
        if (i < 0) throw { code: 'not-found' }
        const end = Math.min(all.length, i + 1 + (a.limit as number))
        return out({ messages: all.slice(i + 1, end), hasOlder: true, hasNewer: end < all.length })
      }
      case 'search.messages': {
        // Not the index (core tests that): every held message with all the words, newest first, paged by position.
        const terms = searchTerms(a.query)
        const all = [...this.messages.values()].flat()
          .filter((m) => (!a.chatId || m.chatId === a.chatId) && terms.words.length && matchesSearch(`${m.text} ${m.file?.name ?? ''}`, a.query))
          .sort((x, y) => y.at - x.at)
        const from = a.before ? Number(a.before) : 0
        const page = all.slice(from, from + (a.limit as number))
        const hits: SearchHit[] = page.map((m) => {
          const byName = !!m.file && !matchRanges(m.text, terms).length
          return {
            chatId: m.chatId, key: m.key, at: m.at, own: m.own, senderName: m.senderName, field: byName ? 'file' : 'text',
            snippet: snippetOf(byName ? m.file!.name : m.text, terms), ...(m.file ? { file: { name: m.file.name, isImage: m.file.isImage } } : {}),
          }
        })
        return out(from + page.length < all.length ? { hits, next: String(from + page.length) } : { hits })
      }
      case 'messages.older': {
        const all = this.messages.get(a.chatId) ?? []
        const i = all.findIndex((m) => m.key === a.beforeKey)
        const end = i < 0 ? 0 : i
        const start = Math.max(0, end - (a.limit as number))
        return out({ messages: all.slice(start, end), hasOlder: start > 0 })
      }
      case 'messages.send': {
        const key = `local-${++this.seq}`
        const m: Message = {
          key, chatId: a.chatId, senderId: this.user.id, senderName: this.user.name, text: a.text,
          at: Date.now(), own: true, status: 'sending',
        }
        this.messages.set(a.chatId, [...(this.messages.get(a.chatId) ?? []), m])
        this.emit('messages.added', { chatId: a.chatId, messages: [m] })
        return out({ key })
      }
      case 'messages.retry': return out(undefined)
      case 'messages.discard': {
        this.messages.set(a.chatId, (this.messages.get(a.chatId) ?? []).filter((m) => m.key !== a.key))
        this.emit('messages.removed', { chatId: a.chatId, keys: [a.key] })
        return out(undefined)
      }
      case 'users.list': return out(this.users)
      case 'profiles.list': {
        if (!this.user.isSuperuser) throw { code: 'forbidden' }
        return out(this.profiles)
      }
      case 'direct.start': {
        const peer = this.users.find((u) => u.id === a.userId)
        if (!peer) throw { code: 'user.not-found' }
        const id = `direct:${peer.id}`
        const chat = this.chats.find((c) => c.id === id) ?? { id, kind: 'direct', title: peer.name, peerId: peer.id, live: true, unread: 0 }
        this.upsertChat(chat)
        return out(chat)
      }
      case 'groups.create': {
        const id = `group:${a.slug}`
        if (this.chats.some((c) => c.id === id)) throw { code: 'group.slug-taken' }
        const title = (a.title as string | undefined) ?? (a.slug as string)
        if (this.chats.some((c) => c.title === title)) throw { code: 'group.name-taken' }
        const chat: Chat = {
          id, kind: 'group', title, slug: a.slug, live: true, unread: 0, membersCount: 1, canManage: true, createdBy: this.user.name,
        }
        this.members.set(id, [this.user])
        this.upsertChat(chat)
        return out(chat)
      }
      case 'groups.addMembers': {
        const have = this.members.get(a.chatId) ?? []
        const added: string[] = []
        const failed: Array<{ userId: string; error: AppError }> = []
        for (const userId of a.userIds as string[]) {
          const u = this.users.find((x) => x.id === userId)
          if (!u) failed.push({ userId, error: { code: 'user.not-found' } })
          else {
            added.push(userId)
            if (!have.some((m) => m.id === userId)) have.push(u)
          }
        }
        this.members.set(a.chatId, have)
        this.emit('members.changed', { chatId: a.chatId, members: [...have] })
        return out({ added, failed })
      }
      case 'groups.removeMember': {
        const left = (this.members.get(a.chatId) ?? []).filter((m) => m.id !== a.userId)
        this.members.set(a.chatId, left)
        if (a.userId === this.user.id) {
          this.chats = this.chats.filter((c) => c.id !== a.chatId)
          this.emit('chats.changed', this.chats)
        } else this.emit('members.changed', { chatId: a.chatId, members: left })
        return out(undefined)
      }
      case 'media.get': {
        const m = this.media.get(a.url)
        if (!m) throw { code: 'not-found' }
        return out(m)
      }
      case 'settings.get': return out(this.settings)
      case 'settings.set': {
        const { notifications, ...rest } = raw as RequestArgs<'settings.set'>
        this.settings = { ...this.settings, ...rest, notifications: { ...this.settings.notifications, ...notifications } }
        this.emit('settings.changed', this.settings)
        return out(this.settings)
      }
      case 'app.openExternal': return out(true)
      case 'app.attention': return out(undefined)
      case 'files.pick': {
        const max = this.settings.maxFileBytes
        const ok = this.pickFiles.filter((f) => f.size > 0 && f.size <= max)
        const picked = ok.map((f) => ({ ...f, id: `staged-${++this.seq}` }))
        this.staged.push(...picked)
        const refused = this.pickFiles
          .filter((f) => !ok.includes(f))
          .map((f) => ({ name: f.name, size: f.size, code: f.size > 0 ? 'file.too-large' : 'file.empty' }))
        return out({ files: picked, refused })
      }
      case 'files.preview': {
        const bytes = this.stagedBytes.get(a.stagedId) ?? this.previews.get(a.stagedId)
        if (!bytes) throw { code: 'not-found' }
        return out({ bytes, mime: 'image/png' })
      }
      case 'files.open': {
        this.openedFiles.push({ url: a.url, name: a.name })
        if (this.openFails) throw { code: 'file.open-failed' }
        return out({ opened: true })
      }
      case 'clipboard.writeText': {
        this.clipboard = a.text
        return out(undefined)
      }
      case 'files.stageBytes': {
        const { name: fileName, mime, bytes } = raw as RequestArgs<'files.stageBytes'>
        if (!bytes.length) throw { code: 'file.empty' }
        const s: StagedFile = { id: `staged-${++this.seq}`, name: fileName, size: bytes.length, mime, isImage: !!mime?.startsWith('image/') }
        this.staged.push(s)
        this.stagedBytes.set(s.id, bytes)
        return out(s)
      }
      case 'files.send': {
        const { chatId, stagedIds } = raw as RequestArgs<'files.send'>
        const chat = this.chats.find((c) => c.id === chatId)
        const have = this.messages.get(chatId) ?? []
        // PROTOCOL W2: only a text creates a one-to-one room.
        if (chat?.kind === 'direct' && !have.some((m) => !m.file)) throw { code: 'file.first-in-direct' }
        const files = stagedIds.map((id) => this.staged.find((s) => s.id === id))
        if (files.some((f) => !f)) throw { code: 'invalid-input' }
        const added: Message[] = files.map((f) => ({
          key: `local-${++this.seq}`, chatId, senderId: this.user.id, senderName: this.user.name, text: '',
          file: { url: '', name: f!.name, mime: f!.mime, size: f!.size, isImage: f!.isImage },
          transfer: { sent: 0, total: f!.size }, at: Date.now(), own: true, status: 'sending',
        }))
        this.messages.set(chatId, [...have, ...added])
        this.emit('messages.added', { chatId, messages: added })
        return out({ keys: added.map((m) => m.key) })
      }
      case 'files.cancel': {
        this.messages.set(a.chatId, (this.messages.get(a.chatId) ?? []).filter((m) => m.key !== a.key))
        this.emit('messages.removed', { chatId: a.chatId, keys: [a.key] })
        return out(undefined)
      }
      case 'files.save': {
        const fileName = a.name as string
        if (this.saveCancels.has(fileName)) return out({ warnedExecutable: false })
        return out({ savedId: `saved-${++this.seq}`, warnedExecutable: /\.(exe|msi|bat|cmd|scr|sh)$/i.test(fileName) })
      }
      case 'files.showSaved': return out(undefined)
      case 'chats.setMuted': {
        const muted = a.muted as boolean
        const others = this.settings.mutedChats.filter((id) => id !== a.chatId)
        this.settings = { ...this.settings, mutedChats: muted ? [...others, a.chatId] : others }
        this.chats = this.chats.map((c) => (c.id === a.chatId ? { ...c, muted } : c))
        this.emit('chats.changed', this.chats)
        this.emit('settings.changed', this.settings)
        return out(undefined)
      }
    }
    throw { code: 'invalid-input' }
  }
}

/** Build `n` messages for a chat, oldest first, one minute apart. */
export function makeMessages(chatId: ChatId, n: number, opts: { start?: number; own?: (i: number) => boolean } = {}): Message[] {
  const start = opts.start ?? Date.UTC(2024, 0, 1, 8, 0)
  const out: Message[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const own = opts.own?.(i) ?? false
    out[i] = {
      key: `${chatId}#${i}`, serverId: String(i), chatId,
      senderId: own ? 'u-me' : `u-${i % 3}`, senderName: own ? 'Me Myself' : `User ${i % 3}`,
      text: `message ${i}`, at: start + i * 60_000, own, status: 'sent',
    }
  }
  return out
}

export function makeChat(id: ChatId, over: Partial<Chat> = {}): Chat {
  return { id, kind: id.startsWith('group:') ? 'group' : 'direct', title: id, live: true, unread: 0, ...over }
}
