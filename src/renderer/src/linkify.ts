// Split message text into plain parts and links. Only https:, http: and mailto: become links (DESIGN §6);
// anything else (javascript:, data:, file:…) stays text. The result is rendered with text nodes, never HTML.
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

const CANDIDATE = /(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi
// Punctuation that usually ends a sentence rather than a URL (Latin and Persian).
const TRAILING = /[.,;:!?)\]}'"،؛؟»…]+$/

export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw)
    if (u.protocol !== 'https:' && u.protocol !== 'http:' && u.protocol !== 'mailto:') return null
    if (u.protocol !== 'mailto:' && !u.hostname) return null
    return u.href
  } catch {
    return null
  }
}

export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  const push = (t: string) => {
    if (!t) return
    const prev = parts[parts.length - 1]
    if (prev && prev.kind === 'text') prev.text += t
    else parts.push({ kind: 'text', text: t })
  }
  for (const m of text.matchAll(CANDIDATE)) {
    const start = m.index ?? 0
    // A scheme glued to a preceding letter ("xhttps://") is not a link start.
    if (start > 0 && /[\p{L}\p{N}]/u.test(text[start - 1] ?? '')) continue
    let raw = m[0]
    const trail = TRAILING.exec(raw)
    if (trail) raw = raw.slice(0, raw.length - trail[0].length)
    const href = safeHref(raw)
    if (!href || raw.length <= 'mailto:'.length) continue
    push(text.slice(last, start))
    parts.push({ kind: 'link', text: raw, href })
    last = start + raw.length
  }
  push(text.slice(last))
  return parts
}
