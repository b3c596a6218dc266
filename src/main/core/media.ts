// Images and files for the renderer (DESIGN §2): main fetches, the renderer only ever gets bytes and makes
// `blob:` URLs. Only the server's own media and avatar URLs the server handed us may be fetched — the
// renderer cannot use this as a proxy to arbitrary hosts.
// Issue 4: below the in-memory LRU sits an on-disk cache (keyed by a hash of the URL, bounded in size), used
// before the network — uploads never change (the server names each one anew), so entries never go stale.
import { createHash, randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
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
    private readonly disk?: MediaDiskCache,
    /** The organisation's SSO origin (ssoOriginOf), or null: then only the server's own media. */
    private readonly ssoOrigin: () => string | null = () => null,
  ) {}

  async get(url: string, serverOrigin: string): Promise<MediaBytes> {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new ChtError('invalid-input', 'url')
    }
    // Issue 13: only two hosts, ever — the server's /cht/ media and the SSO's avatars. An avatar on any other host (a
    // tracking pixel in a member's profile) is "no image": main never connects there.
    const onServer = parsed.origin === new URL(serverOrigin).origin && parsed.pathname.startsWith('/cht/')
    const sso = this.ssoOrigin()
    const onSso = sso !== null && parsed.protocol === 'https:' && parsed.origin === sso && this.isKnownAvatar(url)
    if (!onServer && !onSso) throw new ChtError('forbidden', 'media host')

    const hit = this.cache.get(url)
    if (hit) {
      // LRU: re-insert to mark as recently used.
      this.cache.delete(url)
      this.cache.set(url, hit)
      return hit
    }
    let p = this.inflight.get(url)
    if (!p) {
      p = this.load(url).finally(() => this.inflight.delete(url))
      this.inflight.set(url, p)
    }
    const got = await p
    this.put(url, got)
    return got
  }

  private async load(url: string): Promise<MediaBytes> {
    const hit = await this.disk?.get(url)
    if (hit) return hit
    const got = await this.rest.fetchMedia(url)
    await this.disk?.put(url, got)
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

/**
 * The SSO origin avatars may come from (issue 13): the configured one (settings.ssoOrigin), else the origin of the
 * signed-in user's own avatar — the organisation's SSO issued it for this very account, whereas any other member's
 * avatar URL could point anywhere. https only; null when neither is known.
 */
export function ssoOriginOf(configured: string | null, ownAvatarUrl: string | undefined): string | null {
  if (configured) return configured
  try {
    const u = new URL(ownAvatarUrl ?? '')
    return u.protocol === 'https:' ? u.origin : null
  } catch {
    return null
  }
}

const HASH_NAME = /^[0-9a-f]{64}$/

/**
 * Media on disk: one file per URL, named by the SHA-256 of the URL, holding `[mime length: u16][mime][bytes]`.
 * Bounded: the least recently used entries go once the folder holds more than `maxBytes`.
 */
export class MediaDiskCache {
  private index?: Promise<Map<string, { size: number; at: number }>>
  private total = 0

  constructor(
    private readonly dir: string,
    private readonly maxBytes = 512 * 1024 * 1024,
  ) {}

  private entries(): Promise<Map<string, { size: number; at: number }>> {
    this.index ??= (async () => {
      const map = new Map<string, { size: number; at: number }>()
      await mkdir(this.dir, { recursive: true, mode: 0o700 })
      for (const name of await readdir(this.dir)) {
        const path = join(this.dir, name)
        if (!HASH_NAME.test(name)) {
          if (name.includes('.tmp-')) await unlink(path).catch(() => undefined) // a write cut short
          continue
        }
        const st = await stat(path).catch(() => undefined)
        if (!st?.isFile()) continue
        map.set(name, { size: st.size, at: st.mtimeMs })
        this.total += st.size
      }
      return map
    })()
    return this.index
  }

  private keyOf(url: string): string {
    return createHash('sha256').update(url).digest('hex')
  }

  async get(url: string): Promise<MediaBytes | undefined> {
    try {
      const index = await this.entries()
      const key = this.keyOf(url)
      const e = index.get(key)
      if (!e) return undefined
      const path = join(this.dir, key)
      let buf: Buffer
      try {
        buf = await readFile(path)
      } catch {
        index.delete(key)
        this.total -= e.size
        return undefined
      }
      const len = buf.length >= 2 ? buf.readUInt16BE(0) : -1
      if (len < 0 || 2 + len > buf.length) return undefined
      e.at = Date.now()
      void utimes(path, new Date(), new Date()).catch(() => undefined) // LRU order survives a restart
      return {
        mime: buf.subarray(2, 2 + len).toString('utf8'),
        bytes: new Uint8Array(buf.buffer, buf.byteOffset + 2 + len, buf.length - 2 - len),
      }
    } catch {
      return undefined // the cache is an optimisation: a broken folder means "fetch"
    }
  }

  async put(url: string, m: MediaBytes): Promise<void> {
    if (m.bytes.byteLength > this.maxBytes / 4) return
    try {
      const index = await this.entries()
      const key = this.keyOf(url)
      if (index.has(key)) return
      const mime = Buffer.from(m.mime.slice(0, 200), 'utf8')
      const head = Buffer.alloc(2)
      head.writeUInt16BE(mime.length, 0)
      const tmp = join(this.dir, `${key}.tmp-${randomUUID()}`)
      await writeFile(tmp, [head, mime, m.bytes], { mode: 0o600 })
      await rename(tmp, join(this.dir, key))
      const size = 2 + mime.length + m.bytes.byteLength
      index.set(key, { size, at: Date.now() })
      this.total += size
      if (this.total > this.maxBytes) {
        const oldest = [...index].sort((a, b) => a[1].at - b[1].at)
        for (const [k, e] of oldest) {
          if (this.total <= this.maxBytes) break
          index.delete(k)
          this.total -= e.size
          await unlink(join(this.dir, k)).catch(() => undefined)
        }
      }
    } catch {
      // best effort
    }
  }

  /** For tests: bytes held on disk. */
  async usage(): Promise<number> {
    await this.entries()
    return this.total
  }
}
