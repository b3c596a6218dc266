/** A tiny PNG encoder (RGBA8, no filtering) for demo images and the default avatar. */
import { deflateSync } from 'node:zlib'

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}

/** pixel(x, y) → [r, g, b, a] */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height)
  let o = 0
  for (let y = 0; y < height; y++) {
    raw[o++] = 0 // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x, y)
      raw[o++] = r; raw[o++] = g; raw[o++] = b; raw[o++] = a
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

export function gradientPng(size = 64): Buffer {
  return encodePng(size, size, (x, y) => [Math.round((x / (size - 1)) * 255), Math.round((y / (size - 1)) * 255), 160, 255])
}

/** /cht/static/profiles/default.png (R10): a grey silhouette-ish disc. */
export function defaultAvatarPng(): Buffer {
  const s = 32
  return encodePng(s, s, (x, y) => {
    const dx = x - 15.5, dy = y - 15.5
    const d = Math.sqrt(dx * dx + dy * dy)
    if (d > 15.5) return [0, 0, 0, 0]
    const head = Math.sqrt(dx * dx + (y - 11.5) ** 2) < 6
    const body = y > 19 && Math.abs(dx) < 10
    return head || body ? [245, 245, 245, 255] : [170, 176, 184, 255]
  })
}
