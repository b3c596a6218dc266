/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is asserted structurally in tests */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { seedDemo } from './demo'
import { startServer } from './index'
import { api, boot, connect, makeGroup, manualClock, member } from './testkit'

const THROTTLED = { status: { code: 429, message: 'An error occurred.', type: 'fail' }, data: [], error: 'Request was throttled.' }

describe('§1.5 / Q12 throttle', () => {
  it('Q12: with production numbers (default) the 16th request within 1 s → 429; the IP stays banned for 3600 s', async () => {
    const clock = manualClock()
    const b = await boot({ throttle: undefined, now: clock.now })
    try {
      const { token } = b.server.createUser({ firstNameFa: 'a', lastNameFa: 'b' })
      await api(b.server, '/cht/save-user-data/', { token })
      await api(b.server, '/cht/api/user/profile/', { token })
      const statuses: number[] = [] // R1 + R7 + 13 = 15 allowed within the second
      for (let i = 0; i < 13; i++) statuses.push((await api(b.server, '/cht/api/groups/', { token })).status)
      expect(statuses.every((s) => s === 200)).toBe(true)
      const r16 = await api(b.server, '/cht/api/groups/', { token })
      expect(r16.status).toBe(429)
      expect(r16.json).toEqual(THROTTLED)
      expect(b.server.stats()).toMatchObject({ restRequests: 15, throttled: 1 })
      expect(b.server.stats().maxPerWindow).toBe(16)
      clock.advance(1100)
      expect((await api(b.server, '/cht/api/groups/', { token })).status).toBe(429) // banned for 3600 s
      expect((await api(b.server, '/cht/api/groups/', { token: 'bad' })).status).toBe(429)
      clock.advance(3600_000 - 1100 - 1)
      expect((await api(b.server, '/cht/api/groups/', { token })).status).toBe(429)
      clock.advance(1) // the ban expires exactly 3600 s after the 16th request
      expect((await api(b.server, '/cht/api/groups/', { token })).status).toBe(200)
    } finally { await b.cleanup() }
  })
  it('Q12: unban() lifts a ban at once', async () => {
    const b = await boot({ throttle: { limit: 1, windowMs: 1000, banMs: 3600_000 }, now: manualClock().now })
    try {
      const { token } = b.server.createUser({ firstNameFa: 'a', lastNameFa: 'b' })
      expect((await api(b.server, '/cht/save-user-data/', { token })).status).toBe(200)
      expect((await api(b.server, '/cht/api/user/profile/', { token })).status).toBe(429)
      b.server.unban()
      expect((await api(b.server, '/cht/api/user/profile/', { token })).status).toBe(200)
    } finally { await b.cleanup() }
  })
  it('Q12: auth failures, media (R10) and the SSO page are not counted; sockets are not throttled; config is honoured', async () => {
    const clock = manualClock()
    const b = await boot({ throttle: { limit: 3, windowMs: 1000, banMs: 300 }, now: clock.now })
    try {
      const u = await member(b.server) // 2 counted (R1, R7)
      b.server.resetStats()
      clock.advance(1050)
      for (let i = 0; i < 10; i++) {
        expect((await api(b.server, '/cht/api/groups/', { token: 'bad' })).status).toBe(401)
        expect((await fetch(b.server.origin + '/cht/static/profiles/default.png')).status).toBe(200)
        expect((await fetch(b.server.origin + '/sso/login/')).status).toBe(200)
      }
      expect(b.server.stats()).toMatchObject({ restRequests: 0, throttled: 0, maxPerWindow: 0 })
      for (let i = 0; i < 3; i++) expect((await api(b.server, '/cht/api/groups/', { token: u.token })).status).toBe(200)
      expect((await api(b.server, '/cht/api/groups/', { token: u.token })).status).toBe(429)
      expect((await fetch(b.server.origin + '/cht/static/profiles/default.png')).status).toBe(200)
      // sockets still work while banned
      const s = await connect(b.server, '/cht/ws/notifications/x/', { token: u.token })
      expect((await s.next()).online_count).toBe(1)
      s.close()
      clock.advance(299)
      expect((await api(b.server, '/cht/api/groups/', { token: u.token })).status).toBe(429)
      clock.advance(1) // banMs elapsed
      expect((await api(b.server, '/cht/api/groups/', { token: u.token })).status).toBe(200)
    } finally { await b.cleanup() }
  })
  it('Q12: stats() reports the highest per-window count for a paced client', async () => {
    const clock = manualClock()
    const b = await boot({ throttle: false, now: clock.now })
    try {
      const u = await member(b.server)
      b.server.resetStats()
      clock.advance(1000)
      for (let i = 0; i < 12; i++) { await api(b.server, '/cht/api/groups/', { token: u.token }); clock.advance(120) }
      // 120 ms apart: at most 9 requests fall in any 1 s window (0, 120, … 960)
      expect(b.server.stats()).toMatchObject({ restRequests: 12, throttled: 0, maxPerWindow: 9 })
    } finally { await b.cleanup() }
  })
})

describe('§5 storage survives a restart', () => {
  it('§5: users, tokens, groups, messages and files survive close + start on the same dataDir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cht-restart-'))
    try {
      let s = await startServer({ port: 0, dataDir, throttle: false })
      const u = await member(s, { firstNameFa: 'ماندگار', lastNameFa: 'داده' })
      await makeGroup(s, u.token, 'persist')
      const ws = await connect(s, '/cht/ws/chat/persist/', { token: u.token })
      ws.send({ message: 'before restart' })
      await ws.next()
      ws.send({ file: Buffer.from('hello file').toString('base64'), filename: 'a.txt' })
      const f = await ws.next()
      await s.close()
      s = await startServer({ port: 0, dataDir, throttle: false })
      const r5 = await api(s, '/cht/api/groups/persist/chat/', { token: u.token })
      expect(r5.status).toBe(200)
      expect(r5.json.messages.map((m: any) => m.content)).toEqual(['before restart', ''])
      const dl = await fetch(s.origin + f.file)
      expect(await dl.text()).toBe('hello file')
      expect(await connect(s, '/cht/ws/chat/persist/', { token: u.token }).then((x) => { x.close(); return 'open' })).toBe('open')
      await s.close()
    } finally { rmSync(dataDir, { recursive: true, force: true }) }
  })
})

describe('§5 SSO stand-in', () => {
  it('SSO: the login page lists users (escaped); picking one or pasting a token sets the token cookie', async () => {
    const b = await boot()
    try {
      const u = b.server.createUser({ firstNameFa: '<b>بد</b>', lastNameFa: 'کاربر' })
      const page = await fetch(b.server.origin + '/sso/login/')
      expect(page.headers.get('content-type')).toMatch(/^text\/html/)
      const html = await page.text()
      expect(html).toContain('&lt;b&gt;بد&lt;/b&gt;')
      expect(html).not.toContain('<b>بد')
      expect(html).toContain(u.id)
      const pick = await fetch(b.server.origin + '/sso/login/', { method: 'POST', body: new URLSearchParams({ user_id: u.id }), redirect: 'manual' })
      expect(pick.status).toBe(302)
      expect(pick.headers.get('location')).toBe('/sso/done/')
      const cookie = pick.headers.get('set-cookie')!
      expect(cookie).toMatch(/^token=[0-9a-f]{40}; Path=\/; SameSite=Lax/)
      const minted = /^token=([0-9a-f]{40})/.exec(cookie)![1]
      expect(minted).not.toBe(u.token)
      // the minted token is a real SSO session: R1 works with it
      expect((await api(b.server, '/cht/save-user-data/', { token: minted })).status).toBe(200)
      const done = await fetch(b.server.origin + '/sso/done/', { headers: { cookie: `token=${minted}` } })
      expect(await done.text()).toContain('Signed in as')
      const paste = await fetch(b.server.origin + '/sso/login/', { method: 'POST', body: new URLSearchParams({ token: u.token }), redirect: 'manual' })
      expect(paste.headers.get('set-cookie')).toMatch(new RegExp(`^token=${u.token}; Path=/`))
      const badTok = await fetch(b.server.origin + '/sso/login/', { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' })
      expect(badTok.status).toBe(400)
      expect(badTok.headers.get('set-cookie')).toBeNull()
    } finally { await b.cleanup() }
  })
})

describe('§5 demo data and CLI', () => {
  it('demo: idempotent seed with the documented groups, a big history, a one-to-one chat and files', async () => {
    const b = await boot()
    try {
      const users = await seedDemo(b.server)
      expect(await seedDemo(b.server)).toEqual(users)
      expect(users.length).toBeGreaterThanOrEqual(6)
      expect(users.filter((u) => u.is_superuser)).toHaveLength(1)
      for (const u of users) expect(u.token).toMatch(/^[0-9a-f]{40}$/)
      const su = users.find((u) => u.is_superuser)!
      const r6 = await api(b.server, '/cht/api/users-info/', { token: su.token })
      expect(r6.status).toBe(200)
      expect(r6.json.all_users).toHaveLength(users.length)
      const groups = (await api(b.server, '/cht/api/groups/', { token: su.token })).json.map((g: any) => g.slug)
      expect(groups).toEqual(expect.arrayContaining(['general', 'announcements']))
      const ann = await api(b.server, '/cht/api/groups/announcements/chat/', { token: su.token })
      expect(ann.json.messages.length).toBeGreaterThanOrEqual(2500)
      const general = await api(b.server, '/cht/api/groups/general/chat/', { token: su.token })
      const files = general.json.messages.filter((m: any) => m.file)
      expect(files.length).toBeGreaterThanOrEqual(2)
      const png = await fetch(b.server.origin + files.find((m: any) => m.file.endsWith('.png')).file)
      expect(png.headers.get('content-type')).toBe('image/png')
      const hy = await api(b.server, '/cht/api/groups/sales-team/chat/', { token: users[1].token })
      expect(hy.status).toBe(200)
      expect(hy.json.group.name).not.toBe('sales-team')
      const pv = await api(b.server, '/cht/api/groups/?type=PrivateGroup', { token: users[0].token })
      expect(pv.json).toHaveLength(1)
      const r9 = await api(b.server, `/cht/api/private-chat/${pv.json[0].name}/`, { token: users[0].token })
      expect(r9.json.private_group.messages.length).toBeGreaterThan(0)
    } finally { await b.cleanup() }
  })
  it('CLI: --demo --json prints exactly one JSON line; a restart keeps the same tokens', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cht-cli-'))
    const run = () => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--demo', '--json', '--port', '0', '--data', dataDir], {
        cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stderr.on('data', (d) => { err += d })
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('\n')) child.kill('SIGTERM')
      })
      child.on('exit', (code, signal) => (out ? resolve(out) : reject(new Error(`cli exited ${code ?? signal}: ${err}`))))
    })
    try {
      const first = await run()
      expect(first.endsWith('\n')).toBe(true)
      expect(first.trim().split('\n')).toHaveLength(1)
      const parsed = JSON.parse(first)
      expect(parsed.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(parsed.users[0]).toEqual({ name: expect.any(String), id: expect.any(String), token: expect.stringMatching(/^[0-9a-f]{40}$/), is_superuser: expect.any(Boolean) })
      const second = JSON.parse(await run())
      expect(second.users).toEqual(parsed.users)
    } finally { rmSync(dataDir, { recursive: true, force: true }) }
  })
})
