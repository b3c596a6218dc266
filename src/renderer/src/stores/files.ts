import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import type { Chat, ChatId, ErrorCode, StagedFile } from '@shared/model'
import { BridgeError, codeOf, request, stageFiles } from '../bridge'
import { checkFiles, pastedImageName, type FileProblem } from '../files'
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

/**
 * Files (issue 4), renderer side: checks before staging, staging (drop/pick through the bridge, paste as bytes),
 * sending through the outbox, cancel, "Save as…" / "Show in folder", and which image the lightbox shows.
 * The renderer never sees a path and never fetches: everything goes through main.
 */
export const useFilesStore = defineStore('files', () => {
  const messages = useMessagesStore()

  /** What went wrong with the last files the user tried to send, per chat (shown above the composer). */
  const problems = reactive<Record<ChatId, FileProblem[]>>({})
  /** Save state per file URL (a file saved once offers "Show in folder" wherever it is shown). */
  const saved = reactive<Record<string, SavedState>>({})
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

  /** Files dropped on the chat (or chosen by any page-side means): checked, staged by the preload, sent. */
  async function sendFiles(chat: Chat, entries: Array<{ file: File; isFolder?: boolean }>): Promise<string[]> {
    if (!entries.length) return []
    if (firstInDirect(chat)) {
      report(chat.id, [{ code: 'file.first-in-direct' }])
      return []
    }
    const { ok, problems: found } = checkFiles(
      entries.map((e) => ({ name: e.file.name, size: e.file.size, isFolder: e.isFolder })),
      maxBytes.value,
    )
    report(chat.id, found)
    if (!ok.length) return []
    let staged: StagedFile[]
    try {
      staged = await stageFiles(ok.map((i) => entries[i]!.file))
    } catch (e) {
      report(chat.id, [...found, { code: codeOf(e) === 'invalid-input' ? 'file.unreadable' : codeOf(e) }])
      return []
    }
    return sendStaged(chat.id, staged, found)
  }

  /** The attach button: main's open dialog; the chosen files come back staged. */
  async function pick(chat: Chat): Promise<string[]> {
    if (firstInDirect(chat)) {
      report(chat.id, [{ code: 'file.first-in-direct' }])
      return []
    }
    let staged: StagedFile[]
    try {
      staged = await request('files.pick')
    } catch (e) {
      report(chat.id, [{ code: codeOf(e) }])
      return []
    }
    if (!staged.length) return [] // dialog cancelled
    const { ok, problems: found } = checkFiles(staged, maxBytes.value)
    if (!ok.length) {
      report(chat.id, found)
      return []
    }
    return sendStaged(chat.id, ok.map((i) => staged[i]!), found)
  }

  /** Images pasted into the composer: no path, so their bytes are staged (after the size check: read only then). */
  async function pasteImages(chat: Chat, images: File[]): Promise<string[]> {
    if (!images.length) return []
    if (firstInDirect(chat)) {
      report(chat.id, [{ code: 'file.first-in-direct' }])
      return []
    }
    const now = Date.now()
    const named = images.map((f, i) => ({ f, name: pastedImageName(f.type, now + i * 1000) }))
    const { ok, problems: found } = checkFiles(named.map((x) => ({ name: x.name, size: x.f.size })), maxBytes.value)
    const staged: StagedFile[] = []
    for (const i of ok) {
      const { f, name } = named[i]!
      try {
        const bytes = new Uint8Array(await f.arrayBuffer())
        staged.push(await request('files.stageBytes', { name, mime: f.type || undefined, bytes }))
      } catch (e) {
        found.push({ code: e instanceof BridgeError ? e.code : 'file.unreadable', name })
      }
    }
    if (!staged.length) {
      report(chat.id, found)
      return []
    }
    return sendStaged(chat.id, staged, found)
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
    problems, saved, lightbox, maxBytes,
    dismiss, firstInDirect, sendFiles, pick, pasteImages, cancel, save, showSaved, openLightbox, closeLightbox,
  }
})
