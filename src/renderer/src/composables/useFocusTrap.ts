import { nextTick, onBeforeUnmount, onMounted, type Ref } from 'vue'

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [href], [tabindex="0"]'

export interface FocusTrapOptions {
  /** What gets focus once the dialog has rendered; without it (or when it answers null), the container. */
  initial?: () => HTMLElement | null | undefined
  /** Give focus back, on close, to what had it before the dialog opened. */
  restore?: boolean
}

/**
 * Modal focus for the app's dialogs (ModalDialog, Lightbox, QuickSwitcher): focus moves in when one opens and,
 * if asked, goes back where it was when it closes; `wrapTab` keeps Tab / Shift+Tab inside the container.
 */
export function useFocusTrap(container: Ref<HTMLElement | null>, opts: FocusTrapOptions = {}): { wrapTab(e: KeyboardEvent): void } {
  const returnTo = opts.restore && typeof document !== 'undefined' && document.activeElement instanceof HTMLElement ? document.activeElement : null

  onMounted(async () => {
    await nextTick()
    ;(opts.initial?.() ?? container.value)?.focus()
  })
  onBeforeUnmount(() => {
    if (returnTo?.isConnected) returnTo.focus()
  })

  function wrapTab(e: KeyboardEvent): void {
    const box = container.value
    const list = Array.from(box?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])
    if (!list.length) return
    const first = list[0]!
    const last = list[list.length - 1]!
    const active = document.activeElement
    if (e.shiftKey && (active === first || !box?.contains(active))) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && (active === last || !box?.contains(active))) {
      e.preventDefault()
      first.focus()
    }
  }

  return { wrapTab }
}
