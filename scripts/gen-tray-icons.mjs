#!/usr/bin/env node
// Renders the tray icons (0, 1–9, 9+ unread) and the Windows taskbar overlays (1–9, 9+) as small PNGs and writes
// them, base64, into src/main/tray-icons.ts. Pre-rendered so main never draws at runtime; run again after a change:
//   node scripts/gen-tray-icons.mjs
// No image library: a 32×32 RGBA canvas, 4×4 supersampled shapes, a 3×5 pixel font, and a minimal PNG encoder.
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const SIZE = 32 // shown at scaleFactor 2: 16 DIP, crisp on HiDPI
const SS = 4

const FONT = {
  0: ['111', '101', '101', '101', '111'],
  1: ['010', '110', '010', '010', '111'],
  2: ['111', '001', '111', '100', '111'],
  3: ['111', '001', '111', '001', '111'],
  4: ['101', '101', '111', '001', '001'],
  5: ['111', '100', '111', '001', '111'],
  6: ['111', '100', '111', '101', '111'],
  7: ['111', '001', '010', '010', '010'],
  8: ['111', '101', '111', '101', '111'],
  9: ['111', '101', '111', '001', '111'],
  '+': ['000', '010', '111', '010', '000'],
}

const BLUE = [37, 99, 235]
const RED = [225, 29, 72]
const WHITE = [255, 255, 255]

function canvas() {
  return new Float64Array(SIZE * SIZE * 4) // premultiplied-free RGBA in 0..1, painted with "over"
}

/** Paints `color` where `inside(x, y)` holds, with coverage from SS×SS samples per pixel. */
function paint(img, color, inside) {
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let hit = 0
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) if (inside(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)) hit++
      }
      if (!hit) continue
      const a = hit / (SS * SS)
      const i = (py * SIZE + px) * 4
      const da = img[i + 3]
      const oa = a + da * (1 - a)
      for (let c = 0; c < 3; c++) img[i + c] = (color[c] / 255 * a + img[i + c] * da * (1 - a)) / oa
      img[i + 3] = oa
    }
  }
}

const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r

/** Text in the pixel font, centred on (cx, cy), `scale` pixels per font cell. */
function text(img, s, cx, cy, scale, color) {
  const gap = scale
  const width = s.length * 3 * scale + (s.length - 1) * gap
  const x0 = Math.round(cx - width / 2)
  const y0 = Math.round(cy - (5 * scale) / 2)
  ;[...s].forEach((ch, k) => {
    const rows = FONT[ch]
    const gx = x0 + k * (3 * scale + gap)
    paint(img, color, (x, y) => {
      const col = Math.floor((x - gx) / scale)
      const row = Math.floor((y - y0) / scale)
      return col >= 0 && col < 3 && row >= 0 && row < 5 && rows[row][col] === '1'
    })
  })
}

function trayIcon(label) {
  const img = canvas()
  // A speech bubble with three dots.
  paint(img, BLUE, circle(15, 15, 13))
  paint(img, BLUE, (x, y) => y >= 22 && y <= 30 && x >= 4 && x <= 12 && x - 4 <= (30 - y) * 0.8)
  for (const dx of [9, 15, 21]) paint(img, WHITE, circle(dx, 15, 2.2))
  if (label !== '0') {
    paint(img, WHITE, circle(23, 9, 9.5))
    paint(img, RED, circle(23, 9, 8.2))
    text(img, label, 23, 9, label.length > 1 ? 1.5 : 2, WHITE)
  }
  return png(img)
}

function overlayIcon(label) {
  const img = canvas()
  paint(img, RED, circle(16, 16, 15.5))
  text(img, label, 16, 16, label.length > 1 ? 2.5 : 4, WHITE)
  return png(img)
}

// ---- PNG -------------------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}

function png(img) {
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1))
  for (let y = 0; y < SIZE; y++) {
    raw[y * (SIZE * 4 + 1)] = 0 // filter: none
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 4
      const o = y * (SIZE * 4 + 1) + 1 + x * 4
      for (let c = 0; c < 4; c++) raw[o + c] = Math.round(Math.min(1, Math.max(0, img[i + c])) * 255)
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(SIZE, 0)
  ihdr.writeUInt32BE(SIZE, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// ---- output ----------------------------------------------------------------------------------------------

const counts = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '9+']
const entries = (labels, render) => labels.map((l) => `  '${l}': '${render(l).toString('base64')}',`).join('\n')
const out = `// GENERATED by scripts/gen-tray-icons.mjs — do not edit; run \`node scripts/gen-tray-icons.mjs\`.
// ${SIZE}×${SIZE} RGBA PNGs, base64, meant for scaleFactor 2 (16 DIP).

export type UnreadIconKey = ${['0', ...counts].map((l) => `'${l}'`).join(' | ')}

/** Tray icon by unread count: '0' (none), '1'…'9', '9+'. */
export const TRAY_ICONS: Record<UnreadIconKey, string> = {
${entries(['0', ...counts], trayIcon)}
}

/** Windows taskbar overlay by unread count (none for 0). */
export const OVERLAY_ICONS: Record<Exclude<UnreadIconKey, '0'>, string> = {
${entries(counts, overlayIcon)}
}
`
const target = join(dirname(fileURLToPath(import.meta.url)), '../src/main/tray-icons.ts')
writeFileSync(target, out)
console.log(`wrote ${target} (${out.length} bytes)`)
