/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is asserted structurally in tests */
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UTC_TS_RE, UUID_RE, api, boot, connect, handshakeStatus, makeGroup, member, type Booted } from './testkit'

let b: Booted
beforeAll(async () => { b = await boot() })
afterAll(async () => { await b.cleanup() })

const ENVELOPE = (code: number, error: unknown) => ({ status: { code, message: 'An error occurred.', type: 'fail' }, data: [], error })

describe('§1.1 REST authentication', () => {
  it('1.1: no token → 401 envelope "Authentication credentials were not provided."', async () => {
    const r = await api(b.server, '/cht/api/groups/')
    expect(r.status).toBe(401)
    expect(r.json).toEqual(ENVELOPE(401, 'Authentication credentials were not provided.'))
  })
  it('1.1: unknown token, "Bearer x" and "Token x" → 401 "Invalid token."', async () => {
    const u = await member(b.server)
    for (const t of ['nope', `Bearer ${u.token}`, `Token ${u.token}`]) {
      const r = await api(b.server, '/cht/api/groups/', { token: t })
      expect(r.status).toBe(401)
      expect(r.json).toEqual(ENVELOPE(401, 'Invalid token.'))
    }
  })
  it('1.1: the raw token as the whole header value works; the cookie works; the header wins even if bad', async () => {
    const u = await member(b.server)
    expect((await api(b.server, '/cht/api/groups/', { token: u.token })).status).toBe(200)
    expect((await api(b.server, '/cht/api/groups/', { headers: { cookie: `token=${u.token}` } })).status).toBe(200)
    const both = await api(b.server, '/cht/api/groups/', { token: 'bad', headers: { cookie: `token=${u.token}` } })
    expect(both.status).toBe(401)
    expect(both.json.error).toBe('Invalid token.')
  })
  it('1.4: 401 envelopes carry a Set-Cookie with a Domain (clients must ignore it)', async () => {
    const r = await api(b.server, '/cht/api/groups/', { token: 'bad' })
    expect(r.headers.get('set-cookie')).toMatch(/^token=.*Domain=/)
  })
})

describe('§1.4 error shapes', () => {
  it('1.4: unknown route → 404 HTML "Page not found" (Django debug page)', async () => {
    const r = await api(b.server, '/cht/api/nope/')
    expect(r.status).toBe(404)
    expect(r.headers.get('content-type')).toMatch(/^text\/html/)
    expect(r.text).toContain('Page not found')
    const esc = await api(b.server, '/<script>x</script>/')
    expect(esc.text).not.toContain('<script>x')
  })
  it('1.4: JSON parse error → 400 envelope', async () => {
    const u = await member(b.server)
    const r = await api(b.server, '/cht/api/groups/create/', { token: u.token, rawBody: '{nope', headers: { 'content-type': 'application/json' } })
    expect(r.status).toBe(400)
    expect(r.json.status).toEqual({ code: 400, message: 'An error occurred.', type: 'fail' })
    expect(r.json.data).toEqual([])
    expect(r.json.error).toMatch(/^JSON parse error/)
  })
  it('1.4: wrong method → 405 envelope', async () => {
    const u = await member(b.server)
    const r = await api(b.server, '/cht/save-user-data/', { token: u.token, method: 'POST', body: {} })
    expect(r.status).toBe(405)
    expect(r.json).toEqual(ENVELOPE(405, 'Method "POST" not allowed.'))
  })
  it('§5 body over the limit → clear 413, the server keeps working', async () => {
    const small = await boot({ bodyLimit: 1000 })
    try {
      const u = await member(small.server)
      const r = await api(small.server, '/cht/api/groups/create/', { token: u.token, body: { group_name: 'x'.repeat(5000), type: 'public' } })
      expect(r.status).toBe(413)
      expect(r.json.error).toMatch(/too large.*1000 bytes/)
      expect((await api(small.server, '/cht/api/groups/', { token: u.token })).status).toBe(200)
    } finally { await small.cleanup() }
  })
  it('1.6: CORS allows any origin with credentials', async () => {
    const u = await member(b.server)
    const r = await api(b.server, '/cht/api/groups/', { token: u.token, headers: { origin: 'https://elsewhere.example' } })
    expect(r.headers.get('access-control-allow-origin')).toBe('https://elsewhere.example')
    expect(r.headers.get('access-control-allow-credentials')).toBe('true')
  })
})

describe('§1.2 bootstrap order', () => {
  it('R1: first call creates, later calls update', async () => {
    const { token } = b.server.createUser({ firstNameFa: 'الف', lastNameFa: 'ب' })
    const r1 = await api(b.server, '/cht/save-user-data/', { token })
    expect(r1.status).toBe(200)
    expect(r1.json).toEqual({ message: 'User data created successfully.' })
    await api(b.server, '/cht/api/user/profile/', { token })
    const again = await api(b.server, '/cht/save-user-data/', { token })
    expect(again.json).toEqual({ message: 'User data updated successfully.' })
  })
  it('1.2: R2/R5/R7 without R1 → 500 HTML', async () => {
    const owner = await member(b.server)
    await makeGroup(b.server, owner.token, 'boot_grp')
    const { token } = b.server.createUser({ firstNameFa: 'بی', lastNameFa: 'ثبت' })
    for (const [path, body] of [
      ['/cht/api/groups/create/', { group_name: 'zzz', type: 'public' }],
      ['/cht/api/groups/boot_grp/chat/', undefined],
      ['/cht/api/user/profile/', undefined],
    ] as const) {
      const r = await api(b.server, path, { token, body })
      expect(r.status, path).toBe(500)
      expect(r.headers.get('content-type')).toMatch(/^text\/html/)
    }
  })
  it('1.2: R5 without a profile → 404 flat; R6 → 500 for everyone; second R1 → 500 but the token sticks', async () => {
    const solo = await boot()
    try {
      const ok = await member(solo.server)
      await makeGroup(solo.server, ok.token, 'g1')
      expect((await api(solo.server, '/cht/api/users-info/', { token: ok.token })).status).toBe(200)
      const { id, token } = solo.server.createUser({ firstNameFa: 'بی', lastNameFa: 'پروفایل' })
      await api(solo.server, '/cht/save-user-data/', { token })
      const r5 = await api(solo.server, '/cht/api/groups/g1/chat/', { token })
      expect(r5.status).toBe(404)
      expect(r5.json).toEqual({ error: 'پروفایل کاربر یافت نشد.' })
      const r6 = await api(solo.server, '/cht/api/users-info/', { token: ok.token })
      expect(r6.status).toBe(500)
      expect(r6.headers.get('content-type')).toMatch(/^text\/html/)
      // second R1 without profile → 500, yet the new token is recorded for sockets
      const t2 = solo.server.issueToken(id)
      const again = await api(solo.server, '/cht/save-user-data/', { token: t2 })
      expect(again.status).toBe(500)
      expect(again.headers.get('content-type')).toMatch(/^text\/html/)
      const { serverContext } = await import('./index')
      expect(serverContext(solo.server).store.user(id)!.socket_token).toBe(t2)
      // R7 creates the profile lazily, then R6 works again
      const r7 = await api(solo.server, '/cht/api/user/profile/', { token })
      expect(r7.json.message).toBe('New Profile Created')
      expect((await api(solo.server, '/cht/api/users-info/', { token: ok.token })).status).toBe(200)
    } finally { await solo.cleanup() }
  })
})

describe('§1.2 Recovering an interrupted bootstrap', () => {
  it('§1.2 interrupted bootstrap: R1 without R7 locks every later R1 into 500 HTML (token update sticks) until R7 runs once', async () => {
    const { id, token } = b.server.createUser({ firstNameFa: 'قفل', lastNameFa: 'شده' })
    expect((await api(b.server, '/cht/save-user-data/', { token })).json).toEqual({ message: 'User data created successfully.' })
    // R7 never ran (dropped connection): the same token and a new one both get 500 HTML, again and again
    const newer = b.server.issueToken(id)
    for (const t of [token, token, newer, newer]) {
      const r1 = await api(b.server, '/cht/save-user-data/', { token: t })
      expect(r1.status).toBe(500)
      expect(r1.headers.get('content-type')).toMatch(/^text\/html/)
    }
    // …yet each of those R1s recorded its token: the latest one opens sockets, the older one no longer does (1.3)
    expect(await handshakeStatus(b.server, '/cht/ws/chat/lobby/', { token: newer })).toBe('open')
    expect(await handshakeStatus(b.server, '/cht/ws/chat/lobby/', { token })).toBe('HTTP 403')
    // the recovery: R7 once, then R1 answers 200 again (PROTOCOL: "call R7, then R1 again")
    expect((await api(b.server, '/cht/api/user/profile/', { token: newer })).json.message).toBe('New Profile Created')
    for (const t of [newer, token]) {
      const r1 = await api(b.server, '/cht/save-user-data/', { token: t })
      expect([r1.status, r1.json]).toEqual([200, { message: 'User data updated successfully.' }])
    }
  })
})

describe('R2 create group', () => {
  it('R2: 201 shape, created_by without a space, creator is a member', async () => {
    const u = await member(b.server, { firstNameFa: 'سینا', lastNameFa: 'نوری' })
    const r = await api(b.server, '/cht/api/groups/create/', { token: u.token, body: { group_name: 'r2_team', slug: 'r2_team', type: 'private' } })
    expect(r.status).toBe(201)
    expect(r.json).toEqual({ id: expect.stringMatching(UUID_RE), name: 'r2_team', slug: 'r2_team', created_by: 'سینانوری', type: 'private', members_count: 1 })
    const r3 = await api(b.server, '/cht/api/groups/', { token: u.token })
    expect(r3.json.map((g: any) => g.slug)).toContain('r2_team')
  })
  it('R2: a missing slug is transliterated ("گروه تست" → "grvhtst"); a given slug is kept verbatim', async () => {
    const u = await member(b.server)
    const r = await api(b.server, '/cht/api/groups/create/', { token: u.token, body: { group_name: 'گروه تست', type: 'public' } })
    expect(r.json.slug).toBe('grvhtst')
    const v = await api(b.server, '/cht/api/groups/create/', { token: u.token, body: { group_name: 'Verbatim', slug: 'My Slug-X', type: 'public' } })
    expect(v.json.slug).toBe('My Slug-X')
  })
  it('R2: duplicate name / duplicate slug → 400 flat texts', async () => {
    const u = await member(b.server)
    await makeGroup(b.server, u.token, 'dup_a')
    const n = await api(b.server, '/cht/api/groups/create/', { token: u.token, body: { group_name: 'dup_a', slug: 'other', type: 'public' } })
    expect(n.status).toBe(400)
    expect(n.json).toEqual({ error: 'این نام گروه قبلاً استفاده شده است.' })
    const s = await api(b.server, '/cht/api/groups/create/', { token: u.token, body: { group_name: 'dup_b', slug: 'dup_a', type: 'public' } })
    expect(s.status).toBe(400)
    expect(s.json).toEqual({ error: 'این نامک قبلاً استفاده شده است.' })
  })
  it('R2: missing type or group_name → 500 HTML', async () => {
    const u = await member(b.server)
    for (const body of [{ group_name: 'no_type' }, { type: 'public' }]) {
      const r = await api(b.server, '/cht/api/groups/create/', { token: u.token, body })
      expect(r.status).toBe(500)
      expect(r.headers.get('content-type')).toMatch(/^text\/html/)
    }
  })
})

describe('R3 list groups', () => {
  it('R3: items lack `type`; created_by has a space; members_count counts', async () => {
    const u = await member(b.server, { firstNameFa: 'نگار', lastNameFa: 'صادقی' })
    const other = await member(b.server)
    await makeGroup(b.server, u.token, 'r3_grp', 'private')
    await api(b.server, '/cht/api/group_chat/r3_grp/', { token: u.token, body: { action: 'add_member', uuid: other.id } })
    const r = await api(b.server, '/cht/api/groups/', { token: u.token })
    const g = r.json.find((x: any) => x.slug === 'r3_grp')
    expect(g).toEqual({ id: expect.stringMatching(UUID_RE), name: 'r3_grp', slug: 'r3_grp', created_by: 'نگار صادقی', members_count: 2 })
    expect((await api(b.server, '/cht/api/groups/?type=Group', { token: u.token })).json).toEqual(r.json)
  })
})

describe('R4 members', () => {
  it('R4: add → 200 with message and user; adding twice → 200 again', async () => {
    const owner = await member(b.server)
    const x = await member(b.server, { firstNameFa: 'هادی', lastNameFa: 'امینی', nationalCode: '0012345678', avatarUrl: 'Null' })
    await makeGroup(b.server, owner.token, 'r4_grp')
    for (let i = 0; i < 2; i++) {
      const r = await api(b.server, '/cht/api/group_chat/r4_grp/', { token: owner.token, body: { action: 'add_member', uuid: x.id } })
      expect(r.status).toBe(200)
      expect(r.json).toEqual({
        message: 'کاربر با نام هادیامینی به گروه r4_grp اضافه شد.',
        user: { id: x.id, nationalcode: '0012345678', first_name_fa: 'هادی', last_name_fa: 'امینی', usr_avatar: 'Null' },
      })
    }
  })
  it('R4: remove message has the double space; uuid without hyphens accepted', async () => {
    const owner = await member(b.server)
    const x = await member(b.server, { firstNameFa: 'تینا', lastNameFa: 'کاظمی' })
    await makeGroup(b.server, owner.token, 'r4_rm')
    await api(b.server, '/cht/api/group_chat/r4_rm/', { token: owner.token, body: { action: 'add_member', uuid: x.id } })
    const r = await api(b.server, '/cht/api/group_chat/r4_rm/', { token: owner.token, body: { action: 'remove_member', uuid: x.id.replace(/-/g, '') } })
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ message: 'کاربر  تیناکاظمی از گروه r4_rm حذف شد.' })
    const r3 = await api(b.server, '/cht/api/groups/', { token: x.token })
    expect(r3.json.map((g: any) => g.slug)).not.toContain('r4_rm')
  })
  it('R4: every error (action missing, old shape, uuid missing, bad uuid, unknown user, unknown slug, GET)', async () => {
    const owner = await member(b.server)
    await makeGroup(b.server, owner.token, 'r4_err')
    const post = (body: unknown, slug = 'r4_err') => api(b.server, `/cht/api/group_chat/${slug}/`, { token: owner.token, body })
    expect(await post({ add_member: true, uuid: owner.id }).then((r) => [r.status, r.json])).toEqual([400, { error: 'پارامتر add_member یا remove_member ارسال نشده است.' }])
    expect(await post({ uuid: owner.id }).then((r) => [r.status, r.json])).toEqual([400, { error: 'پارامتر add_member یا remove_member ارسال نشده است.' }])
    expect(await post({ action: 'add_member' }).then((r) => [r.status, r.json])).toEqual([400, { error: 'UUID کاربر ارسال نشده است.' }])
    expect(await post({ action: 'add_member', uuid: 'not-a-uuid' }).then((r) => [r.status, r.json])).toEqual([400, { error: 'UUID معتبر نیست.' }])
    expect(await post({ action: 'add_member', uuid: '00000000-0000-4000-8000-000000000000' }).then((r) => [r.status, r.json])).toEqual([404, { error: 'کاربر یافت نشد.' }])
    // the target must have done R1
    const noR1 = b.server.createUser({ firstNameFa: 'a', lastNameFa: 'b' })
    expect((await post({ action: 'add_member', uuid: noR1.id })).status).toBe(404)
    const unknown = await post({ action: 'add_member', uuid: owner.id }, 'no_such_slug')
    expect([unknown.status, unknown.json]).toEqual([404, ENVELOPE(404, 'Not found.')])
    const get = await api(b.server, '/cht/api/group_chat/r4_err/', { token: owner.token })
    expect(get.status).toBe(405)
    expect(get.json.status.code).toBe(405)
  })
})

describe('R5 group chat', () => {
  it('R5: full shape, all_users includes members, Q4(e) avatars, no membership check, case-sensitive slug', async () => {
    const owner = await member(b.server, { firstNameFa: 'پویا', lastNameFa: 'مرادی', avatarUrl: 'https://sso.example.com/a/p.png' })
    const outsider = await member(b.server, { avatarUrl: null })
    await makeGroup(b.server, owner.token, 'r5_grp')
    const { serverContext } = await import('./index')
    const ctx = serverContext(b.server)
    const g = ctx.store.groupBySlug('r5_grp')!
    ctx.store.insertMessage({ group_id: g.id, user_id: owner.id, content: 'سلام', file: null, recipient: null, created_us: 1764000000123456 })
    ctx.store.insertMessage({ group_id: g.id, user_id: owner.id, content: '', file: 'static/files/123456.png', recipient: null, created_us: 1764000001000000 })
    const r = await api(b.server, '/cht/api/groups/r5_grp/chat/', { token: outsider.token })
    expect(r.status).toBe(200)
    expect(Object.keys(r.json)).toEqual(['group', 'messages', 'all_users', 'user_profile'])
    expect(r.json.group).toEqual({
      id: g.id, name: 'r5_grp', slug: 'r5_grp', type: 'public',
      members: [{ id: owner.id, firstname: 'پویا', lastname: 'مرادی', is_superuser: false, avatar: 'https://sso.example.com/a/p.png' }],
    })
    expect(r.json.messages).toEqual([
      { id: expect.any(Number), content: 'سلام', timestamp: '2025-11-24T16:00:00.123456Z', user_id: owner.id, user_name: 'پویا مرادی', avatar: '/cht/media/https%3A/sso.example.com/a/p.png', group: g.id, file: null },
      // Q5: Python's isoformat() drops zero microseconds
      { id: expect.any(Number), content: '', timestamp: '2025-11-24T16:00:01Z', user_id: owner.id, user_name: 'پویا مرادی', avatar: '/cht/media/https%3A/sso.example.com/a/p.png', group: g.id, file: '/cht/media/static/files/123456.png' },
    ])
    expect(r.json.messages[0].timestamp).toMatch(UTC_TS_RE)
    const ids = r.json.all_users.map((u: any) => u.id)
    expect(ids).toContain(owner.id)
    expect(ids).toContain(outsider.id)
    expect(r.json.all_users.find((u: any) => u.id === owner.id)).toEqual({ id: owner.id, firstname: 'پویا', lastname: 'مرادی', avatar: 'https://sso.example.com/a/p.png' })
    expect(r.json.user_profile).toEqual({ id: expect.stringMatching(UUID_RE), user: outsider.id, first_name: outsider.first, last_name: outsider.last, avatar: null, is_superuser: false })
    expect(r.json.user_profile.id).not.toBe(outsider.id) // Q3
    const upper = await api(b.server, '/cht/api/groups/R5_GRP/chat/', { token: outsider.token })
    expect([upper.status, upper.json]).toEqual([404, ENVELOPE(404, 'Not found.')])
  })
})

describe('R6 users-info', () => {
  it('R6: every user with profile_id and group memberships (not one-to-one chats)', async () => {
    const solo = await boot()
    try {
      const a = await member(solo.server, { firstNameFa: 'آرش', lastNameFa: 'نیک', isSuperuser: true, avatarUrl: 'Null' })
      const c = await member(solo.server)
      const g = await makeGroup(solo.server, a.token, 'r6_grp')
      await api(solo.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })
      const r = await api(solo.server, '/cht/api/users-info/', { token: c.token })
      expect(r.status).toBe(200)
      const me = r.json.all_users.find((u: any) => u.id === a.id)
      expect(me).toEqual({ profile_id: expect.stringMatching(UUID_RE), id: a.id, firstname: 'آرش', lastname: 'نیک', avatar: 'Null', is_superuser: true, groups: [{ id: g.id, name: 'r6_grp', slug: 'r6_grp', type: 'public' }] })
      expect(me.profile_id).not.toBe(a.id)
      expect(r.json.all_users).toHaveLength(2)
    } finally { await solo.cleanup() }
  })
})

describe('R7 profile', () => {
  it('R7: lazy creation then "User Profile Found"; avatar in Q4(e) form; "Null" → /cht/media/Null', async () => {
    const { id, token } = b.server.createUser({ firstNameFa: 'ژاله', lastNameFa: 'فرهادی', avatarUrl: 'https://sso.example.com/media/u/z.jpg/' })
    await api(b.server, '/cht/save-user-data/', { token })
    const first = await api(b.server, '/cht/api/user/profile/', { token })
    expect(first.json).toEqual({ message: 'New Profile Created', data: { id: expect.stringMatching(UUID_RE), user: id, first_name: 'ژاله', last_name: 'فرهادی', avatar: '/cht/media/https%3A/sso.example.com/media/u/z.jpg/', is_superuser: false } })
    const second = await api(b.server, '/cht/api/user/profile/', { token })
    expect(second.json.message).toBe('User Profile Found')
    expect(second.json.data.id).toBe(first.json.data.id)
    const n = await member(b.server, { avatarUrl: 'Null' })
    expect((await api(b.server, '/cht/api/user/profile/', { token: n.token })).json.data.avatar).toBe('/cht/media/Null')
  })
  it('R7: ?get-all=true → array for a superuser, single object for others (Q10)', async () => {
    const su = await member(b.server, { isSuperuser: true })
    const plain = await member(b.server)
    const all = await api(b.server, '/cht/api/user/profile/?get-all=true', { token: su.token })
    expect(all.json.message).toBe('All User Profiles Retrieved')
    expect(Array.isArray(all.json.data)).toBe(true)
    expect(all.json.data.map((p: any) => p.user)).toContain(plain.id)
    const one = await api(b.server, '/cht/api/user/profile/?get-all=true', { token: plain.token })
    expect(one.json.message).toBe('User Profile Found')
    expect(one.json.data.user).toBe(plain.id)
  })
})

describe('R8 / R9 one-to-one', () => {
  it('R8: before the room exists A→B and B→A get different names (Q6), 201 and nothing created', async () => {
    const a = await member(b.server, { firstNameFa: 'کاوه', lastNameFa: 'آهنگر' })
    const c = await member(b.server, { firstNameFa: 'شیرین', lastNameFa: 'فرهاد' })
    const ab = await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })
    expect(ab.status).toBe(201)
    expect(ab.json).toEqual({
      private_chat_id: 'privatechat_' + createHash('md5').update(a.id + c.id).digest('hex'),
      message: 'گروه جدید با موفقیت ایجاد شد.', first_name: 'شیرین', last_name: 'فرهاد',
      target_user: { userid: c.id, first_name: 'شیرین', last_name: 'فرهاد' },
    })
    const ba = await api(b.server, `/cht/api/privatechat/${a.id.replace(/-/g, '')}/`, { token: c.token })
    expect(ba.status).toBe(201)
    expect(ba.json.private_chat_id).not.toBe(ab.json.private_chat_id)
    expect((await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: a.token })).json).toEqual([])
    expect((await api(b.server, `/cht/api/private-chat/${ab.json.private_chat_id}/`, { token: a.token })).status).toBe(404)
  })
  it('R8: 400 flat for a non-UUID, 404 envelope for an unknown user, chat with yourself allowed', async () => {
    const a = await member(b.server)
    const bad = await api(b.server, '/cht/api/privatechat/xyz/', { token: a.token })
    expect(bad.status).toBe(400)
    expect(typeof bad.json.error).toBe('string')
    expect(bad.json.status).toBeUndefined()
    const unk = await api(b.server, '/cht/api/privatechat/00000000-0000-4000-8000-000000000000/', { token: a.token })
    expect([unk.status, unk.json]).toEqual([404, ENVELOPE(404, 'Not found.')])
    const self = await api(b.server, `/cht/api/privatechat/${a.id}/`, { token: a.token })
    expect(self.status).toBe(201)
    expect(self.json.target_user.userid).toBe(a.id)
  })
  it('R3 ?type=PrivateGroup, R8 200 and R9 shape once the room exists (seeded in the DB)', async () => {
    const a = await member(b.server, { firstNameFa: 'نیما', lastNameFa: 'یوشیج', avatarUrl: 'https://x.example/n.png' })
    const c = await member(b.server, { firstNameFa: 'سهراب', lastNameFa: 'سپهری' })
    const outsider = await member(b.server)
    const name = (await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })).json.private_chat_id as string
    const { serverContext } = await import('./index')
    const store = serverContext(b.server).store
    const room = store.insertGroup({ name, slug: name, type: 'private', created_by: a.id, is_private_chat: true, target_user: c.id })
    store.insertMessage({ group_id: room.id, user_id: a.id, content: 'درود', file: null, recipient: c.id, created_us: 1764000000000001 })
    store.insertMessage({ group_id: room.id, user_id: c.id, content: '', file: 'static/files/654321.pdf', recipient: c.id, created_us: 1764000000500000 })
    const again = await api(b.server, `/cht/api/privatechat/${a.id}/`, { token: c.token })
    expect(again.status).toBe(200)
    expect(again.json.message).toBe('گروه قبلاً وجود داشته است.')
    expect(again.json.private_chat_id).toBe(name)
    const list = await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: c.token })
    expect(list.json).toEqual([{ id: room.id, name, slug: name, created_by: 'نیما یوشیج', target_user: 'سهراب سپهری', members_count: 2, user_name: 'نیما یوشیج' }])
    const r9 = await api(b.server, `/cht/api/private-chat/${name.toUpperCase().replace('PRIVATECHAT', 'privatechat')}/`, { token: c.token })
    expect(r9.status).toBe(200)
    expect(r9.json).toEqual({
      private_group: {
        id: room.id, name, slug: name, members: [{ id: a.id }, { id: c.id }],
        messages: [
          { id: expect.any(Number), content: 'درود', timestamp: '2025-11-24T16:00:00.000001Z', sender: a.id, sender_full_name: 'نیما یوشیج', sender_avatar: 'https://x.example/n.png', recipient: c.id, recipient_full_name: 'سهراب سپهری', recipient_avatar: null, file: null, pvgroup: room.id },
          { id: expect.any(Number), content: '', timestamp: '2025-11-24T16:00:00.500000Z', sender: c.id, sender_full_name: 'سهراب سپهری', sender_avatar: null, recipient: c.id, recipient_full_name: 'سهراب سپهری', recipient_avatar: null, file: `http://${new URL(b.server.origin).host}/cht/media/static/files/654321.pdf`, pvgroup: room.id },
        ],
        private_with: { id: a.id, full_name: 'نیما یوشیج', avatar: 'https://x.example/n.png' },
      },
    })
    // Q5b: built from the Host header as the server saw it, always http://
    const viaProxy = await rawGet(b.server.origin, `/cht/api/private-chat/${name}/`, { authorization: c.token, host: 'chat.example.org' })
    expect(JSON.parse(viaProxy).private_group.messages[1].file).toBe('http://chat.example.org/cht/media/static/files/654321.pdf')
    const forbidden = await api(b.server, `/cht/api/private-chat/${name}/`, { token: outsider.token })
    expect([forbidden.status, forbidden.json]).toEqual([403, { error: 'You are not a member of this private chat group.' }])
    const unknown = await api(b.server, '/cht/api/private-chat/privatechat_nope/', { token: a.token })
    expect([unknown.status, unknown.json]).toEqual([404, ENVELOPE(404, 'Not found.')])
  })
  it('R3 ?type=PrivateGroup: created_by, target_user and user_name are display names, never ids (both parties)', async () => {
    const a = await member(b.server, { firstNameFa: 'پروین', lastNameFa: 'اعتصامی' })
    const c = await member(b.server, { firstNameFa: 'Omar', lastNameFa: 'Khayyam' })
    const room = (await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })).json.private_chat_id as string
    const s = await connect(b.server, `/cht/ws/private_chat/${room}/`, { token: a.token })
    s.send({ message: 'سلام', recipient: c.id }) // W2: the first text creates the room (creator a, target c)
    await s.next()
    s.close()
    const id = (await api(b.server, `/cht/api/private-chat/${room}/`, { token: a.token })).json.private_group.id
    const item = { id, name: room, slug: room, created_by: 'پروین اعتصامی', target_user: 'Omar Khayyam', members_count: 2 }
    expect((await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: a.token })).json).toEqual([{ ...item, user_name: 'Omar Khayyam' }])
    expect((await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: c.token })).json).toEqual([{ ...item, user_name: 'پروین اعتصامی' }])
  })
  it('R3 ?type=PrivateGroup: target_user is null for a room whose target is gone; R9 still answers the creator', async () => {
    const a = await member(b.server, { firstNameFa: 'مانده', lastNameFa: 'هنوز' })
    const gone = await member(b.server, { firstNameFa: 'رفته', lastNameFa: 'دیگر' })
    const room = (await api(b.server, `/cht/api/privatechat/${gone.id}/`, { token: a.token })).json.private_chat_id as string
    const s = await connect(b.server, `/cht/ws/private_chat/${room}/`, { token: a.token })
    s.send({ message: 'هستی؟', recipient: gone.id })
    await s.next()
    s.close()
    // The account is deleted on the server: the room's target becomes NULL (production's SET_NULL).
    const { serverContext } = await import('./index')
    const store = serverContext(b.server).store
    store.run('UPDATE groups SET target_user = NULL WHERE target_user = ?', gone.id)
    store.run('DELETE FROM profiles WHERE user_id = ?', gone.id)
    store.run('DELETE FROM users WHERE id = ?', gone.id)
    const list = await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: a.token })
    expect(list.json).toEqual([{ id: expect.stringMatching(UUID_RE), name: room, slug: room, created_by: 'مانده هنوز', target_user: null, members_count: 2, user_name: null }])
    const r9 = await api(b.server, `/cht/api/private-chat/${room}/`, { token: a.token })
    expect(r9.status).toBe(200)
    expect(r9.json.private_group.members).toEqual([{ id: a.id }])
    expect(r9.json.private_group.private_with).toBeNull()
    expect(r9.json.private_group.messages.map((m: any) => m.content)).toEqual(['هستی؟'])
  })
  it('R3 PrivateGroup: user_name is wrong when both parties share a first name (documented bug)', async () => {
    const a = await member(b.server, { firstNameFa: 'محمد', lastNameFa: 'اول' })
    const c = await member(b.server, { firstNameFa: 'محمد', lastNameFa: 'دوم' })
    const name = (await api(b.server, `/cht/api/privatechat/${c.id}/`, { token: a.token })).json.private_chat_id as string
    const { serverContext } = await import('./index')
    serverContext(b.server).store.insertGroup({ name, slug: name, type: 'private', created_by: a.id, is_private_chat: true, target_user: c.id })
    expect((await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: a.token })).json[0].user_name).toBe('محمد دوم')
    expect((await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: c.token })).json[0].user_name).toBe('محمد دوم')
  })
})

describe('R10 media', () => {
  it('R10: /cht/static/profiles/default.png is a PNG; /static/profiles/default.png is a 404; unknown media 404; no traversal', async () => {
    const ok = await fetch(b.server.origin + '/cht/static/profiles/default.png')
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await ok.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG')
    expect((await fetch(b.server.origin + '/static/profiles/default.png')).status).toBe(404)
    expect((await fetch(b.server.origin + '/cht/media/static/files/000000.png')).status).toBe(404)
    expect((await fetch(b.server.origin + '/cht/media/..%2F..%2Fcht.sqlite3')).status).toBe(404)
  })
})

function rawGet(origin: string, path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(origin + path, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('Q5 timestamps', () => {
  it('Q5: microseconds are printed with 6 digits, and left out entirely when they are zero (Python isoformat)', async () => {
    const { tehranTimestamp, utcTimestamp } = await import('./quirks')
    expect(utcTimestamp(1764000000000001)).toBe('2025-11-24T16:00:00.000001Z')
    expect(utcTimestamp(1764000001000000)).toBe('2025-11-24T16:00:01Z')
    expect(tehranTimestamp(1764000000123456)).toBe('2025-11-24T19:30:00.123456+03:30')
    expect(tehranTimestamp(1764000001000000)).toBe('2025-11-24T19:30:01+03:30')
    for (const ts of ['2025-11-24T16:00:01Z', '2025-11-24T19:30:01+03:30']) expect(Date.parse(ts)).toBe(1764000001000)
  })
})
