// Test-only: an in-memory double of the IPC transport (window.cht) for component tests. It is not a model of the
// engine — just enough state to answer requests the way the contract says and to push events on demand.
import type {
  ChtBridge, EventName, Events, RequestArgs, RequestName, RequestResult, Result,
} from '@shared/contract'
import type { AppError, Chat, ChatId, Message, SessionInfo, Settings, User } from '@shared/model'
import { defaultSettings } from '@shared/settings'

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
  opened: string[] = []
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
      case 'connection.get': return out(this.session ? { status: 'online' } : { status: 'signed-out' })
      case 'chats.list': return out(this.chats)
      case 'chats.open': {
        const chat = this.chats.find((c) => c.id === a.chatId)
        if (!chat) throw { code: 'not-found' }
        this.opened.push(a.chatId)
        const all = this.messages.get(a.chatId) ?? []
        const limit = (a.limit as number | undefined) ?? 100
        return out({ chat, messages: all.slice(-limit), hasOlder: all.length > limit })
      }
      case 'chats.blur': return out(undefined)
      case 'chats.members': return out(this.members.get(a.chatId) ?? [])
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
      case 'users.list': return out([])
      case 'direct.start': throw { code: 'not-found' }
      case 'media.get': {
        const m = this.media.get(a.url)
        if (!m) throw { code: 'not-found' }
        return out(m)
      }
      case 'settings.get': return out(this.settings)
      case 'settings.set': {
        this.settings = { ...this.settings, ...(raw as object) }
        this.emit('settings.changed', this.settings)
        return out(this.settings)
      }
      case 'app.openExternal': return out(true)
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
