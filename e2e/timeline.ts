// What the timeline specs (timeline, timeline-layout, search) share: long histories written straight into the
// reference server's database (3000 sends would take minutes), reading the timeline the way a person scrolls it,
// and screenshots for a person to look at (CHT_SCREENS=<folder>).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { serverContext } from '../server/index'
import { addMember, makeGroup } from '../testkit/groups'
import { uniqueSlug, type TestServer } from '../testkit/server'
import { expect } from './fixtures'

// The specs are typechecked without the DOM library: the few page-side shapes used here, typed minimally.
export interface Box { top: number; bottom: number; height: number }
export interface El {
  scrollTop: number
  scrollHeight: number
  clientHeight: number
  getBoundingClientRect(): Box
  getAttribute(name: string): string | null
  querySelectorAll(sel: string): Iterable<El>
}

export interface History {
  count: number
  /** Message i (1 = oldest). Default: numbered lines, every seventh one long, so rows differ in height. */
  text?: (i: number) => string
  /** Who wrote message i. Default: owner and member in turn. */
  sender?: (i: number) => string
  /** Time between two messages; the newest is a minute old. */
  spacingMs?: number
  prefix?: string
}

const defaultText = (i: number) => (i % 7 === 4
  ? `پیام ${i}: ${'گزارش هفتگی را بررسی کنید و نظرتان را بنویسید. '.repeat(4)}`
  : `پیام ${i} — message ${i}`)

/** A group made by `owner` with a seeded history, then `memberId` added (so the member's app first sees it whole). */
export async function longGroup(ts: TestServer, owner: { token: string; id: string }, memberId: string, h: History): Promise<string> {
  const slug = uniqueSlug(h.prefix ?? 'long')
  await makeGroup(ts.origin, owner.token, slug, [])
  const { store } = serverContext(ts.ref!)
  const group = store.groupByName(slug)!
  const { count, text = defaultText, sender = (i: number) => (i % 2 ? owner.id : memberId), spacingMs = 15 * 60_000 } = h
  const newest = Date.now() - 60_000
  store.transaction(() => {
    for (let i = 1; i <= count; i++) {
      store.insertMessage({
        group_id: group.id, user_id: sender(i), content: text(i), file: null, recipient: null,
        created_us: (newest - (count - i) * spacingMs) * 1000,
      })
    }
  })
  await addMember(ts.origin, owner.token, slug, memberId)
  return `group:${slug}`
}

/** The first message whose top is inside the timeline, and where (px below the timeline's top). */
export function firstInView(page: Page): Promise<{ key: string; top: number }> {
  return page.getByTestId('timeline').evaluate((tl) => {
    const el = tl as unknown as El
    const box = el.getBoundingClientRect()
    return [...el.querySelectorAll('[data-testid="message"]')]
      .map((m) => ({ key: m.getAttribute('data-key') ?? '', top: m.getBoundingClientRect().top - box.top }))
      .filter((m) => m.top >= 0)
      .sort((a, b) => a.top - b.top)[0]!
  })
}

export const scrollTopOf = (page: Page) => page.getByTestId('timeline').evaluate((el) => (el as unknown as El).scrollTop)

/** Wait until the timeline stops moving (wheel scrolling and the rows it renders settle over a few frames). */
export async function settled(page: Page): Promise<void> {
  let last = -1
  await expect.poll(async () => {
    const now = await scrollTopOf(page)
    const still = now === last
    last = now
    return still
  }, { intervals: [100], timeout: 10_000 }).toBe(true)
}

/** Scroll the way a person does: the mouse wheel over the timeline. */
export async function wheel(page: Page, dy: number): Promise<void> {
  await page.getByTestId('timeline').hover()
  await page.mouse.wheel(0, dy)
  await settled(page)
}

/** With CHT_SCREENS=<folder>, the page as it is now, saved as <folder>/<name>.png for a person to look at. */
export async function snap(page: Page, name: string): Promise<void> {
  const folder = process.env.CHT_SCREENS
  if (!folder) return
  mkdirSync(folder, { recursive: true })
  await page.screenshot({ path: join(folder, `${name}.png`) })
}
