// Test-only: happy-dom does no layout. Give the timeline scroller a 600 px viewport and each virtual row 60 px,
// as a browser would, so the virtualizer computes a real window.
import { afterAll, beforeAll } from 'vitest'

export function useFakeLayout(): void {
  const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight')
  const rect = HTMLElement.prototype.getBoundingClientRect
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get(this: HTMLElement) { return this.dataset.testid === 'timeline' ? 600 : 0 },
    })
    HTMLElement.prototype.getBoundingClientRect = function (this: HTMLElement) {
      const r = rect.call(this)
      return this.dataset.index !== undefined ? ({ ...r.toJSON(), height: 60, width: 800 } as DOMRect) : r
    }
  })
  afterAll(() => {
    if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight)
    HTMLElement.prototype.getBoundingClientRect = rect
  })
}
