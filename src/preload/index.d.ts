import type { ChtBridge } from '../shared/contract'

declare global {
  interface Window {
    /** Exposed by src/preload/index.ts; only renderer/bridge.ts should touch it. */
    cht: ChtBridge
  }
}

export {}
