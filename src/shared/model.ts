// Domain types the UI sees (DESIGN §2). Everything here is already normalized by core/cht/wire.ts:
// ids lowercase and hyphenated, names resolved, URLs absolute or absent, times as epoch ms.
// Pure TypeScript: no Node, no DOM, no electron.

export type Locale = 'fa' | 'en'
export type Theme = 'system' | 'light' | 'dark'

export interface User {
  /** SSO user id (PROTOCOL §1: lowercase, hyphenated). Never the profile id (Q3). */
  id: string
  /** Display name, "first last". */
  name: string
  /** Absolute avatar URL, or undefined for "no avatar" (Q4). */
  avatarUrl?: string
  isSuperuser: boolean
  /** Group slugs this user belongs to (R6), when known. */
  groups?: string[]
}

export type ChatKind = 'group' | 'direct'

/** Stable chat key: `group:<slug>` or `direct:<peer user id>` (a direct room's name may change: Q6). */
export type ChatId = string

export interface MessagePreview {
  senderName: string
  /** Sent by the signed-in user: the list reads "You: …" instead of their own name. */
  own?: boolean
  text: string
  isFile: boolean
  at: number
}

export interface Chat {
  id: ChatId
  kind: ChatKind
  title: string
  /** Group slug exactly as the server returned it (R5 lookups may be case-sensitive). */
  slug?: string
  /** Direct chats: the other party. */
  peerId?: string
  /** Direct chats: the current W2 room name (R8), when known. */
  room?: string
  avatarUrl?: string
  createdBy?: string
  membersCount?: number
  /** Q7: false for groups whose slug has no socket route — readable, not writable. */
  live: boolean
  unread: number
  lastMessage?: MessagePreview
  /** Notifications off for this chat (settings.mutedChats). */
  muted?: boolean
  /** Groups: the current user may add and remove members (creator or superuser). */
  canManage?: boolean
  /** Text typed in the composer and not sent yet (kept by main across chat switches and restarts). */
  draft?: string
}

export interface Attachment {
  /** Absolute URL on the configured server origin (Q5b). */
  url: string
  /** Readable name: the original one for own sends, derived from the URL otherwise. */
  name: string
  mime?: string
  size?: number
  isImage: boolean
}

export type MessageStatus = 'sent' | 'sending' | 'failed'

export interface Transfer {
  sent: number
  total: number
}

export interface Message {
  /** Stable key for the UI: never changes once a message is shown (pending → settled keeps the key). */
  key: string
  /** Server id from R5/R9, once known (frames carry none: Q9). */
  serverId?: string
  chatId: ChatId
  senderId?: string
  senderName: string
  senderAvatarUrl?: string
  text: string
  file?: Attachment
  /** Epoch ms, server time when known (Q5). */
  at: number
  own: boolean
  status: MessageStatus
  /** Translatable error code when status is 'failed'. */
  error?: ErrorCode
  transfer?: Transfer
}

export type ConnectionStatus = 'online' | 'connecting' | 'offline' | 'throttled' | 'signed-out'

export interface ConnectionState {
  status: ConnectionStatus
  /**
   * Why it is offline when the user can act: 'other-device' — the server's socket token now belongs to another
   * sign-in of this user (PROTOCOL 1.3), "reconnect" takes it back; 'session-expired' — sign in again (nothing is
   * lost: the outbox waits for the same user).
   */
  reason?: 'other-device' | 'session-expired'
  /** Epoch ms of the next attempt while offline/throttled. */
  retryAt?: number
}

export interface SessionInfo {
  serverOrigin: string
  user: User
}

export interface NotificationSettings {
  enabled: boolean
  /** Privacy: show sender and text, or only "new message". */
  previews: boolean
  sound: boolean
}

/** Do Not Disturb "until turned off". */
export const DND_FOREVER = Number.MAX_SAFE_INTEGER

export interface Settings {
  locale: Locale
  theme: Theme
  serverOrigin: string
  /**
   * The organisation's SSO origin (https): the one host besides the server that avatars may be loaded from (issue 13:
   * a member's avatar on any other host must not make the app connect there). null: learned from the signed-in
   * user's own avatar, which that SSO issued.
   */
  ssoOrigin: string | null
  notifications: NotificationSettings
  /** Do Not Disturb until this epoch ms (DND_FOREVER = until turned off); null = off. */
  dndUntil: number | null
  mutedChats: ChatId[]
  /** Closing the window keeps the app running in the tray. */
  runInBackground: boolean
  startAtLogin: boolean
  /** Electron zoom level (0 = 100 %). */
  zoomLevel: number
  /** Files larger than this are refused before they are read (issue 4). */
  maxFileBytes: number
}

/** A file the user chose (drop, picker, paste), known to main by an opaque id: the renderer never sees a path. */
export interface StagedFile {
  id: string
  name: string
  size: number
  mime?: string
  isImage: boolean
}

/** What a native notification should say; decided by core (mute, DND, attention), shown by main. */
export interface NotificationRequest {
  chatId: ChatId
  /** Chat title (group) or sender (direct). */
  title: string
  /** Preview text, or a generic "new message" when previews are off (the renderer never builds it). */
  body: string
  /** Messages not yet seen in this chat since its last notification was dismissed (coalescing). */
  count: number
  silent: boolean
}

/**
 * Every failure the user can see, as a code the renderer translates (i18n `errors.<code>`).
 * core/cht maps HTTP statuses and server bodies (PROTOCOL 1.4) onto these; never a raw server text or stack.
 */
export type ErrorCode =
  | 'auth.invalid' // 401: token unknown or missing
  | 'auth.socket' // 403 at a socket handshake: token superseded (1.3)
  | 'forbidden' // 403 from REST
  | 'throttled' // 429 (Q12)
  | 'network' // could not reach the server
  | 'timeout'
  | 'server' // 5xx / HTML page
  | 'bad-response' // the server answered something we cannot read
  | 'not-found'
  | 'invalid-input'
  | 'group.name-taken'
  | 'group.slug-taken'
  | 'group.not-live' // Q7
  | 'user.not-found'
  | 'message.rejected' // 1011 after a send (Q9)
  | 'message.empty'
  | 'file.too-large'
  | 'file.empty'
  | 'file.first-in-direct' // W2: a file cannot open a room
  | 'file.unreadable'
  | 'file.open-failed' // the system could not open a downloaded file (no app for it)
  | 'sso.cancelled'
  | 'signin.cancelled' // the person pressed Cancel while signing in
  | 'origin.insecure' // http:// to another machine without the person's explicit consent
  | 'secret.plaintext-refused'
  | 'session.expired' // the token is no longer valid: sign in again (issue 10/11: nothing is deleted)
  | 'session.other-user' // signed in as someone else than the session whose data is here
  | 'chat.removed' // a group stopped being listed: removed by someone, or left on another device
  | 'store.rebuilt' // the local database was damaged: moved aside, rebuilt from the server; queued messages kept
  | 'state.reset' // issue 13: saved settings that failed their check were put back to their defaults
  | 'state.damaged' // issue 13: the settings file could not be read: kept aside, the last good copy (or defaults) used
  | 'app.recovered' // issue 13: the window's page stopped (crashed, or was reloaded when it hung) and was reopened
  | 'unknown'

export interface AppError {
  code: ErrorCode
  /** Optional untranslated detail for a "details" disclosure (already stripped of HTML). */
  detail?: string
}
