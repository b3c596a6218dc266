import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import type { FileRefusal } from '@shared/contract'
import type { Chat, ChatId, ErrorCode, StagedFile } from '@shared/model'
import { BridgeError, codeOf, request, stageFiles } from '../bridge'
import { checkFiles, pastedImageName, type FileProblem } from '../files'
import { useChatsStore } from './chats'
import { useMessagesStore } from './messages'
import { useSettingsStore } from './settings'

/** How many staged ids one files.send may carry (contract: max 50). */
const SEND_BATCH = 50

export interface SavedState {
  busy: boolean
  savedId?: string
  warnedExecutable?: boolean
  error?: ErrorCode
}

export interface OpenState {
  busy: boolean
  error?: ErrorCode
}

/** A file waiting in the tray before it is sent (issue 12). */
export interface TrayFile {
  staged: StagedFile
  /** The dropped or pasted File: its bytes are already in the page, so its thumbnail needs no request. */
  blob?: Blob
  /** It has a name the user gave it (a pasted image's is made up): such names make the caption. */
  named: boolean
}

/** The files chosen for a chat and the caption sent right after them (PROTOCOL R10/Q5b: the server loses names). */
export interface FileTray {
  files: TrayFile[]
  caption: string
  /** The caption is still the one made from the names: adding or removing files rewrites it. */
  autoCaption: boolean
  sending: boolean
}

/** The caption a tray starts with: the files' own names, one per line. */
export function captionOf(files: readonly TrayFile[]): string {
  return files.filter((f) => f.named).map((f) => f.staged.name).join('\n')
}

/**
 * Files (issues 4 and 12), renderer side: checks before staging, staging (drop/pick through the bridge, paste as
 * bytes) into a tray shown before sending, sending through the outbox with the caption right after, cancel,
 * "Open", "Save as…" / "Show in folder", and which image the lightbox shows.
 * The renderer never sees a path and never fetches: everything goes through main.
 */
export const useFilesStore = defineStore('files', () => {
  const messages = useMessagesStore()
  const chats = useChatsStore()

  /** What went wrong with the last files the user tried to send, per chat (shown above the composer). */
  const problems = reactive<Record<ChatId, FileProblem[]>>({})
  /** Save state per file URL (a file saved once offers "Show in folder" wherever it is shown). */
  const saved = reactive<Record<string, SavedState>>({})
  /** "Open" state per file URL (busy while it downloads). */
  const opening = reactive<Record<string, OpenState>>({})
  /** Files chosen but not sent yet, per chat (the tray). */
  const trays = reactive<Record<ChatId, FileTray>>({})
  /** The image the lightbox shows, by message key, or null when it is closed. */
  const lightbox = ref<{ chatId: ChatId; key: string } | null>(null)

  // Looked up lazily: creating the settings store applies its locale, which components that never send a file
  // (and their tests) should not trigger.
  const maxBytes = computed(() => useSettingsStore().settings.maxFileBytes)

  function report(chatId: ChatId, list: FileProblem[]): void {
    problems[chatId] = list
  }
  function dismiss(chatId: ChatId): void {
    delete problems[chatId]
  }

  /**
   * PROTOCOL W2: a file cannot be the very first message of a one-to-one chat (only a text creates the room).
   * Known for sure only when the loaded timeline is empty and the chat has never had a message.
   */
  function firstInDirect(chat: Chat): boolean {
    if (chat.kind !== 'direct' || chat.lastMessage) return false
    const t = messages.timeline(chat.id)
    return !t.loading && !t.error && t.messages.length === 0
  }

  async function sendStaged(chatId: ChatId, staged: StagedFile[], problemsSoFar: FileProblem[]): Promise<string[]> {
    const keys: string[] = []
    const out = [...problemsSoFar]
    for (let i = 0; i < staged.length; i += SEND_BATCH) {
      const batch = staged.slice(i, i + SEND_BATCH)
      messages.atNewest(chatId) // as for a text: the reader goes down to see their files go out
      try {
        const r = await request('files.send', { chatId, stagedIds: batch.map((s) => s.id) })
        keys.push(...r.keys)
      } catch (e) {
        const code = codeOf(e)
        // One problem for the whole batch when main refuses it as a whole (W2), else one per file.
        if (code === 'file.first-in-direct' || batch.length > 1) out.push({ code })
        else out.push({ code, name: batch[0]?.name })
        break
      }
    }
    report(chatId, out)
    return keys
  }

  /** Put staged files in the chat's tray (opening it); the caption follows the names until the user edits it. */
  function addToTray(chatId: ChatId, files: TrayFile[]): void {
    if (!files.length) return
    const tray = trays[chatId] ?? { files: [], caption: '', autoCaption: true, sending: false }
    tray.files = [...tray.files, ...files]
    if (tray.autoCaption) tray.caption = captionOf(tray.files)
    trays[chatId] = tray
  }

  function removeFromTray(chatId: ChatId, stagedId: string): void {
    const tray = trays[chatId]
    if (!tray || tray.sending) return
    tray.files = tray.files.filter((f) => f.staged.id !== stagedId)
    if (!tray.files.length) delete trays[chatId]
    else if (tray.autoCaption) tray.caption = captionOf(tray.files)
  }

  function setCaption(chatId: ChatId, text: string): void {
    const tray = trays[chatId]
    if (!tray) return
    tray.caption = text
    tray.autoCaption = text === captionOf(tray.files)
  }

  /** Cancel: the staged files are simply not sent (main forgets them after a while). */
  function closeTray(chatId: ChatId): void {
    if (!trays[chatId]?.sending) delete trays[chatId]
  }

  /**
   * Send: the files through the outbox, then the caption as a text right after them (FIFO per chat), so everyone
   * sees the real names. A one-to-one chat that does not exist yet cannot start with a file (W2): there the caption
   * goes first and creates it. Nothing is lost on failure: the tray stays, a caption that could not follow the
   * files goes back to the composer.
   */
  async function sendTray(chat: Chat): Promise<void> {
    const tray = trays[chat.id]
    if (!tray || tray.sending || !tray.files.length) return
    const caption = tray.caption.trim()
    const captionFirst = firstInDirect(chat)
    if (captionFirst && !caption) {
      report(chat.id, [{ code: 'file.first-in-direct' }])
      return
    }
    tray.sending = true
    try {
      if (captionFirst) {
        await messages.send(chat.id, caption)
        setCaption(chat.id, '')
      }
      const keys = await sendStaged(chat.id, tray.files.map((f) => f.staged), [])
      if (!keys.length) return
      delete trays[chat.id]
      if (caption && !captionFirst) {
        await messages.send(chat.id, caption).catch((e: unknown) => {
          const draft = chats.drafts[chat.id]
          chats.setDraft(chat.id, draft ? `${draft}\n${caption}` : caption)
          report(chat.id, [{ code: codeOf(e) }])
        })
      }
    } catch (e) {
      report(chat.id, [{ code: codeOf(e) }])
    } finally {
      tray.sending = false
    }
  }

  /** Files dropped on the chat: checked (size, folders), staged by the preload, put in the tray. */
  async function addDropped(chat: Chat, entries: Array<{ file: File; isFolder?: boolean }>): Promise<void> {
    if (!entries.length) return
    const { ok, problems: found } = checkFiles(
      entries.map((e) => ({ name: e.file.name, size: e.file.size, isFolder: e.isFolder })),
      maxBytes.value,
    )
    report(chat.id, found)
    if (!ok.length) return
    const files = ok.map((i) => entries[i]!.file)
    let staged: StagedFile[]
    try {
      staged = await stageFiles(files)
    } catch (e) {
      report(chat.id, [...found, { code: codeOf(e) === 'invalid-input' ? 'file.unreadable' : codeOf(e) }])
      return
    }
    addToTray(chat.id, staged.map((s, i) => ({ staged: s, blob: s.isImage ? files[i] : undefined, named: true })))
  }

  /** The attach button: main's open dialog; the files that can be sent go to the tray, the others are named. */
  async function pick(chat: Chat): Promise<void> {
    let r: { files: StagedFile[]; refused: FileRefusal[] }
    try {
      r = await request('files.pick')
    } catch (e) {
      report(chat.id, [{ code: codeOf(e) }])
      return
    }
    if (r.files.length || r.refused.length) report(chat.id, r.refused.map(({ code, name, size }) => ({ code, name, size })))
    addToTray(chat.id, r.files.map((s) => ({ staged: s, named: true })))
  }

  /** Images pasted into the composer: no path, so their bytes are staged (after the size check: read only then). */
  async function pasteImages(chat: Chat, images: File[]): Promise<void> {
    if (!images.length) return
    const now = Date.now()
    const named = images.map((f, i) => ({ f, name: pastedImageName(f.type, now + i * 1000) }))
    const { ok, problems: found } = checkFiles(named.map((x) => ({ name: x.name, size: x.f.size })), maxBytes.value)
    const staged: TrayFile[] = []
    for (const i of ok) {
      const { f, name } = named[i]!
      try {
        const bytes = new Uint8Array(await f.arrayBuffer())
        staged.push({ staged: await request('files.stageBytes', { name, mime: f.type || undefined, bytes }), blob: f, named: false })
      } catch (e) {
        found.push({ code: e instanceof BridgeError ? e.code : 'file.unreadable', name })
      }
    }
    report(chat.id, found)
    addToTray(chat.id, staged)
  }

  async function cancel(chatId: ChatId, key: string): Promise<void> {
    try {
      await request('files.cancel', { chatId, key })
    } catch (e) {
      report(chatId, [{ code: codeOf(e) }])
    }
  }

  /** "Save as…": main's save dialog (sanitized name, never overwrites, never opens). */
  async function save(url: string, name: string): Promise<void> {
    const before = saved[url]
    if (before?.busy) return
    saved[url] = { busy: true, savedId: before?.savedId, warnedExecutable: before?.warnedExecutable }
    try {
      const r = await request('files.save', { url, name })
      // Cancelled dialog: keep what an earlier save gave.
      saved[url] = r.savedId
        ? { busy: false, savedId: r.savedId, warnedExecutable: r.warnedExecutable }
        : { busy: false, savedId: before?.savedId, warnedExecutable: before?.warnedExecutable }
    } catch (e) {
      saved[url] = { busy: false, savedId: before?.savedId, error: codeOf(e) }
    }
  }

  /** "Open": main downloads the file to its cache and hands it to the system's app (asking first for programs). */
  async function openFile(url: string, name: string): Promise<void> {
    if (opening[url]?.busy) return
    opening[url] = { busy: true }
    try {
      await request('files.open', { url, name })
      opening[url] = { busy: false }
    } catch (e) {
      opening[url] = { busy: false, error: codeOf(e) }
    }
  }

  async function showSaved(url: string): Promise<void> {
    const s = saved[url]
    if (!s?.savedId) return
    try {
      await request('files.showSaved', { savedId: s.savedId })
    } catch (e) {
      saved[url] = { ...s, error: codeOf(e) }
    }
  }

  function openLightbox(chatId: ChatId, key: string): void {
    lightbox.value = { chatId, key }
  }
  function closeLightbox(): void {
    lightbox.value = null
  }

  return {
    problems, saved, opening, trays, lightbox, maxBytes,
    dismiss, firstInDirect, addDropped, pick, pasteImages, addToTray, removeFromTray, setCaption, closeTray, sendTray,
    cancel, save, openFile, showSaved, openLightbox, closeLightbox,
  }
})
