import { defineStore } from 'pinia'
import type { MediaBytes } from '@shared/contract'
import { request } from '../bridge'

/**
 * blob: URLs for server media (avatars, image thumbnails), fetched through the bridge (main caches on disk).
 * Reference-counted: a URL nobody shows any more is kept in a small idle pool (so scrolling a virtualized timeline
 * back and forth does not refetch) and revoked once it falls out of that pool.
 */
export const IDLE_KEEP = 64

interface Entry {
  refs: number
  promise: Promise<string>
  blobUrl?: string
}

/** Bytes may arrive as a Uint8Array (Electron structured clone) or a plain array/object (other transports). */
function toBytes(b: unknown): Uint8Array<ArrayBuffer> {
  if (b instanceof Uint8Array) return new Uint8Array(b)
  if (b instanceof ArrayBuffer) return new Uint8Array(b)
  if (Array.isArray(b)) return Uint8Array.from(b as number[])
  if (b && typeof b === 'object') return Uint8Array.from(Object.values(b as Record<string, number>))
  return new Uint8Array()
}

export const useMediaStore = defineStore('media', () => {
  const entries = new Map<string, Entry>()
  const idle = new Set<string>() // insertion order = least recently released first

  function revoke(url: string): void {
    const e = entries.get(url)
    entries.delete(url)
    idle.delete(url)
    if (e?.blobUrl) URL.revokeObjectURL(e.blobUrl)
  }

  function acquire(url: string): Promise<string> {
    let e = entries.get(url)
    if (!e) {
      const entry: Entry = { refs: 0, promise: Promise.resolve('') }
      entry.promise = request('media.get', { url }).then((m: MediaBytes) => {
        const blobUrl = URL.createObjectURL(new Blob([toBytes(m.bytes)], { type: m.mime || 'application/octet-stream' }))
        if (entries.get(url) !== entry) {
          // Released and dropped while loading.
          URL.revokeObjectURL(blobUrl)
          throw new Error('released')
        }
        entry.blobUrl = blobUrl
        return blobUrl
      })
      entry.promise.catch(() => { if (entries.get(url) === entry) entries.delete(url) })
      entries.set(url, entry)
      e = entry
    }
    e.refs++
    idle.delete(url)
    return e.promise
  }

  function release(url: string): void {
    const e = entries.get(url)
    if (!e) return
    e.refs = Math.max(0, e.refs - 1)
    if (e.refs > 0) return
    idle.add(url)
    while (idle.size > IDLE_KEEP) {
      const oldest = idle.values().next().value as string
      revoke(oldest)
    }
  }

  /** Revoke everything (sign-out). */
  function clear(): void {
    for (const url of [...entries.keys()]) revoke(url)
  }

  return { acquire, release, clear, size: () => entries.size }
})
