// "Quote" from the message menu (issue 12): the message as `> ` lines for the composer. The server knows no
// markup, so the quote is plain text that reads the same for everyone.
import type { Message } from '@shared/model'

/** Long messages are quoted in part: the quote reminds, the original is in the timeline. */
export const QUOTE_MAX_CHARS = 300

export function quoteOf(m: Pick<Message, 'text' | 'file'>): string {
  let body = (m.text || m.file?.name || '').trim()
  if (!body) return ''
  if (body.length > QUOTE_MAX_CHARS) body = `${body.slice(0, QUOTE_MAX_CHARS).trimEnd()}…`
  return `${body.split('\n').map((line) => `> ${line}`.trimEnd()).join('\n')}\n`
}

/** The composer's text with a quote added: after what was typed, on a line of its own. */
export function withQuote(draft: string, quote: string): string {
  if (!quote) return draft
  const before = draft.replace(/\s+$/, '')
  return before ? `${before}\n${quote}` : quote
}
