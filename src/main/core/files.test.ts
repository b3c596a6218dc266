// Issue 4 units: staging (paths and pasted bytes, checked before reading), the streamed file frame's fragments,
// the extension rule, and the on-disk media cache. Real files in a temp folder; nothing of ours is mocked.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Staging, displayFileName } from './files'
import { systemClock } from './ports'
import { MediaDiskCache } from './media'
import { fileFragments, keptExtension, transferCounters } from './transfers'

let dir: string
let now = 1_000_000
const clock = { ...systemClock, now: () => now, monotonic: () => now }

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cht-staging-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function staging(max = 1024 * 1024) {
  return new Staging({ outgoingDir: join(dir, 'outgoing'), maxBytes: () => max, clock, ttlMs: 60_000 })
}

async function collect(gen: AsyncIterable<string>): Promise<string> {
  let s = ''
  for await (const part of gen) s += part
  return s
}

describe('Staging', () => {
  it('stages absolute paths of regular files as opaque ids with the original name', async () => {
    const p = join(dir, 'عکس تیم.JPG')
    writeFileSync(p, randomBytes(1234))
    const [f] = await staging().stagePaths([p])
    expect(f).toEqual({ id: expect.stringMatching(/^f:/), name: 'عکس تیم.JPG', size: 1234, mime: 'image/jpeg', isImage: true })
    expect(JSON.stringify(f)).not.toContain(dir) // the renderer never sees a path
  })

  it('refuses relative, missing, directory, empty and oversize paths — without reading them', async () => {
    const s = staging(1000)
    const big = join(dir, 'big.bin')
    writeFileSync(big, '')
    truncateSync(big, 1001) // sparse
    const empty = join(dir, 'empty.txt')
    writeFileSync(empty, '')
    const before = { ...transferCounters }
    await expect(s.stagePaths(['x.txt'])).rejects.toMatchObject({ code: 'invalid-input' })
    await expect(s.stagePaths([join(dir, 'missing')])).rejects.toMatchObject({ code: 'file.unreadable' })
    await expect(s.stagePaths([dir])).rejects.toMatchObject({ code: 'file.unreadable' })
    await expect(s.stagePaths([empty])).rejects.toMatchObject({ code: 'file.empty' })
    await expect(s.stagePaths([big])).rejects.toMatchObject({ code: 'file.too-large' })
    await expect(s.stagePaths([])).rejects.toMatchObject({ code: 'invalid-input' })
    await expect(s.stagePaths(Array(51).fill(empty))).rejects.toMatchObject({ code: 'invalid-input' })
    expect(transferCounters).toEqual(before)
    expect(s.size).toBe(0)
  })

  it('previews a staged image (issue 12: the tray thumbnail); not other files, not unknown ids', async () => {
    const s = staging()
    const png = join(dir, 'تصویر.png')
    const bytes = randomBytes(300)
    writeFileSync(png, bytes)
    const txt = join(dir, 'note.txt')
    writeFileSync(txt, 'hi')
    const [img, doc] = await s.stagePaths([png, txt])
    const p = await s.preview(img!.id)
    expect(Buffer.from(p.bytes).equals(bytes)).toBe(true)
    expect(p.mime).toBe('image/png')
    await expect(s.preview(doc!.id)).rejects.toMatchObject({ code: 'invalid-input' })
    await expect(s.preview('f:nope')).rejects.toMatchObject({ code: 'not-found' })
    expect(s.size).toBe(2) // still staged: previewing sends nothing
  })

  it('is all or nothing for a batch', async () => {
    const s = staging()
    const ok = join(dir, 'ok.txt')
    writeFileSync(ok, 'ok')
    await expect(s.stagePaths([ok, join(dir, 'missing')])).rejects.toMatchObject({ code: 'file.unreadable' })
    expect(s.size).toBe(0)
  })

  it('pasted bytes go to a private file; an image name gets its extension; entries expire and temp files go', async () => {
    const s = staging()
    const f = await s.stageBytes('Pasted\u202Eimage', 'image/png', new Uint8Array([1, 2, 3]))
    expect(f).toMatchObject({ name: 'Pastedimage.png', isImage: true, size: 3, mime: 'image/png' })
    const [e] = s.peek([f.id])
    expect(e.temp).toBe(true)
    expect([...readFileSync(e.path)]).toEqual([1, 2, 3])
    await expect(s.stageBytes('x.png', 'image/png', new Uint8Array(2 * 1024 * 1024))).rejects.toMatchObject({ code: 'file.too-large' })
    now += 61_000
    s.sweep()
    expect(() => s.peek([f.id])).toThrow()
    await vi.waitFor(() => expect(existsSync(e.path)).toBe(false)) // removed in the background
  })

  it('take() hands entries over once', async () => {
    const s = staging()
    const f = await s.stageBytes('a.txt', undefined, new Uint8Array([65]))
    expect(s.take([f.id])).toHaveLength(1)
    expect(() => s.take([f.id])).toThrow()
  })

  it('display names lose paths and bidi tricks, never end up empty', () => {
    expect(displayFileName('/home/u/../../.bashrc')).toBe('.bashrc')
    expect(displayFileName('a\u202Efdp.exe')).toBe('afdp.exe')
    expect(displayFileName('')).toBe('file')
  })
})

describe('file frame fragments (§3, W1)', () => {
  it.each([1, 2, 3, 4, 5, 48 * 1024 - 1, 48 * 1024, 48 * 1024 + 1, 200_001])('%i bytes: the fragments form one valid frame', async (n) => {
    const bytes = randomBytes(n)
    const p = join(dir, `frag-${n}.bin`)
    writeFileSync(p, bytes)
    const seen: number[] = []
    const text = await collect(fileFragments(p, n, '","filename":"a.bin"}', (x) => seen.push(x)))
    const frame = JSON.parse(text) as { file: string; filename: string }
    expect(Buffer.from(frame.file, 'base64').equals(bytes)).toBe(true)
    expect(frame.file).toBe(bytes.toString('base64'))
    expect(seen.at(-1)).toBe(n)
  })

  it('small chunks still join up (any multiple of 3)', async () => {
    const bytes = randomBytes(1000)
    const p = join(dir, 'frag-small.bin')
    writeFileSync(p, bytes)
    const parts: string[] = []
    for await (const part of fileFragments(p, 1000, '"}', () => undefined, 9)) parts.push(part)
    expect(parts.length).toBeGreaterThan(100)
    expect(Buffer.from(JSON.parse(parts.join('')).file, 'base64').equals(bytes)).toBe(true)
  })

  it('a file that shrank while being sent is an error, not a short frame', async () => {
    const p = join(dir, 'shrinks.bin')
    writeFileSync(p, randomBytes(10))
    await expect(collect(fileFragments(p, 20, '"}', () => undefined))).rejects.toMatchObject({ code: 'file.unreadable' })
  })

  it('keptExtension mirrors what the server keeps', () => {
    expect(keptExtension('Report.Final.PDF')).toBe('.pdf')
    expect(keptExtension('noext')).toBe('')
    expect(keptExtension('static/files/123456.png')).toBe('.png')
    expect(keptExtension('a.tar.gz')).toBe('.gz')
  })
})

describe('MediaDiskCache (issue 4)', () => {
  it('keeps bytes and mime by URL, survives a new instance, and stays within its bound', async () => {
    const d = join(dir, 'media')
    const c = new MediaDiskCache(d, 40_000)
    const a = { bytes: new Uint8Array(randomBytes(9000)), mime: 'image/png' }
    await c.put('http://h/cht/media/a.png', a)
    const got = await c.get('http://h/cht/media/a.png')
    expect(got?.mime).toBe('image/png')
    expect(Buffer.from(got!.bytes).equals(Buffer.from(a.bytes))).toBe(true)
    expect(await c.get('http://h/cht/media/other.png')).toBeUndefined()

    const again = new MediaDiskCache(d, 40_000)
    expect((await again.get('http://h/cht/media/a.png'))?.mime).toBe('image/png')
    for (let i = 0; i < 6; i++) await again.put(`http://h/cht/media/${i}.bin`, { bytes: new Uint8Array(9000), mime: 'application/octet-stream' })
    expect(await again.usage()).toBeLessThanOrEqual(40_000)
    expect(readdirSync(d).every((n) => /^[0-9a-f]{64}$/.test(n))).toBe(true)
    // Too big for the cache: not stored.
    await again.put('http://h/cht/media/huge.bin', { bytes: new Uint8Array(20_000), mime: 'x/y' })
    expect(await again.get('http://h/cht/media/huge.bin')).toBeUndefined()
  })
})
