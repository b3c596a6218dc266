// What specs and tools touch inside page.evaluate (that code runs in Chromium). The node typecheck has no DOM lib,
// so the few browser APIs used there are typed here, structurally: `globalThis as unknown as PageGlobals`.
export interface PageRect {
  left: number
  right: number
  top: number
  bottom: number
}
export interface PageNode {
  data: string
}
export interface PageElement {
  getBoundingClientRect(): PageRect
  dataset: Record<string, string | undefined>
  tagName: string
  scrollTop: number
  scrollHeight: number
  clientHeight: number
  scrollWidth: number
  clientWidth: number
}
export interface PageFontFace {
  family: string
  status: string
  loaded: Promise<unknown>
}
export interface PageGlobals {
  document: {
    activeElement: PageElement | null
    /** `what` 4 = NodeFilter.SHOW_TEXT. */
    createTreeWalker(root: unknown, what: number): { nextNode(): PageNode | null }
    createRange(): { setStart(n: PageNode, o: number): void; setEnd(n: PageNode, o: number): void; getBoundingClientRect(): PageRect }
    fonts: Iterable<PageFontFace> & { ready: Promise<unknown>; check(font: string, text: string): boolean }
    images: Iterable<{ complete: boolean }>
  }
  getComputedStyle(el: unknown): { direction: string; outlineStyle: string; backgroundColor: string }
  requestAnimationFrame(cb: () => void): number
}
