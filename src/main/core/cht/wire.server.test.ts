// wire.ts against the reference server (real HTTP, real sockets, real database): every shape the server really
// sends must map cleanly. Only fetch and ws here — the REST/socket layers of core are tested elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { startServer, type RefServer } from '../../../../server/index'
import {
  directHistoryFromR9, roomsFromR3, directSocketUrl, errorFromResponse, fileFramePrefix, fileFrameSuffix,
  frameFromW1, frameFromW2, groupFromR2, groupHistoryFromR5, groupsFromR3, groupSocketUrl, memberChangeFromR4,
  normalizeUuid, roomFromR8, savedUserFromR1, sessionUserFromR7, textFrameW1, textFrameW2,
  usersFromR6, type LiveFrame,
} from './wire'

interface Res { status: number; contentType: string | null; text: string; body: unknown }
interface Person { id: string; token: string }

let server: RefServer
let dataDir: string
let origin: string
let ali: Person
let bob: Person

async function call(p: Person, path: string, body?: unknown, token = p.token): Promise<Res> {
  const res = await fetch(origin + '/cht/' + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? { authorization: token } : { authorization: token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let parsed: unknown
  try { parsed = JSON.parse(text) } catch { parsed = undefined }
  return { status: res.status, contentType: res.headers.get('content-type'), text, body: parsed }
}

function ok(r: Res): unknown {
  if (r.status >= 300) throw errorFromResponse(r.status, r.contentType, r.text)
  return r.body
}

async function socket(url: string, p: Person): Promise<{ ws: WebSocket; next(): Promise<unknown> }> {
  const ws = new WebSocket(url, { headers: { authorization: p.token } })
  const queue: unknown[] = []
  const waiters: Array<(v: unknown) => void> = []
  ws.on('message', (data) => {
    const v = JSON.parse(String(data))
    const w = waiters.shift()
    if (w) w(v)
    else queue.push(v)
  })
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
  return {
    ws,
    next: () => queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve)),
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cht-wire-test-'))
  server = await startServer({ port: 0, dataDir, throttle: false })
  origin = server.origin
  ali = server.createUser({ firstNameFa: 'علی', lastNameFa: 'رضایی', avatarUrl: 'https://sso.example/avatars/ali.png' })
  bob = server.createUser({ firstNameFa: 'Bob', lastNameFa: 'Builder', avatarUrl: null })
  for (const p of [ali, bob]) {
    expect(savedUserFromR1(ok(await call(p, 'save-user-data/')))).toBe('created')
    ok(await call(p, 'api/user/profile/'))
  }
})

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('wire against the reference server', () => {
  it('R1/R7: the session user is the SSO user id (Q3) with the mangled avatar recovered (Q4 e)', async () => {
    expect(savedUserFromR1(ok(await call(ali, 'save-user-data/')))).toBe('updated')
    const me = sessionUserFromR7(ok(await call(ali, 'api/user/profile/')), origin)
    expect(me).toEqual({ id: normalizeUuid(ali.id), name: 'علی رضایی', avatarUrl: 'https://sso.example/avatars/ali.png', isSuperuser: false })
    expect(sessionUserFromR7(ok(await call(bob, 'api/user/profile/')), origin).avatarUrl).toBeUndefined()
  })

  it('groups, members, directory, live group chat, files and history (R2 R3 R4 R5 R6 W1 Q5 Q5b Q7 Q8)', async () => {
    const team = groupFromR2(ok(await call(ali, 'api/groups/create/', { group_name: 'team_chat', slug: 'team_chat', type: 'public' })))
    expect(team).toMatchObject({ id: 'group:team_chat', live: true, createdBy: 'علیرضایی' })
    const derived = groupFromR2(ok(await call(ali, 'api/groups/create/', { group_name: 'گروه تست', type: 'private' })))
    expect(derived).toMatchObject({ slug: 'grvhtst', live: false })

    const added = memberChangeFromR4(ok(await call(ali, 'api/group_chat/team_chat/', { action: 'add_member', uuid: bob.id })), origin)
    expect(added.user?.id).toBe(normalizeUuid(bob.id))

    const users = usersFromR6(ok(await call(bob, 'api/users-info/')), origin)
    expect(users.find((u) => u.id === normalizeUuid(bob.id))?.groups).toEqual(['team_chat'])
    const list = groupsFromR3(ok(await call(bob, 'api/groups/')), origin)
    expect(list.map((c) => c.id)).toEqual(['group:team_chat'])

    // W1: text, then a file streamed as fragments of one message (§3); both echoed to sender and others.
    const a = await socket(groupSocketUrl(origin, 'team_chat'), ali)
    const b = await socket(groupSocketUrl(origin, 'team_chat'), bob)
    const before = Date.now()
    a.ws.send(JSON.stringify(textFrameW1('سلام\nworld <b>')))
    const echo = frameFromW1(await a.next(), origin) as LiveFrame
    expect(echo).toMatchObject({ kind: 'text', text: 'سلام\nworld <b>', claimedSender: 'علی رضایی', avatarUrl: 'https://sso.example/avatars/ali.png' })
    expect(Math.abs((echo.at ?? 0) - before)).toBeLessThan(10_000) // Tehran time parsed to the real instant (Q5)
    expect(frameFromW1(await b.next(), origin)).toMatchObject({ kind: 'text', text: 'سلام\nworld <b>' })

    const bytes = Buffer.from('\x89PNG\r\n\x1a\n' + 'x'.repeat(3000), 'latin1')
    const b64 = bytes.toString('base64')
    const parts = [fileFramePrefix(), b64.slice(0, 1000), b64.slice(1000, 2500), b64.slice(2500), fileFrameSuffix('عکس من.png')]
    for (let i = 0; i < parts.length; i++) a.ws.send(parts[i], { fin: i === parts.length - 1, binary: false })
    const fileEcho = frameFromW1(await a.next(), origin) as LiveFrame
    const fileAtBob = frameFromW1(await b.next(), origin) as LiveFrame
    expect(fileEcho.kind).toBe('file')
    expect(fileAtBob.claimedSender).toBe('Bob Builder') // Q8: the receiver's own name
    expect(fileEcho.fileUrl?.startsWith(origin + '/cht/media/')).toBe(true)
    const media = await fetch(fileEcho.fileUrl!)
    expect(Buffer.from(await media.arrayBuffer())).toEqual(bytes)
    a.ws.close()
    b.ws.close()

    const h = groupHistoryFromR5(ok(await call(bob, 'api/groups/team_chat/chat/')), { origin, meId: bob.id })
    expect(h.chat).toMatchObject({ id: 'group:team_chat', live: true })
    expect(h.members.map((u) => u.id).sort()).toEqual([normalizeUuid(ali.id), normalizeUuid(bob.id)].sort())
    expect(h.messages).toHaveLength(2)
    const [text, file] = h.messages
    expect(text).toMatchObject({ senderId: normalizeUuid(ali.id), senderName: 'علی رضایی', text: 'سلام\nworld <b>', own: false, status: 'sent' })
    expect(text.senderAvatarUrl).toBe('https://sso.example/avatars/ali.png')
    expect(Math.abs(text.at - (echo.at ?? 0))).toBeLessThan(1000)
    expect(file.file).toMatchObject({ url: fileEcho.fileUrl, isImage: true, mime: 'image/png' })
    expect(file.at).toBeGreaterThanOrEqual(text.at)
  })

  it('one-to-one: R8 naming, W2 frames, R3 discovery by the target, R9 history (Q6 Q8 Q9 Q10)', async () => {
    const r = await call(ali, `api/privatechat/${bob.id}/`)
    const first = roomFromR8(ok(r), r.status)
    expect(first).toMatchObject({ existed: false, peer: { id: normalizeUuid(bob.id), name: 'Bob Builder' } })

    const a = await socket(directSocketUrl(origin, first.room), ali)
    // A 32-hex recipient is sent hyphenated (W2).
    a.ws.send(JSON.stringify(textFrameW2('hi bob', bob.id.replaceAll('-', '').toUpperCase())))
    const echo = frameFromW2(await a.next(), origin)
    expect(echo).toEqual({ kind: 'text', text: 'hi bob', claimedSender: 'علیرضایی', claimedRecipient: 'Bob Builder' })
    a.ws.close()

    const again = await call(ali, `api/privatechat/${bob.id}/`)
    expect(roomFromR8(ok(again), again.status)).toMatchObject({ room: first.room, existed: true })

    // R3 names people, never ids: both sides see the room by its slug; who is in it comes from R9 (Q6).
    expect(roomsFromR3(ok(await call(bob, 'api/groups/?type=PrivateGroup')))).toEqual([{ room: first.room, title: expect.any(String) }])
    expect(roomsFromR3(ok(await call(ali, 'api/groups/?type=PrivateGroup'))).map((r) => r.room)).toEqual([first.room])

    const h = directHistoryFromR9(ok(await call(bob, `api/private-chat/${first.room}/`)), { origin, meId: bob.id })
    expect(h.room).toBe(first.room)
    expect(h.peer).toMatchObject({ id: normalizeUuid(ali.id), name: 'علی رضایی', avatarUrl: 'https://sso.example/avatars/ali.png' })
    expect(h.messages).toEqual([expect.objectContaining({ chatId: `direct:${normalizeUuid(ali.id)}`, senderName: 'علی رضایی', text: 'hi bob', own: false })])
  })

  it('errors map on the status (1.4, Q11)', async () => {
    const dup = await call(ali, 'api/groups/create/', { group_name: 'team_chat', slug: 'other', type: 'public' })
    expect(errorFromResponse(dup.status, dup.contentType, dup.text).code).toBe('group.name-taken')
    const slug = await call(ali, 'api/groups/create/', { group_name: 'other_name', slug: 'team_chat', type: 'public' })
    expect(errorFromResponse(slug.status, slug.contentType, slug.text).code).toBe('group.slug-taken')
    const badUuid = await call(ali, 'api/group_chat/team_chat/', { action: 'add_member', uuid: 'nope' })
    expect(errorFromResponse(badUuid.status, badUuid.contentType, badUuid.text).code).toBe('invalid-input')
    const noUser = await call(ali, 'api/group_chat/team_chat/', { action: 'add_member', uuid: '00000000-0000-4000-8000-000000000000' })
    expect(errorFromResponse(noUser.status, noUser.contentType, noUser.text).code).toBe('user.not-found')
    const unknown = await call(ali, 'api/groups/nope_nope/chat/')
    expect(errorFromResponse(unknown.status, unknown.contentType, unknown.text).code).toBe('not-found')
    const badToken = await call(ali, 'api/groups/', undefined, 'Bearer x')
    expect(errorFromResponse(badToken.status, badToken.contentType, badToken.text)).toMatchObject({ code: 'auth.invalid', detail: 'Invalid token.' })
    const page = await call(ali, 'no/such/route/')
    const e = errorFromResponse(page.status, page.contentType, page.text)
    expect(e.detail).toBe(`HTTP ${page.status}`)
    expect(e.detail).not.toContain('<')
  })
})
