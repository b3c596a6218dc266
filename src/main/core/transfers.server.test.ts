// Issue 4 against the reference server (no throttle, clients unpaced): files through the outbox, streamed (W1/W2, §3),
// settled on the echo (Q9) with own names kept (Q5b) and others attributed from R5/R9 (Q8); cancel, retry,
// refusals. Nothing of ours is mocked.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverContext } from '../../../server/index'
import { startTestServer, uniqueSlug, type TestServer, type TestUser } from '../../../testkit/server'
import { memoryPorts } from './ports'
import { createOpenFlow, createSaveFlow } from '../files'
import type { Message } from '../../shared/model'
import { transferCounters } from './transfers'
import { eventsOf, listed, sharedGroup, signedIn, storedFiles, unpaced, until, type Harness } from './testing/harness'

let ts: TestServer
let users: TestUser[]
let alice: Harness
let bob: Harness
let slug: string
let groupId: string
let dir: string

const MAX = 48 * 1024 * 1024

function file(name: string, bytes: Buffer | number): string {
  const p = join(dir, name)
  writeFileSync(p, typeof bytes === 'number' ? randomBytes(bytes) : bytes)
  return p
}

async function stage(h: Harness, ...paths: string[]) {
  const r = await h.client.stagePaths(paths)
  if (!r.ok) throw new Error(`stage failed: ${r.error.code}`)
  return r.value
}

const msg = (h: Harness, chatId: string, key: string): Message | undefined =>
  h.client.engine!.messagesOf(chatId).find((m) => m.key === key)

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cht-files-'))
  ts = await startTestServer({ throttle: false })
  users = ts.users(2)
  alice = await signedIn(ts.origin, users[0].token, { settings: { maxFileBytes: MAX }, client: unpaced })
  bob = await signedIn(ts.origin, users[1].token, { settings: { maxFileBytes: MAX }, client: unpaced })
  slug = uniqueSlug('files')
  groupId = await sharedGroup(ts.origin, slug, alice, bob)
  await alice.client.request('chats.open', { chatId: groupId })
  await bob.client.request('chats.open', { chatId: groupId })
}, 60_000)

afterAll(async () => {
  await alice?.client.close()
  await bob?.client.close()
  await ts?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('sending files in a group (W1)', () => {
  it('own file keeps its original name; the other side gets the URL name and the right sender after R5 (Q5b, Q8)', async () => {
    const bytes = randomBytes(300_001) // not a multiple of 3: the base64 chunks must still join up
    const [staged] = await stage(alice, file('Quarterly report.final.PDF', bytes))
    expect(staged).toMatchObject({ name: 'Quarterly report.final.PDF', size: 300_001, isImage: false, mime: 'application/pdf' })
    const { keys } = await alice.client.request('files.send', { chatId: groupId, stagedIds: [staged.id] })
    // Shown at once as an own message with progress.
    const added = eventsOf(alice, 'messages.added').flatMap((e) => e.messages).find((m) => m.key === keys[0])!
    expect(added).toMatchObject({ own: true, status: 'sending', file: { name: 'Quarterly report.final.PDF', url: '' }, transfer: { sent: 0, total: 300_001 } })

    await until(() => msg(alice, groupId, keys[0])?.status === 'sent', 20_000, 'own file settled')
    const mine = msg(alice, groupId, keys[0])!
    expect(mine.file!.name).toBe('Quarterly report.final.PDF')
    expect(mine.file!.url).toMatch(new RegExp(`^${ts.origin}/cht/media/static/files/\\d{6}\\.PDF$`)) // R10: case kept
    expect(mine.transfer).toBeUndefined()
    expect(mine.senderId).toBe(alice.me.id)
    // Byte-identical on the server (R10).
    const got = Buffer.from(await (await fetch(mine.file!.url)).arrayBuffer())
    expect(got.equals(bytes)).toBe(true)
    // Progress reached the total.
    const progress = eventsOf(alice, 'messages.updated').flatMap((e) => e.messages).filter((m) => m.key === keys[0] && m.transfer)
    expect(progress.at(-1)!.transfer).toEqual({ sent: 300_001, total: 300_001 })

    // Bob: the frame names Bob himself (Q8); after the re-read it is Alice's, named from the URL.
    await until(() => bob.client.engine!.messagesOf(groupId).some((m) => m.file?.url === mine.file!.url && m.senderId === alice.me.id), 20_000, 'attributed')
    const theirs = bob.client.engine!.messagesOf(groupId).filter((m) => m.file?.url === mine.file!.url)
    expect(theirs).toHaveLength(1)
    expect(theirs[0]).toMatchObject({ own: false, senderName: alice.me.name, file: { name: expect.stringMatching(/^\d{6}\.PDF$/) } })
    // Alice's own message keeps its name after her own re-reads too.
    expect(alice.client.engine!.messagesOf(groupId).filter((m) => m.file?.url === mine.file!.url).map((m) => m.file!.name)).toEqual(['Quarterly report.final.PDF'])
  })

  it('several files and a text go out in order, one file frame at a time; pasted bytes too', async () => {
    const a = await stage(alice, file('one.txt', Buffer.from('first file\n')), file('two.png', randomBytes(70_000)))
    const pasted = await alice.client.request('files.stageBytes', { name: 'Pasted image', mime: 'image/png', bytes: new Uint8Array(randomBytes(5000)) })
    expect(pasted).toMatchObject({ name: 'Pasted image.png', isImage: true, size: 5000 })
    const { keys } = await alice.client.request('files.send', { chatId: groupId, stagedIds: [...a.map((s) => s.id), pasted.id] })
    const { key: textKey } = await alice.client.request('messages.send', { chatId: groupId, text: 'after the files' })
    await until(() => [...keys, textKey].every((k) => msg(alice, groupId, k)?.status === 'sent'), 30_000, 'all settled')
    const names = keys.map((k) => msg(alice, groupId, k)!.file!.name)
    expect(names).toEqual(['one.txt', 'two.png', 'Pasted image.png'])
    expect(msg(alice, groupId, keys[1])!.file!.isImage).toBe(true)
    // Stored in that order: FIFO through one socket.
    const stored = await storedFiles(ts.origin, users[0].token, slug)
    expect(stored.slice(-3).map((f) => f.file.slice(f.file.lastIndexOf('.')))).toEqual(['.txt', '.png', '.png'])
    // Staged ids are spent.
    const again = await alice.client.handle('files.send', { chatId: groupId, stagedIds: [pasted.id] })
    expect(again).toMatchObject({ ok: false, error: { code: 'not-found' } })
    expect(alice.client.session!.store.outbox()).toEqual([])
  })

  it('cancel mid-way: nothing half-sent stays in the outbox and the server stored nothing', async () => {
    const before = (await storedFiles(ts.origin, users[0].token, slug)).length
    const [staged] = await stage(alice, file('big.bin', 40 * 1024 * 1024))
    const { keys } = await alice.client.request('files.send', { chatId: groupId, stagedIds: [staged.id] })
    await until(() => {
      const t = msg(alice, groupId, keys[0])?.transfer
      return !!t && t.sent > 0 && t.sent < t.total
    }, 20_000, 'transfer under way')
    // The server's end of the socket carrying it (the reference server's own list of sockets).
    const serverSockets = ts.ref ? serverContext(ts.ref).sockets : new Set<never>()
    const carrying = [...serverSockets].filter((s) => s.user.id === alice.me.id && s.room === slug)
    if (ts.ref) expect(carrying).not.toEqual([])
    await alice.client.request('files.cancel', { chatId: groupId, key: keys[0] })
    expect(msg(alice, groupId, keys[0])).toBeUndefined()
    expect(eventsOf(alice, 'messages.removed').some((e) => e.keys.includes(keys[0]))).toBe(true)
    expect(alice.client.session!.store.outbox()).toEqual([])
    // The socket was cut (the server discards the partial message) and comes back; chat goes on.
    const { key } = await alice.client.request('messages.send', { chatId: groupId, text: 'after the cancel' })
    await until(() => msg(alice, groupId, key)?.status === 'sent', 20_000, 'text after cancel')
    // Once the server has closed that socket, the partial message can never complete: nothing was stored.
    await until(() => carrying.every((s) => !serverSockets.has(s)), 10_000, 'the cut socket closed at the server')
    expect(await storedFiles(ts.origin, users[0].token, slug)).toHaveLength(before)
  })

  it('a file that became unreadable fails visibly; retry sends it, discard removes it', async () => {
    const p = file('later.txt', Buffer.from('will vanish'))
    const [staged] = await stage(alice, p)
    unlinkSync(p)
    const { keys } = await alice.client.request('files.send', { chatId: groupId, stagedIds: [staged.id] })
    await until(() => msg(alice, groupId, keys[0])?.status === 'failed', 10_000, 'failed')
    expect(msg(alice, groupId, keys[0])).toMatchObject({ error: 'file.unreadable', file: { name: 'later.txt' } })
    writeFileSync(p, 'is back')
    await alice.client.request('messages.retry', { chatId: groupId, key: keys[0] })
    await until(() => msg(alice, groupId, keys[0])?.status === 'sent', 20_000, 'retried')

    const q = file('gone.txt', Buffer.from('x'))
    const [s2] = await stage(alice, q)
    unlinkSync(q)
    const r2 = await alice.client.request('files.send', { chatId: groupId, stagedIds: [s2.id] })
    await until(() => msg(alice, groupId, r2.keys[0])?.status === 'failed', 10_000, 'failed again')
    await alice.client.request('messages.discard', { chatId: groupId, key: r2.keys[0] })
    expect(msg(alice, groupId, r2.keys[0])).toBeUndefined()
    expect(alice.client.session!.store.outbox()).toEqual([])
  })
})

describe('receiving (issue 4)', () => {
  it('media.get: the on-disk cache answers before the network', async () => {
    const bytes = randomBytes(2000)
    const [staged] = await stage(alice, file('pic.webp', bytes))
    const { keys } = await alice.client.request('files.send', { chatId: groupId, stagedIds: [staged.id] })
    await until(() => msg(alice, groupId, keys[0])?.status === 'sent', 20_000, 'settled')
    const url = msg(alice, groupId, keys[0])!.file!.url
    expect(msg(alice, groupId, keys[0])!.file).toMatchObject({ isImage: true, mime: 'image/webp', name: 'pic.webp' })
    const first = await alice.client.request('media.get', { url })
    expect(Buffer.from(first.bytes).equals(bytes)).toBe(true)
    // The server loses the file; a new client (empty memory cache) on the same cache folder still has it.
    if (ts.ref) rmSync(join(serverContext(ts.ref).mediaDir, new URL(url).pathname.slice('/cht/media/'.length)))
    const fresh = await signedIn(ts.origin, users[0].token, { ports: { ...memoryPorts(), cacheDir: alice.ports.cacheDir }, client: unpaced })
    try {
      const again = await fresh.client.request('media.get', { url })
      expect(Buffer.from(again.bytes).equals(bytes)).toBe(true)
      expect(again.mime).toBe('image/webp')
      if (ts.ref) expect(await bob.client.handle('media.get', { url })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    } finally {
      await fresh.client.close()
    }
  })
})

describe('saving (files.save through the dialogs port)', () => {
  it('downloads R10 into the chosen folder under a sanitized name, never over an existing file', async () => {
    const bytes = randomBytes(4096)
    const [staged] = await stage(alice, file('to-save.txt', bytes))
    const { keys } = await alice.client.request('files.send', { chatId: groupId, stagedIds: [staged.id] })
    await until(() => msg(alice, groupId, keys[0])?.status === 'sent', 20_000, 'settled')
    const url = msg(alice, groupId, keys[0])!.file!.url
    const saveDir = mkdtempSync(join(tmpdir(), 'cht-saved-'))
    const shown: string[] = []
    const flow = createSaveFlow({
      showSaveDialog: async (o) => ({ canceled: false, filePath: o.defaultPath }),
      showMessageBox: async () => ({ response: 1 }),
      showItemInFolder: (p) => void shown.push(p),
      defaultDir: () => saveDir,
      locale: () => 'en',
    })
    bob.ports.dialogs = { pickFiles: async () => [], ...flow }
    try {
      writeFileSync(join(saveDir, '.bashrc'), 'mine')
      const r = await bob.client.request('files.save', { url, name: '../../.bashrc' })
      expect(r).toEqual({ savedId: expect.any(String), warnedExecutable: false })
      expect(readFileSync(join(saveDir, '.bashrc'), 'utf8')).toBe('mine')
      expect(readFileSync(join(saveDir, '.bashrc (1)')).equals(bytes)).toBe(true)
      await bob.client.request('files.showSaved', { savedId: r.savedId! })
      expect(shown).toEqual([join(saveDir, '.bashrc (1)')])
      // Only the server's uploads: main is no download proxy.
      expect(await bob.client.handle('files.save', { url: `${ts.origin}/cht/api/groups/`, name: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      expect(await bob.client.handle('files.showSaved', { savedId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    } finally {
      delete bob.ports.dialogs
      rmSync(saveDir, { recursive: true, force: true })
    }
  })
})

describe('opening (files.open through the dialogs port, issue 12)', () => {
  it('downloads R10 into the private cache and hands that file to the system; only the server\'s uploads', async () => {
    const bytes = randomBytes(5000)
    const [staged] = await stage(alice, file('برنامه‌ریزی.csv', bytes))
    const { keys } = await alice.client.request('files.send', { chatId: groupId, stagedIds: [staged.id] })
    await until(() => msg(alice, groupId, keys[0])?.status === 'sent', 20_000, 'settled')
    const url = msg(alice, groupId, keys[0])!.file!.url
    const cache = mkdtempSync(join(tmpdir(), 'cht-open-'))
    const opened: string[] = []
    const flow = createOpenFlow({
      dir: cache, showMessageBox: async () => ({ response: 1 }), openPath: async (p) => (opened.push(p), ''), locale: () => 'en',
    })
    bob.ports.dialogs = { pickFiles: async () => [], saveFile: async () => ({ warnedExecutable: false }), showSaved: () => undefined, ...flow }
    try {
      expect(await bob.client.request('files.open', { url, name: 'برنامه‌ریزی.csv' })).toEqual({ opened: true })
      expect(opened).toHaveLength(1)
      expect(opened[0]!.startsWith(cache)).toBe(true)
      expect(readFileSync(opened[0]!).equals(bytes)).toBe(true)
      expect(await bob.client.handle('files.open', { url: `${ts.origin}/cht/api/groups/`, name: 'x.csv' }))
        .toMatchObject({ ok: false, error: { code: 'forbidden' } })
    } finally {
      delete bob.ports.dialogs
      rmSync(cache, { recursive: true, force: true })
    }
  })
})

describe('refusals', () => {
  it('an oversize file is refused before a single byte is read; an empty one too', async () => {
    const big = join(dir, 'huge.iso')
    writeFileSync(big, '')
    truncateSync(big, MAX + 1) // sparse: large on paper, nothing to read
    const counters = { ...transferCounters }
    const r = await alice.client.stagePaths([big])
    expect(r).toMatchObject({ ok: false, error: { code: 'file.too-large' } })
    expect(await alice.client.stagePaths([file('empty.txt', Buffer.alloc(0))])).toMatchObject({ ok: false, error: { code: 'file.empty' } })
    const pasted = await alice.client.handle('files.stageBytes', { name: 'x.png', bytes: new Uint8Array(0) })
    expect(pasted).toMatchObject({ ok: false, error: { code: 'file.empty' } })
    expect(transferCounters).toEqual(counters)

  })

  it('relative, missing and non-file paths are refused', async () => {
    expect(await alice.client.stagePaths(['relative/file.txt'])).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(await alice.client.stagePaths([join(dir, 'no-such-file')])).toMatchObject({ ok: false, error: { code: 'file.unreadable' } })
    expect(await alice.client.stagePaths([dir])).toMatchObject({ ok: false, error: { code: 'file.unreadable' } })
    expect(await alice.client.stagePaths([])).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
  })

  it('a one-to-one room that does not exist yet cannot start with a file (W2); a text first makes it work', async () => {
    const chat = await alice.client.request('direct.start', { userId: bob.me.id })
    const [staged] = await stage(alice, file('first.txt', Buffer.from('hello as a file')))
    const refused = await alice.client.handle('files.send', { chatId: chat.id, stagedIds: [staged.id] })
    expect(refused).toMatchObject({ ok: false, error: { code: 'file.first-in-direct' } })
    // Still staged: the UI can offer "send a text first".
    await alice.client.request('messages.send', { chatId: chat.id, text: 'a file follows' })
    const { keys } = await alice.client.request('files.send', { chatId: chat.id, stagedIds: [staged.id] })
    await until(() => msg(alice, chat.id, keys[0])?.status === 'sent', 30_000, 'direct file settled')
    expect(msg(alice, chat.id, keys[0])!.file!.name).toBe('first.txt')
    // Bob finds the chat (R3) and sees the file from Alice (W2 frames name the receiver: Q8).
    const bobChat = `direct:${alice.me.id}`
    await until(() => listed(bob, bobChat), 30_000, 'bob sees the chat')
    await bob.client.request('chats.open', { chatId: bobChat })
    await until(() => bob.client.engine!.messagesOf(bobChat).some((m) => m.file), 20_000, 'bob has the file')
    const f = bob.client.engine!.messagesOf(bobChat).find((m) => m.file)!
    expect(f).toMatchObject({ own: false, senderId: alice.me.id, file: { name: expect.stringMatching(/^\d{6}\.txt$/) } })
  })

  it('files.cancel of an unknown key and files.save without dialogs answer errors, never throw', async () => {
    expect(await alice.client.handle('files.cancel', { chatId: groupId, key: 'o:nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    expect(await alice.client.handle('files.pick', undefined)).toEqual({ ok: true, value: { files: [], refused: [] } })
    expect(await alice.client.handle('files.save', { url: `${ts.origin}/cht/media/static/files/000000.txt`, name: 'a.txt' }))
      .toMatchObject({ ok: false })
  })
})
