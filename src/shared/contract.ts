// THE bridge contract (DESIGN §3): every request the renderer may make of main, with a runtime schema for
// its arguments, and every event main sends to the renderer. preload/index.ts, main/ipc.ts, the e2e host
// and renderer/bridge.ts are all derived from these maps; nothing crosses the bridge that is not here.
import { z } from 'zod'
import type {
  AppError, Chat, ChatId, ConnectionState, ErrorCode, Message, NotificationRequest, SessionInfo, Settings, StagedFile, User,
} from './model'
import type { Snippet } from './search'
import { isOrigin } from './settings'

const chatId = z.string().min(1).max(200).regex(/^(group|direct):[^\s]+$/)
const messageKey = z.string().min(1).max(200)
const httpOrigin = z
  .string()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s)
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password
    } catch {
      return false
    }
  }, 'not an http(s) origin')
const token = z.string().trim().min(1).max(4096).regex(/^\S+$/)
/** The person accepted an unencrypted (http:) server on another machine; core refuses one without it. */
const allowInsecure = z.boolean().optional()

/** Runtime schemas for the arguments of every request (one object argument each, or none). */
export const requestSchemas = {
  'session.get': z.undefined(),
  'session.signIn': z.strictObject({ serverOrigin: httpOrigin, token, allowInsecure }),
  'session.signInWeb': z.strictObject({ serverOrigin: httpOrigin, allowInsecure }),
  /** Stop a sign-in that is still waiting (the SSO window, a slow server): it fails with `signin.cancelled`. */
  'session.cancelSignIn': z.undefined(),
  /** Sign out; `deleteLocalData` also deletes this user's messages and outbox from this computer (a shared PC). */
  'session.signOut': z.strictObject({ deleteLocalData: z.boolean() }).optional(),
  /** The current connection state (events only report changes). */
  'connection.get': z.undefined(),
  /** "Reconnect now": re-authenticate if needed and retry every socket at once (issue 11). */
  'connection.reconnect': z.undefined(),

  'chats.list': z.undefined(),
  /**
   * Open a chat: it becomes the active one (unread cleared) and its newest window is returned — or, with `around`,
   * the window around that message (issue 14: a search result), half before it and half after.
   */
  'chats.open': z.strictObject({ chatId, limit: z.number().int().min(1).max(1000).optional(), around: messageKey.optional() }),
  /** The window is hidden or another view is shown: no chat is being read. */
  'chats.blur': z.undefined(),
  'chats.members': z.strictObject({ chatId }),
  /** The composer's unsent text for a chat ('' clears it), kept in the local store; it comes back as `Chat.draft`. */
  'drafts.set': z.strictObject({ chatId, text: z.string().max(64 * 1024) }),
  /** Size of this user's local data on disk (Settings). */
  'data.size': z.undefined(),

  'messages.older': z.strictObject({ chatId, beforeKey: messageKey, limit: z.number().int().min(1).max(1000) }),
  /** The page after a message (a window opened around a search result, scrolled down); the last page ends with the unsent ones. */
  'messages.newer': z.strictObject({ chatId, afterKey: messageKey, limit: z.number().int().min(1).max(1000) }),
  /**
   * Issue 14: messages whose text or file name holds every word of `query` (Persian/Arabic letter forms, digits,
   * ZWNJ and diacritics folded; the last word a prefix), newest first, in every chat or in `chatId`. Paged: pass the
   * previous page's `next` as `before`.
   */
  'search.messages': z.strictObject({
    query: z.string().max(500),
    chatId: chatId.optional(),
    limit: z.number().int().min(1).max(100),
    before: z.string().regex(/^\d{1,19}$/).optional(),
  }),
  'messages.send': z.strictObject({ chatId, text: z.string().max(64 * 1024) }),
  'messages.retry': z.strictObject({ chatId, key: messageKey }),
  'messages.discard': z.strictObject({ chatId, key: messageKey }),

  'users.list': z.undefined(),
  'direct.start': z.strictObject({ userId: z.string().min(1).max(64) }),

  /** Bytes of an image or file the server (or the SSO's avatar host) serves; main fetches and caches. */
  'media.get': z.strictObject({ url: z.string().url().max(4096) }),

  'settings.get': z.undefined(),
  'settings.set': z.strictObject({
    locale: z.enum(['fa', 'en']).optional(),
    theme: z.enum(['system', 'light', 'dark']).optional(),
    notifications: z
      .strictObject({ enabled: z.boolean().optional(), previews: z.boolean().optional(), sound: z.boolean().optional() })
      .optional(),
    dndUntil: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    runInBackground: z.boolean().optional(),
    startAtLogin: z.boolean().optional(),
    zoomLevel: z.number().min(-5).max(5).optional(),
    maxFileBytes: z.number().int().min(1024 * 1024).max(2 * 1024 * 1024 * 1024).optional(),
    /** Issue 13: the organisation's SSO (https origin) avatars may come from; null = learn it from your own avatar. */
    ssoOrigin: z.string().max(2000).refine((s) => isOrigin(s, ['https:']), 'not an https origin').nullable().optional(),
  }),
  'chats.setMuted': z.strictObject({ chatId, muted: z.boolean() }),
  /** The renderer reports whether the user can see the app (window focused and visible): no notification then. */
  'app.attention': z.strictObject({ focused: z.boolean() }),

  /** R7 ?get-all=true (superusers; Q10). */
  'profiles.list': z.undefined(),
  /** R2 with name == slug (Q7); `title` is kept locally as the display title. */
  'groups.create': z.strictObject({
    slug: z.string().regex(/^[a-z0-9_]{1,64}$/),
    title: z.string().trim().min(1).max(100).optional(),
    visibility: z.enum(['public', 'private']),
  }),
  /** R4 add_member for each user, paced within the REST budget. */
  'groups.addMembers': z.strictObject({ chatId, userIds: z.array(z.string().min(1).max(64)).min(1).max(200) }),
  /** Files (issue 4). Main's open dialog: the chosen files come back staged, as opaque ids. */
  'files.pick': z.undefined(),
  /** A pasted image (no path): its bytes are staged in main. */
  'files.stageBytes': z.strictObject({
    name: z.string().min(1).max(255),
    mime: z.string().max(100).optional(),
    bytes: z.instanceof(Uint8Array),
  }),
  /** Send staged files through the outbox (one file frame at a time per socket). */
  'files.send': z.strictObject({ chatId, stagedIds: z.array(z.string().min(1).max(100)).min(1).max(50) }),
  /** Stop a file that is being sent (or waits to be): nothing half-sent stays in the outbox. */
  'files.cancel': z.strictObject({ chatId, key: messageKey }),
  /** "Save as…" through main's save dialog; the name is sanitized, nothing is overwritten or opened. */
  'files.save': z.strictObject({ url: z.string().url().max(4096), name: z.string().max(1000) }),
  /** Reveal a file saved by `files.save` (by its opaque id) in the system file manager. */
  'files.showSaved': z.strictObject({ savedId: z.string().min(1).max(100) }),
  /** Issue 12: the bytes of a staged image, for its thumbnail in the tray before sending. */
  'files.preview': z.strictObject({ stagedId: z.string().min(1).max(100) }),
  /**
   * Issue 12: "Open" a received file: main downloads it to its cache and hands it to the system (asking once first
   * for a program or script). `name` is what the user sees; main sanitizes it.
   */
  'files.open': z.strictObject({ url: z.string().url().max(4096), name: z.string().max(1000) }),
  /** R4 remove_member; removing yourself is leaving. */
  'groups.removeMember': z.strictObject({ chatId, userId: z.string().min(1).max(64) }),

  'app.openExternal': z.strictObject({ url: z.string().max(4096) }),
  /** Issue 12: "Copy text" / "Copy link" from the message menu (main's clipboard: the page has no clipboard permission). */
  'clipboard.writeText': z.strictObject({ text: z.string().max(64 * 1024) }),
} as const

export interface MessageWindow {
  messages: Message[]
  /** More (older) messages exist before the first one returned. */
  hasOlder: boolean
  /** More (newer) messages exist after the last one returned (a window around a message); absent = at the newest. */
  hasNewer?: boolean
}

/** Issue 14: one found message — what a result row shows, and where Enter takes the person (chatId + key). */
export interface SearchHit {
  chatId: ChatId
  key: string
  at: number
  own: boolean
  senderId?: string
  senderName: string
  /** Where the words were found: the message's text, or its file's name. */
  field: 'text' | 'file'
  /** A short piece of that text (or name) and the ranges in it to highlight: plain text, never HTML. */
  snippet: Snippet
  file?: { name: string; isImage: boolean }
}

export interface SearchPage {
  /** Newest first. */
  hits: SearchHit[]
  /** More (older) hits exist: pass this as `before` for the next page. */
  next?: string
}

/** Where the unread messages of a chat began when it was opened (issue 12: the unread divider). */
export interface FirstUnread {
  /** Key of the first message from someone else after the read mark. */
  key: string
  /** Messages from others after the read mark (the chat list's unread count at that moment). */
  count: number
}

/** A file the open dialog returned that cannot be sent, with what the user needs to read why (issue 12). */
export interface FileRefusal {
  name: string
  /** Bytes, when the file could be measured. */
  size?: number
  code: ErrorCode
}

export interface MediaBytes {
  bytes: Uint8Array
  mime: string
}

/** Result types of every request. */
export interface RequestResults {
  'session.get': SessionInfo | null
  'session.signIn': SessionInfo
  'session.signInWeb': SessionInfo
  'session.signOut': void
  'session.cancelSignIn': void
  'connection.get': ConnectionState
  'connection.reconnect': void
  'data.size': { bytes: number }
  'chats.list': Chat[]
  /** `firstUnread` is set when messages from others arrived after the read mark (before this open cleared it). */
  'chats.open': MessageWindow & { chat: Chat; firstUnread?: FirstUnread }
  'chats.blur': void
  'chats.members': User[]
  'drafts.set': void
  'messages.older': MessageWindow
  'messages.newer': MessageWindow
  'search.messages': SearchPage
  'messages.send': { key: string }
  'messages.retry': void
  'messages.discard': void
  'users.list': User[]
  'direct.start': Chat
  'media.get': MediaBytes
  'settings.get': Settings
  'settings.set': Settings
  'app.openExternal': boolean
  'chats.setMuted': void
  'app.attention': void
  'profiles.list': User[]
  'groups.create': Chat
  'groups.addMembers': { added: string[]; failed: Array<{ userId: string; error: AppError }> }
  'groups.removeMember': void
  /** Files that can be sent are staged; the others come back refused, each with its name (issue 12). */
  'files.pick': { files: StagedFile[]; refused: FileRefusal[] }
  'files.stageBytes': StagedFile
  'files.send': { keys: string[] }
  'files.cancel': void
  /** `savedId` is undefined when the user cancelled the dialog. */
  'files.save': { savedId?: string; warnedExecutable: boolean }
  'files.showSaved': void
  'files.preview': MediaBytes
  /** `opened` is false when the user declined the warning for a program or script. */
  'files.open': { opened: boolean }
  'clipboard.writeText': void
}

export type RequestName = keyof typeof requestSchemas
export type RequestArgs<N extends RequestName> = z.infer<(typeof requestSchemas)[N]>
export type RequestResult<N extends RequestName> = RequestResults[N]

/** Every request answers with a result envelope: errors cross the bridge as data, never as thrown Errors. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }

/** Events main → renderer. Delivered in batches (one IPC message per frame: DESIGN §2). */
export interface Events {
  'session.changed': SessionInfo | null
  'connection.changed': ConnectionState
  /** The whole (small) chat list, each time anything in it changes. */
  'chats.changed': Chat[]
  /** New messages at the end of a chat's timeline (live, or own sends entering the outbox). */
  'messages.added': { chatId: ChatId; messages: Message[] }
  /** Messages already shown whose status, id, file or attribution changed (matched by `key`). */
  'messages.updated': { chatId: ChatId; messages: Message[] }
  /** Messages removed from a timeline (a discarded failed send). */
  'messages.removed': { chatId: ChatId; keys: string[] }
  /** The timeline changed in a way that is not an append (history re-read merged older items): reload the newest window. */
  'messages.reset': { chatId: ChatId }
  'settings.changed': Settings
  /** Something the user should know about that is not an answer to a request (translated by the renderer). */
  'notice': AppError
  /** A native notification was raised (main shows it; the renderer may reflect it). */
  'notification': NotificationRequest
  /** Main asks the renderer to show a chat (notification click, tray). */
  'app.openChat': { chatId: ChatId }
  /** The menu's "Go to chat…" (Ctrl/Cmd+K: the accelerator is the menu's, so the page never sees the key). */
  'app.quickSwitch': null
  /** A group's members changed (R4 from this app, or seen in a re-read R5). */
  'members.changed': { chatId: ChatId; members: User[] }
}

export type EventName = keyof Events
export type EventBatch = Array<{ [N in EventName]: [N, Events[N]] }[EventName]>

/** IPC channel names (Electron transport). */
export const IPC_REQUEST = 'cht:request'
export const IPC_EVENTS = 'cht:events'
export const IPC_STAGE_FILES = 'cht:stage-files'

/** What the preload exposes as `window.cht` — the renderer's whole view of the outside world. */
export interface ChtBridge {
  request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<Result<RequestResult<N>>>
  on<N extends EventName>(name: N, listener: (payload: Events[N]) => void): () => void
  /**
   * Stage files the user dropped or picked in the page. The preload takes each path itself
   * (`webUtils.getPathForFile`) and hands main only that; the page gets opaque staged ids back (DESIGN §3).
   */
  stageFiles(files: File[]): Promise<Result<StagedFile[]>>
}

/** Parse a request's arguments with its schema; returns an AppError instead of throwing. */
export function parseRequest<N extends RequestName>(
  name: string,
  args: unknown,
): { ok: true; name: N; args: RequestArgs<N> } | { ok: false; error: AppError } {
  if (!Object.prototype.hasOwnProperty.call(requestSchemas, name)) {
    return { ok: false, error: { code: 'invalid-input', detail: 'unknown request' } }
  }
  const parsed = requestSchemas[name as N].safeParse(args)
  if (!parsed.success) return { ok: false, error: { code: 'invalid-input', detail: parsed.error.issues[0]?.message } }
  return { ok: true, name: name as N, args: parsed.data as RequestArgs<N> }
}

export type { AppError, Chat, ChatId, ConnectionState, Message, SessionInfo, Settings, StagedFile, User }
