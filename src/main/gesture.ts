// Links leave the app only when the person just asked for it (issue 13): openExternal is allowed within about a
// second of a click or key press in the app's OWN window. A page that calls window.open or the bridge on its own
// — a compromised renderer, a script in a message — gets nothing opened. Electron reports every input the page
// receives (`input-event`), before the page sees it, so the page cannot fake one.
export const GESTURE_WINDOW_MS = 1000

// Press and release of keys, mouse buttons and touches; not moves, wheels or focus.
const GESTURES = new Set(['mouseDown', 'mouseUp', 'rawKeyDown', 'keyDown', 'keyUp', 'char', 'gestureTap', 'touchStart', 'touchEnd'])

export interface InputSource {
  on(event: 'input-event', listener: (event: unknown, input: { type: string }) => void): unknown
}

export function createGestureGate(now: () => number = () => performance.now(), windowMs = GESTURE_WINDOW_MS) {
  let last = -Infinity
  return {
    /** Count the inputs of this web contents (the app window's only). */
    watch(wc: InputSource): void {
      wc.on('input-event', (_event, input) => {
        if (GESTURES.has(input?.type)) last = now()
      })
    },
    /** A click or key press happened within the last `windowMs`. */
    recent(): boolean {
      return now() - last <= windowMs
    },
  }
}

export type GestureGate = ReturnType<typeof createGestureGate>
