// Test-only: happy-dom does no layout. Give the timeline scroller a 600 px viewport and each virtual row 60 px,
// as a browser would, so the virtualizer computes a real window. The scroller also scrolls like a browser's: its
// content is as tall as the virtual list says, scrollTop is clamped to it, and a change of scrollTop (by the page
// or by scrollTo) fires one `scroll` event a moment later.
import { afterAll, beforeAll } from 'vitest'

export const VIEWPORT = 600
export const ROW = 60

const isTimeline = (el: Element) => (el as HTMLElement).dataset?.testid === 'timeline'

/** The timeline's content height: the virtual list's sizer (its inline block size). */
function contentHeight(el: HTMLElement): number {
  const sizer = el.querySelector<HTMLElement>('.sizer')
  return Math.max(VIEWPORT, parseFloat(sizer?.style.blockSize ?? '') || 0)
}

export function useFakeLayout(): void {
  const proto = HTMLElement.prototype
  const saved = {
    clientHeight: Object.getOwnPropertyDescriptor(proto, 'clientHeight'),
    offsetHeight: Object.getOwnPropertyDescriptor(proto, 'offsetHeight'),
    scrollHeight: Object.getOwnPropertyDescriptor(proto, 'scrollHeight'),
    scrollTop: Object.getOwnPropertyDescriptor(Element.prototype, 'scrollTop'),
    scrollTo: Element.prototype.scrollTo,
    rect: proto.getBoundingClientRect,
  }
  const tops = new WeakMap<Element, number>()
  beforeAll(() => {
    Object.defineProperty(proto, 'clientHeight', {
      configurable: true,
      get(this: HTMLElement) { return isTimeline(this) ? VIEWPORT : 0 },
    })
    // The virtualizer measures rows by offsetHeight (or a ResizeObserver entry): the same sizes as the rects.
    Object.defineProperty(proto, 'offsetHeight', {
      configurable: true,
      get(this: HTMLElement) { return this.dataset.index !== undefined ? ROW : isTimeline(this) ? VIEWPORT : 0 },
    })
    Object.defineProperty(proto, 'scrollHeight', {
      configurable: true,
      get(this: HTMLElement) { return isTimeline(this) ? contentHeight(this) : 0 },
    })
    Object.defineProperty(Element.prototype, 'scrollTop', {
      configurable: true,
      get(this: Element) { return isTimeline(this) ? (tops.get(this) ?? 0) : (saved.scrollTop?.get?.call(this) as number) },
      set(this: Element, v: number) {
        if (!isTimeline(this)) return saved.scrollTop?.set?.call(this, v)
        const max = contentHeight(this as HTMLElement) - VIEWPORT
        const next = Math.max(0, Math.min(max, Number(v) || 0))
        if (next === (tops.get(this) ?? 0)) return
        tops.set(this, next)
        setTimeout(() => this.dispatchEvent(new Event('scroll')), 0)
      },
    })
    Element.prototype.scrollTo = function (this: Element, a?: ScrollToOptions | number, b?: number) {
      const top = typeof a === 'object' ? a.top : b
      if (top !== undefined) this.scrollTop = top
    } as Element['scrollTo']
    proto.getBoundingClientRect = function (this: HTMLElement) {
      const r = saved.rect.call(this)
      if (this.dataset.index !== undefined) return { ...r.toJSON(), height: ROW, width: 800 } as DOMRect
      if (isTimeline(this)) return { ...r.toJSON(), height: VIEWPORT, width: 800 } as DOMRect
      return r
    }
  })
  afterAll(() => {
    for (const [name, d] of [['clientHeight', saved.clientHeight], ['offsetHeight', saved.offsetHeight], ['scrollHeight', saved.scrollHeight]] as const) {
      if (d) Object.defineProperty(proto, name, d)
    }
    if (saved.scrollTop) Object.defineProperty(Element.prototype, 'scrollTop', saved.scrollTop)
    Element.prototype.scrollTo = saved.scrollTo
    proto.getBoundingClientRect = saved.rect
  })
}
