// Images and files for the renderer (DESIGN §2): main fetches, the renderer only ever gets bytes and makes
// `blob:` URLs. Only the server's own media and avatar URLs the server handed us may be fetched — the
// renderer cannot use this as a proxy to arbitrary hosts.
import type { MediaBytes } from '../../shared/contract'
import { ChtError } from './errors'
import type { Rest } from './cht/rest'

const MAX_CACHE_BYTES = 64 * 1024 * 1024

export class MediaCache {
  private readonly cache = new Map<string, MediaBytes>()
  private readonly inflight = new Map<string, Promise<MediaBytes>>()
  private size = 0

  constructor(
    private readonly rest: Rest,
    /** Absolute avatar URLs on other hosts that the server told us about (Q4 a/e). */
    private readonly isKnownAvatar: (url: string) => boolean,
  ) {}

  async get(url: string, serverOrigin: string): Promise<MediaBytes> {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new ChtError('invalid-input', 'url')
    }
    const onServer = parsed.origin === new URL(serverOrigin).origin && parsed.pathname.startsWith('/cht/')
    const external = parsed.protocol === 'https:' && this.isKnownAvatar(url)
    if (!onServer && !external) throw new ChtError('forbidden', 'media host')

    const hit = this.cache.get(url)
    if (hit) {
      // LRU: re-insert to mark as recently used.
      this.cache.delete(url)
      this.cache.set(url, hit)
      return hit
    }
    let p = this.inflight.get(url)
    if (!p) {
      p = this.rest.fetchMedia(url).finally(() => this.inflight.delete(url))
      this.inflight.set(url, p)
    }
    const got = await p
    this.put(url, got)
    return got
  }

  private put(url: string, m: MediaBytes): void {
    if (this.cache.has(url) || m.bytes.byteLength > MAX_CACHE_BYTES / 4) return
    this.cache.set(url, m)
    this.size += m.bytes.byteLength
    for (const [k, v] of this.cache) {
      if (this.size <= MAX_CACHE_BYTES) break
      this.cache.delete(k)
      this.size -= v.bytes.byteLength
    }
  }
}
