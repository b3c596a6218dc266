/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is asserted structurally in tests */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAPHNE_SOCKET_TIMEOUTS, serverContext } from './index'
import { TEHRAN_TS_RE, api, boot, connect, handshakeStatus, makeGroup, member, type Booted, type Sock } from './testkit'

let b: Booted
beforeAll(async () => { b = await boot() })
afterAll(async () => { await b.cleanup() })

/** Sends a frame that must be ignored, then a probe text: the next frame must be the probe's echo. */
async function expectIgnored(s: Sock, frame: unknown, probe: unknown) {
  s.send(frame)
  s.send(probe)
  const next = await s.next()
  expect(next.message).toBe((probe as { message: string }).message)
  expect(s.closeCode).toBeNull()
}

describe('§1.3 socket authentication', () => {
  it('1.3: header token, first whitespace word, cookie → open; bad, missing, ?token= → HTTP 403', async () => {
    const u = await member(b.server)
    await makeGroup(b.server, u.token, 'auth_room')
    expect(await handshakeStatus(b.server, '/cht/ws/chat/auth_room/', { token: u.token })).toBe('open')
    expect(await handshakeStatus(b.server, '/cht/ws/chat/auth_room/', { token: `${u.token} trailing words` })).toBe('open')
    expect(await handshakeStatus(b.server, '/cht/ws/chat/auth_room/', { cookie: `token=${u.token}` })).toBe('open')
    expect(await handshakeStatus(b.server, '/cht/ws/chat/auth_room/', { token: 'bad' })).toBe('HTTP 403')
    expect(await handshakeStatus(b.server, '/cht/ws/chat/auth_room/')).toBe('HTTP 403')
    expect(await handshakeStatus(b.server, `/cht/ws/chat/auth_room/?token=${u.token}`)).toBe('HTTP 403')
  })
  it('1.3: only the token of the LATEST R1 opens sockets; the older one still works on REST; no R1 → 403', async () => {
    const u = await member(b.server)
    const newer = b.server.issueToken(u.id)
    expect(await handshakeStatus(b.server, '/cht/ws/chat/x/', { token: newer })).toBe('HTTP 403') // no R1 with it yet
    await api(b.server, '/cht/save-user-data/', { token: newer })
    expect(await handshakeStatus(b.server, '/cht/ws/chat/x/', { token: newer })).toBe('open')
    expect(await handshakeStatus(b.server, '/cht/ws/chat/x/', { token: u.token })).toBe('HTTP 403')
    expect((await api(b.server, '/cht/api/groups/', { token: u.token })).status).toBe(200)
    const fresh = b.server.createUser({ firstNameFa: 'x', lastNameFa: 'y' })
    expect(await handshakeStatus(b.server, '/cht/ws/chat/x/', { token: fresh.token })).toBe('HTTP 403')
  })
  it('1.1 / 1.3: when the SSO forgets a token (session expired) REST answers 401 and handshakes 403; open sockets stay', async () => {
    const u = await member(b.server)
    await makeGroup(b.server, u.token, 'expiry_room')
    const open = await connect(b.server, '/cht/ws/chat/expiry_room/', { token: u.token })
    b.server.endSession(u.token)
    const r = await api(b.server, '/cht/save-user-data/', { token: u.token })
    expect([r.status, r.json.error]).toEqual([401, 'Invalid token.'])
    expect(await handshakeStatus(b.server, '/cht/ws/chat/expiry_room/', { token: u.token })).toBe('HTTP 403')
    open.send({ message: 'still open' })
    expect((await open.next()).message).toBe('still open')
    open.close()
    // signing in again = a new SSO session, then R1 → R7 as always
    const fresh = b.server.issueToken(u.id)
    expect((await api(b.server, '/cht/save-user-data/', { token: fresh })).status).toBe(200)
    expect(await handshakeStatus(b.server, '/cht/ws/chat/expiry_room/', { token: fresh })).toBe('open')
    expect(() => b.server.endSession('nope')).toThrow(/no such SSO session/)
  })
  it('§3: path segments must match \\w+ (hyphen, dot) and unknown socket routes → HTTP 500', async () => {
    const u = await member(b.server)
    expect(await handshakeStatus(b.server, '/cht/ws/chat/team-chat/', { token: u.token })).toBe('HTTP 500')
    expect(await handshakeStatus(b.server, '/cht/ws/chat/a.b/', { token: u.token })).toBe('HTTP 500')
    expect(await handshakeStatus(b.server, '/cht/ws/private_chat/room-1/', { token: u.token })).toBe('HTTP 500')
    expect(await handshakeStatus(b.server, '/cht/ws/other/x/', { token: u.token })).toBe('HTTP 500')
    expect(await handshakeStatus(b.server, '/cht/ws/chat/team-chat/', { token: 'bad' })).toBe('HTTP 500')
  })
})

describe('W1 group socket', () => {
  it('W1: text is broadcast to every socket of the slug, sender included, exact shape, Tehran time (Q5, Q9)', async () => {
    const a = await member(b.server, { firstNameFa: 'لیلا', lastNameFa: 'حاتمی', avatarUrl: 'https://sso.example.com/l.png' })
    const c = await member(b.server, { firstNameFa: 'بهرام', lastNameFa: 'بیضایی' })
    await makeGroup(b.server, a.token, 'w1_text')
    const sa = await connect(b.server, '/cht/ws/chat/w1_text/', { token: a.token })
    const sc = await connect(b.server, '/cht/ws/chat/w1_text/', { token: c.token }) // not even a member: no check
    const before = Date.now()
    sa.send({ message: 'سلام دنیا', avatar_url: 'ignored', timestamp: 'ignored' })
    const fa = await sa.next()
    const fc = await sc.next()
    expect(fa).toEqual(fc)
    expect(Object.keys(fa)).toEqual(['message', 'user_name', 'avatar_url', 'timestamp', 'file', 'filename'])
    expect(fa).toMatchObject({ message: 'سلام دنیا', user_name: 'لیلا حاتمی', avatar_url: 'https://sso.example.com/l.png', file: '', filename: '' })
    expect(fa.timestamp).toMatch(TEHRAN_TS_RE)
    expect(Math.abs(Date.parse(fa.timestamp) - before)).toBeLessThan(5000)
    sc.send({ message: 'hi' })
    expect((await sa.next()).avatar_url).toBe('/static/profiles/default.png') // fallback (Q4)
    const r5 = await api(b.server, '/cht/api/groups/w1_text/chat/', { token: a.token })
    expect(r5.json.messages.map((m: any) => m.content)).toEqual(['سلام دنیا', 'hi'])
    expect(Date.parse(r5.json.messages[0].timestamp)).toBe(Date.parse(fa.timestamp))
    sa.close(); sc.close()
  })
  it('W1: {"message":""} is stored; message wins over file and type; a lone other type is ignored', async () => {
    const a = await member(b.server)
    await makeGroup(b.server, a.token, 'w1_rules')
    const s = await connect(b.server, '/cht/ws/chat/w1_rules/', { token: a.token })
    s.send({ message: '' })
    expect((await s.next()).message).toBe('')
    s.send({ message: 'hi', type: 'x' })
    expect((await s.next()).message).toBe('hi')
    s.send({ message: 'both', file: 'AAAA', filename: 'a.png' })
    expect(await s.next()).toMatchObject({ message: 'both', file: '' })
    await expectIgnored(s, { type: 'typing' }, { message: 'after' })
    const r5 = await api(b.server, '/cht/api/groups/w1_rules/chat/', { token: a.token })
    expect(r5.json.messages.map((m: any) => [m.content, m.file])).toEqual([['', null], ['hi', null], ['both', null], ['after', null]])
    s.close()
  })
  it('W1: each bad frame closes only that socket with 1011', async () => {
    const a = await member(b.server)
    await makeGroup(b.server, a.token, 'w1_bad')
    const watcher = await connect(b.server, '/cht/ws/chat/w1_bad/', { token: a.token })
    const bad: unknown[] = [
      'not json', '[1,2]', {}, { type: 'user_click' }, { type: 'private_chat_request' },
      { file: 'abc', filename: 'x.png' }, { file: 'ab$=', filename: 'x.png' }, { file: 'QUJD=A==', filename: 'x.png' },
      { file: 'QUJD' }, { message: null },
    ]
    for (const frame of bad) {
      const s = await connect(b.server, '/cht/ws/chat/w1_bad/', { token: a.token })
      s.send(frame)
      expect(await s.closed(), JSON.stringify(frame)).toBe(1011)
    }
    watcher.send({ message: 'still here' })
    expect((await watcher.next()).message).toBe('still here')
    watcher.close()
  })
  it('W1 / Q7: stored under the group whose NAME equals the slug; unknown → 1011 and no broadcast', async () => {
    const a = await member(b.server)
    await makeGroup(b.server, a.token, 'q7_name', 'public', 'q7_slug')
    const bySlug = await connect(b.server, '/cht/ws/chat/q7_slug/', { token: a.token })
    const bySlug2 = await connect(b.server, '/cht/ws/chat/q7_slug/', { token: a.token })
    bySlug.send({ message: 'lost' })
    expect(await bySlug.closed()).toBe(1011)
    await bySlug2.flush()
    expect(bySlug2.frames).toEqual([])
    expect(bySlug2.closeCode).toBeNull()
    const byName = await connect(b.server, '/cht/ws/chat/q7_name/', { token: a.token })
    byName.send({ message: 'kept' })
    expect((await byName.next()).message).toBe('kept')
    const r5 = await api(b.server, '/cht/api/groups/q7_slug/chat/', { token: a.token })
    expect(r5.json.messages.map((m: any) => m.content)).toEqual(['kept'])
    bySlug2.close(); byName.close()
  })
  it('W1 / Q8: file frames carry the receiver\'s own name; stored file downloads byte-identical (R10)', async () => {
    const a = await member(b.server, { firstNameFa: 'Alice', lastNameFa: 'Sender', avatarUrl: 'https://x.example/a.png' })
    const c = await member(b.server, { firstNameFa: 'Carol', lastNameFa: 'Receiver' })
    await makeGroup(b.server, a.token, 'w1_file')
    const sa = await connect(b.server, '/cht/ws/chat/w1_file/', { token: a.token })
    const sc = await connect(b.server, '/cht/ws/chat/w1_file/', { token: c.token })
    const bytes = randomBytes(3000)
    sa.send({ file: `data:image/png;base64,${bytes.toString('base64')}`, filename: 'My Holiday Photo.PNG' })
    const fa = await sa.next()
    const fc = await sc.next()
    expect(Object.keys(fa)).toEqual(['message', 'file', 'filename', 'user_name', 'avatar_url', 'timestamp'])
    expect(fa.file).toMatch(/^\/cht\/media\/static\/files\/\d{6}\.PNG$/) // R10: the extension's case is kept
    expect(fa.filename).toBe(fa.file.replace('/cht/media/', ''))
    expect(fa.message).toBe('')
    expect(fa.user_name).toBe('Alice Sender')
    expect(fc.user_name).toBe('Carol Receiver') // Q8
    expect(fc.avatar_url).toBe('https://x.example/a.png')
    expect(fc.timestamp).toMatch(TEHRAN_TS_RE)
    const dl = await fetch(b.server.origin + fa.file)
    expect(dl.status).toBe(200)
    expect(dl.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await dl.arrayBuffer()).equals(bytes)).toBe(true)
    const r5 = await api(b.server, '/cht/api/groups/w1_file/chat/', { token: c.token })
    expect(r5.json.messages).toMatchObject([{ content: '', file: fa.file, user_id: a.id }])
    sa.close(); sc.close()
  })
  it('§3: an 8 MiB file streamed as many fragments of one text message arrives byte-identical', async () => {
    const a = await member(b.server)
    await makeGroup(b.server, a.token, 'w1_big')
    const s = await connect(b.server, '/cht/ws/chat/w1_big/', { token: a.token })
    const bytes = randomBytes(8 * 1024 * 1024 + 123)
    const b64 = bytes.toString('base64')
    const head = '{"filename":"big.bin","file":"'
    s.ws.send(head, { fin: false })
    const CH = 256 * 1024
    for (let i = 0; i < b64.length; i += CH) s.ws.send(b64.slice(i, i + CH), { fin: false })
    s.ws.send('"}', { fin: true })
    const f = await s.next(20_000)
    expect(f.file).toMatch(/^\/cht\/media\/static\/files\/\d{6}\.bin$/)
    const dl = Buffer.from(await (await fetch(b.server.origin + f.file)).arrayBuffer())
    expect(dl.length).toBe(bytes.length)
    expect(dl.equals(bytes)).toBe(true)
    s.close()
  })
})

describe('W2 one-to-one socket', () => {
  it('W2 / Q6: lazy room creation by the first text; R8 asymmetric before, then the same room for both', async () => {
    const a = await member(b.server, { firstNameFa: 'فرزانه', lastNameFa: 'راد', avatarUrl: 'https://x.example/f.png' })
    const c = await member(b.server, { firstNameFa: 'کامران', lastNameFa: 'شاد' })
    const ab = (await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })).json.private_chat_id
    const sa = await connect(b.server, `/cht/ws/private_chat/${ab}/`, { token: a.token })
    sa.send({ message: 'اولین پیام', recipient: c.id })
    expect(await sa.next()).toEqual({ message: 'اولین پیام', sender: 'فرزانهراد', avatar_url: 'https://x.example/f.png', recipient: 'کامران شاد' })
    // the room now exists under A's name: R8 answers it (200) for both
    const r8c = await api(b.server, `/cht/api/privatechat/${a.id}/`, { token: c.token })
    expect([r8c.status, r8c.json.private_chat_id, r8c.json.message]).toEqual([200, ab, 'گروه قبلاً وجود داشته است.'])
    const r8a = await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })
    expect([r8a.status, r8a.json.private_chat_id]).toEqual([200, ab])
    expect((await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: c.token })).json.map((g: any) => g.name)).toEqual([ab])
    // both in the room: each hears the other; Q8 avatar is the receiver's own
    const sc = await connect(b.server, `/cht/ws/private_chat/${ab}/`, { token: c.token })
    sc.send({ message: 'hello', recipient: a.id })
    expect(await sa.next()).toEqual({ message: 'hello', sender: 'کامرانشاد', avatar_url: 'https://x.example/f.png', recipient: 'فرزانه راد' })
    expect(await sc.next()).toEqual({ message: 'hello', sender: 'کامرانشاد', avatar_url: '/static/profiles/default.png', recipient: 'فرزانه راد' })
    const r9 = await api(b.server, `/cht/api/private-chat/${ab}/`, { token: c.token })
    expect(r9.json.private_group.messages.map((m: any) => [m.content, m.sender, m.recipient])).toEqual([
      ['اولین پیام', a.id, c.id], ['hello', c.id, a.id],
    ])
    sa.close(); sc.close()
  })
  it('Q6 two-room race: both start before either room exists → two rooms, each with its own messages; R8 names the first for both', async () => {
    const a = await member(b.server, { firstNameFa: 'آوا', lastNameFa: 'پیشرو' })
    const c = await member(b.server, { firstNameFa: 'بردیا', lastNameFa: 'پسرو' })
    // both open the chat (R8) before either room exists: two different names
    const ab = (await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })).json.private_chat_id
    const ba = (await api(b.server, `/cht/api/privatechat/${a.id}/`, { token: c.token })).json.private_chat_id
    expect(ab).not.toBe(ba)
    const sa = await connect(b.server, `/cht/ws/private_chat/${ab}/`, { token: a.token })
    const sc = await connect(b.server, `/cht/ws/private_chat/${ba}/`, { token: c.token })
    // both write at once: each first text creates the room its URL names
    sa.send({ message: 'from A', recipient: c.id })
    sc.send({ message: 'from C', recipient: a.id })
    expect((await sa.next()).message).toBe('from A')
    expect((await sc.next()).message).toBe('from C')
    // neither hears the other: they sit in different rooms
    await sa.flush(); await sc.flush()
    expect([sa.frames.length, sc.frames.length]).toEqual([1, 1])
    // each room holds its own message, and both parties may read both rooms
    for (const who of [a, c]) {
      expect((await api(b.server, `/cht/api/private-chat/${ab}/`, { token: who.token })).json.private_group.messages.map((m: any) => m.content)).toEqual(['from A'])
      expect((await api(b.server, `/cht/api/private-chat/${ba}/`, { token: who.token })).json.private_group.messages.map((m: any) => m.content)).toEqual(['from C'])
    }
    // R3 lists both rooms of the pair for both, each under its own slug, creator → target as they were created
    for (const who of [a, c]) {
      const list = (await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: who.token })).json
      expect(list.map((g: any) => [g.slug, g.created_by, g.target_user])).toEqual([
        [ab, 'آوا پیشرو', 'بردیا پسرو'], [ba, 'بردیا پسرو', 'آوا پیشرو'],
      ])
    }
    // R8 names the pair lookup's first room — the one created first (A's here) — for both
    for (const [who, other] of [[a, c], [c, a]]) {
      const r8 = await api(b.server, `/cht/api/privatechat/${other.id}/`, { token: who.token })
      expect([r8.status, r8.json.private_chat_id]).toEqual([200, ab])
    }
    // the stale room keeps working as its own room until the client moves: nothing is lost, nothing merged
    sc.send({ message: 'still in mine', recipient: a.id })
    expect((await sc.next()).message).toBe('still in mine')
    expect((await api(b.server, `/cht/api/private-chat/${ba}/`, { token: a.token })).json.private_group.messages.map((m: any) => m.content)).toEqual(['from C', 'still in mine'])
    sa.close(); sc.close()
  })
  it('Q6: the second room is created even when the first already exists (the stale name from R8 before it existed)', async () => {
    const a = await member(b.server)
    const c = await member(b.server)
    const ab = (await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })).json.private_chat_id
    const ba = (await api(b.server, `/cht/api/privatechat/${a.id}/`, { token: c.token })).json.private_chat_id
    const sa = await connect(b.server, `/cht/ws/private_chat/${ab}/`, { token: a.token })
    sa.send({ message: 'first', recipient: c.id })
    await sa.next()
    // C never called R8 again: a file on its stale name fails (no room by that name yet), a text creates that room
    const file = await connect(b.server, `/cht/ws/private_chat/${ba}/`, { token: c.token })
    file.send({ file: 'QUJD', filename: 'a.txt', recipient: a.id })
    expect(await file.closed()).toBe(1011)
    const sc = await connect(b.server, `/cht/ws/private_chat/${ba}/`, { token: c.token })
    sc.send({ message: 'late', recipient: a.id })
    expect((await sc.next()).message).toBe('late')
    await sa.flush()
    expect(sa.frames).toHaveLength(1)
    expect((await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: a.token })).json.map((g: any) => g.slug)).toEqual([ab, ba])
    expect((await api(b.server, `/cht/api/privatechat/${a.id}/`, { token: c.token })).json.private_chat_id).toBe(ab)
    sa.close(); sc.close()
  })
  it('W2: a 32-hex recipient fails the sender\'s own echo with 1011 while the recipient is online; the message is stored and delivered', async () => {
    const a = await member(b.server)
    const c = await member(b.server)
    const room = (await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })).json.private_chat_id
    const hex = c.id.replace(/-/g, '')
    // recipient offline: a 32-hex recipient is accepted and echoed
    const sa = await connect(b.server, `/cht/ws/private_chat/${room}/`, { token: a.token })
    sa.send({ message: 'offline hex', recipient: hex })
    expect((await sa.next()).message).toBe('offline hex')
    // recipient online: stored and broadcast to the others, but the sender's socket gets 1011 instead of its echo
    const sc = await connect(b.server, `/cht/ws/private_chat/${room}/`, { token: c.token })
    sa.send({ message: 'online hex', recipient: hex })
    expect((await sc.next()).message).toBe('online hex')
    expect(await sa.closed()).toBe(1011)
    expect(sa.frames).toHaveLength(1)
    // hyphenated: the echo comes back as usual
    const sa2 = await connect(b.server, `/cht/ws/private_chat/${room}/`, { token: a.token })
    sa2.send({ message: 'online hyphenated', recipient: c.id })
    expect((await sa2.next()).message).toBe('online hyphenated')
    const r9 = await api(b.server, `/cht/api/private-chat/${room}/`, { token: a.token })
    expect(r9.json.private_group.messages.map((m: any) => [m.content, m.recipient])).toEqual([
      ['offline hex', c.id], ['online hex', c.id], ['online hyphenated', c.id],
    ])
    sa2.close(); sc.close()
  })
  it('W2 / Q8: file frame shape, stored with recipient = the room target, downloadable', async () => {
    const a = await member(b.server, { firstNameFa: 'Amir', lastNameFa: 'Creator' })
    const c = await member(b.server, { firstNameFa: 'Tara', lastNameFa: 'Target', avatarUrl: 'https://x.example/t.png' })
    const room = (await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })).json.private_chat_id
    const sa = await connect(b.server, `/cht/ws/private_chat/${room}/`, { token: a.token })
    const sc = await connect(b.server, `/cht/ws/private_chat/${room}/`, { token: c.token })
    sa.send({ message: 'first', recipient: c.id })
    await sa.next(); await sc.next()
    const bytes = Buffer.from('%PDF-1.4 tiny\n')
    sc.send({ file: bytes.toString('base64'), filename: 'report.pdf', recipient: a.id })
    const fa = await sa.next()
    const fc = await sc.next()
    expect(Object.keys(fa)).toEqual(['type', 'file', 'filename', 'recipientuser', 'sender', 'avatar_url'])
    expect(fa).toMatchObject({ type: 'chat_file', recipientuser: 'TaraTarget', sender: 'AmirCreator', avatar_url: '/static/profiles/default.png' })
    expect(fc).toMatchObject({ type: 'chat_file', recipientuser: 'TaraTarget', sender: 'TaraTarget', avatar_url: 'https://x.example/t.png' })
    expect(fa.file).toMatch(/^\/cht\/media\/static\/files\/\d{6}\.pdf$/)
    expect(fa.filename).toBe(fa.file.replace('/cht/media/', ''))
    const dl = await fetch(b.server.origin + fa.file)
    expect(dl.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await dl.arrayBuffer()).equals(bytes)).toBe(true)
    const r9 = await api(b.server, `/cht/api/private-chat/${room}/`, { token: a.token })
    const last = r9.json.private_group.messages.at(-1)
    expect([last.sender, last.recipient, last.content]).toEqual([c.id, c.id, ''])
    expect(last.file).toBe(`http://${new URL(b.server.origin).host}${fa.file}`)
    sa.close(); sc.close()
  })
  it('W2: 1011 for missing/unknown/non-UUID recipient, invalid JSON, a file as the very first message; others ignored', async () => {
    const a = await member(b.server)
    const c = await member(b.server)
    const room = (await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })).json.private_chat_id
    for (const frame of [
      { message: 'x' }, { message: 'x', recipient: '00000000-0000-4000-8000-000000000000' }, { message: 'x', recipient: 'abc' },
      '{oops', { file: 'QUJD', filename: 'a.txt', recipient: c.id },
    ]) {
      const s = await connect(b.server, `/cht/ws/private_chat/${room}/`, { token: a.token })
      s.send(frame)
      expect(await s.closed(), JSON.stringify(frame)).toBe(1011)
    }
    expect((await api(b.server, `/cht/api/private-chat/${room}/`, { token: a.token })).status).toBe(404)
    const s = await connect(b.server, `/cht/ws/private_chat/${room}/`, { token: a.token })
    await expectIgnored(s, { hello: 1, recipient: c.id }, { message: 'ok', recipient: c.id })
    s.close()
  })
})

describe('W3 presence and robustness', () => {
  it('W3: on connect every socket of the name gets the online list', async () => {
    const a = await member(b.server, { lastNameFa: 'اول' })
    const c = await member(b.server, { lastNameFa: 'دوم' })
    const sa = await connect(b.server, '/cht/ws/notifications/lobby/', { token: a.token })
    expect(await sa.next()).toEqual({ online_users: [{ uuid: a.id, lastname: 'اول' }], online_count: 1 })
    const sc = await connect(b.server, '/cht/ws/notifications/lobby/', { token: c.token })
    expect((await sa.next()).online_count).toBe(2)
    expect((await sc.next()).online_count).toBe(2)
    sa.close(); sc.close()
  })
  it('§5: abrupt drops (mid-fragment, dropSockets) never crash the server', async () => {
    const a = await member(b.server)
    await makeGroup(b.server, a.token, 'drops')
    const s1 = await connect(b.server, '/cht/ws/chat/drops/', { token: a.token })
    s1.ws.send('{"message":"half', { fin: false })
    s1.ws.terminate()
    const s2 = await connect(b.server, '/cht/ws/chat/drops/', { token: a.token })
    const s3 = await connect(b.server, '/cht/ws/chat/drops/', { token: a.token })
    b.server.dropSockets()
    expect(await s2.closed()).toBe(1006)
    expect(await s3.closed()).toBe(1006)
    const s4 = await connect(b.server, '/cht/ws/chat/drops/', { token: a.token })
    s4.send({ message: 'alive' })
    expect((await s4.next()).message).toBe('alive')
    expect((await api(b.server, '/cht/api/groups/', { token: a.token })).status).toBe(200)
    s4.close()
  })
})

describe('R10 stored file names', () => {
  it('R10: the extension is kept exactly as sent, case included; a name without a dot gets none', async () => {
    const a = await member(b.server)
    await makeGroup(b.server, a.token, 'r10_ext')
    const s = await connect(b.server, '/cht/ws/chat/r10_ext/', { token: a.token })
    const cases: Array<[string, RegExp, string]> = [
      ['report.PDF', /^\/cht\/media\/static\/files\/\d{6}\.PDF$/, 'application/pdf'],
      ['Photo.JpEg', /^\/cht\/media\/static\/files\/\d{6}\.JpEg$/, 'image/jpeg'],
      ['archive.tar.Gz', /^\/cht\/media\/static\/files\/\d{6}\.Gz$/, 'application/octet-stream'],
      ['README', /^\/cht\/media\/static\/files\/\d{6}$/, 'application/octet-stream'],
      ['.bashrc', /^\/cht\/media\/static\/files\/\d{6}$/, 'application/octet-stream'],
      ['notes.my draft', /^\/cht\/media\/static\/files\/\d{6}\.my_draft$/, 'application/octet-stream'],
    ]
    for (const [filename, url, type] of cases) {
      const bytes = Buffer.from(`file ${filename}`)
      s.send({ file: bytes.toString('base64'), filename })
      const f = await s.next()
      expect(f.file, filename).toMatch(url)
      expect(f.filename).toBe(f.file.replace('/cht/media/', ''))
      const dl = await fetch(b.server.origin + f.file)
      expect([dl.status, dl.headers.get('content-type')], filename).toEqual([200, type])
      expect(Buffer.from(await dl.arrayBuffer()).equals(bytes)).toBe(true)
    }
    // a Persian extension: the frame's `filename` is the stored name, `file` its percent-encoded URL (Django's url)
    s.send({ file: Buffer.from('fa').toString('base64'), filename: 'گزارش.متن' })
    const fa = await s.next()
    expect(fa.filename).toMatch(/^static\/files\/\d{6}\.متن$/)
    expect(fa.file).toBe('/cht/media/' + fa.filename.split('/').map(encodeURIComponent).join('/'))
    expect(await (await fetch(b.server.origin + fa.file)).text()).toBe('fa')
    const r5 = await api(b.server, '/cht/api/groups/r10_ext/chat/', { token: a.token })
    expect(r5.json.messages.at(-1).file).toBe(fa.file)
    s.close()
  })
})

describe('§3 socket front-end timers (daphne)', () => {
  it('§3: by default the server pings idle sockets like daphne: 20 s idle, 30 s to answer, closed after 24 h', () => {
    expect(serverContext(b.server).socketTimeouts).toEqual(DAPHNE_SOCKET_TIMEOUTS)
    expect(DAPHNE_SOCKET_TIMEOUTS).toEqual({ pingIntervalMs: 20_000, pongTimeoutMs: 30_000, maxAgeMs: 86_400_000 })
  })
  it('§3: an idle socket that answers pings stays up; one that does not is dropped without a close frame (1006)', async () => {
    const t = await boot({ socketTimeouts: { pingIntervalMs: 40, pongTimeoutMs: 60, maxAgeMs: 60_000 } })
    try {
      const u = await member(t.server)
      await makeGroup(t.server, u.token, 'idle')
      const answers = await connect(t.server, '/cht/ws/chat/idle/', { token: u.token })
      const silent = await connect(t.server, '/cht/ws/chat/idle/', { token: u.token, autoPong: false })
      expect(await silent.closed()).toBe(1006)
      expect(silent.pings).toBeGreaterThanOrEqual(1)
      // five answered pings span more than the 60 ms pong timeout several times over
      await answers.pinged(5)
      expect(answers.closeCode).toBeNull()
      answers.send({ message: 'still here' })
      expect((await answers.next()).message).toBe('still here')
      answers.close()
    } finally { await t.cleanup() }
  })
  it('§3: every socket is closed (1000) when its maximum age is reached', async () => {
    const t = await boot({ socketTimeouts: { pingIntervalMs: 60_000, pongTimeoutMs: 60_000, maxAgeMs: 100 } })
    try {
      const u = await member(t.server)
      const s = await connect(t.server, '/cht/ws/notifications/aging/', { token: u.token })
      expect(await s.closed()).toBe(1000)
      expect(s.pings).toBe(0)
    } finally { await t.cleanup() }
  })
  it('§3: socketTimeouts: false turns the timers off', async () => {
    const t = await boot({ socketTimeouts: false })
    try {
      expect(serverContext(t.server).socketTimeouts).toBeNull()
    } finally { await t.cleanup() }
  })
})
