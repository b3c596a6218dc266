// The renderer's whole view of the outside world (DESIGN §3): `window.cht` with `request` and `on`, nothing else.
// No ipcRenderer, no generic send; listeners get the payload, never the IPC event.
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import type { ChtBridge, IPC_EVENTS, IPC_REQUEST, IPC_STAGE_FILES } from '../shared/contract'

// Type-only import: a value import would bundle contract.ts and with it zod into the preload. The
// annotations make the compiler check these literals against the contract's constants.
const REQUEST_CHANNEL: typeof IPC_REQUEST = 'cht:request'
const EVENTS_CHANNEL: typeof IPC_EVENTS = 'cht:events'
const STAGE_CHANNEL: typeof IPC_STAGE_FILES = 'cht:stage-files'

type Listener = (payload: unknown) => void

const listeners = new Map<string, Set<Listener>>()

// One IPC listener for all events: each message is a batch of [name, payload] pairs.
ipcRenderer.on(EVENTS_CHANNEL, (_event, batch: unknown) => {
  if (!Array.isArray(batch)) return
  for (const item of batch) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue
    const set = listeners.get(item[0])
    if (!set) continue
    for (const cb of [...set]) {
      try {
        cb(item[1])
      } catch (e) {
        console.error('cht listener failed', e)
      }
    }
  }
})

const api: ChtBridge = {
  request(name, args) {
    if (typeof name !== 'string') {
      return Promise.resolve({ ok: false, error: { code: 'invalid-input', detail: 'request name must be a string' } })
    }
    return ipcRenderer.invoke(REQUEST_CHANNEL, name, args)
  },
  stageFiles(files) {
    // Only real File objects the user dropped or picked have a path; the page never sees or names one.
    const list = Array.isArray(files) ? files : []
    const paths = list.map((f) => (f instanceof File ? webUtils.getPathForFile(f) : ''))
    if (paths.length === 0 || paths.some((p) => !p)) {
      return Promise.resolve({ ok: false, error: { code: 'invalid-input', detail: 'not a file from disk' } })
    }
    return ipcRenderer.invoke(STAGE_CHANNEL, paths)
  },
  on(name, listener) {
    if (typeof name !== 'string') throw new TypeError('event name must be a string')
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    const cb = listener as Listener
    let set = listeners.get(name)
    if (!set) listeners.set(name, (set = new Set()))
    set.add(cb)
    return () => {
      set.delete(cb)
      if (set.size === 0 && listeners.get(name) === set) listeners.delete(name)
    }
  },
}

contextBridge.exposeInMainWorld('cht', api)
