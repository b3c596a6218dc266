// Examples come straight from PROTOCOL.md (section ids in the test names); properties hammer every parser with
// random and hostile input (Q14: the server is not trusted).
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ChtError } from '../errors'
import type { Message, User } from '../../../shared/model'
import {
  attachmentOf, avatarUrl, directChat, directHistoryFromR9, directoryOf, roomsFromR3, directSocketUrl,
  displayName, errorFromResponse, fileFrame, fileFramePrefix, fileFrameSuffix, fileNameFromUrl, fileUrl,
  frameFromW1, frameFromW2, groupFromR2, groupHistoryFromR5, groupsFromR3, groupSocketUrl, isImageName,
  isLiveGroup, isSocketSegment, memberChangeFromR4, mimeFromName, normalizeId, normalizeUuid, parseTimestamp,
  previewOf, profilesFromR7, restBase, roomFromR8, savedUserFromR1, sessionUserFromR7,
  textFrameW1, textFrameW2, userFromProfile, userFromR5Member, userFromR6, usersFromR5AllUsers, usersFromR6,
} from './wire'

const ORIGIN = 'https://dev3.nargil.co'
const ME = '3f9c0d1e-2a3b-4c5d-8e7f-8091a2b3c4d5'
const ME_PLAIN = '3F9C0D1E2A3B4C5D8E7F8091A2B3C4D5'
const BOB = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'
const CAROL = '0f0e0d0c-0b0a-4908-8706-050403020100'
const PROFILE = '99999999-8888-4777-8666-555555555555'
const HYPHENATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/

function chtCode(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return e instanceof ChtError ? e.code : `not a ChtError: ${String(e)}`
  }
  return undefined
}

// ------------------------------------------------------------------ hostile input generators

const hostileChar = fc.constantFrom(
  '\u202E', '\u202D', '\u2066', '\u2069', '\u200F', '\u061C', '\u0000', '\u0007', '\u001B', '\u0085', '\n', '\t', '\r',
  '\u200C', '\u200D', 'a', 'Z', '0', '-', '_', '.', '/', '%', ':', '?', '#', '@', '\\', ' ', 'ب', '😀', '\uD800',
)
const hostileString = fc.oneof(
  fc.string({ unit: hostileChar, maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x',
    'file:///etc/passwd', '//evil.com/cht/media/x.png', '/cht/media/../api/groups/', '/cht/media/%2e%2e/api/',
    '/cht/media/..%2f..%2fetc', 'http://user:pw@evil.com/cht/media/x.png', 'https://evil.com/cht/media/x.png',
    '/cht/media/https%3A/evil.com/a.png', '/cht/media/javascript%3A/alert(1)', '/cht/media/Null', 'Null', 'null',
    '/static/profiles/default.png', 'http://[::1', 'https://', '/cht/', '/cht/media/', '\u202E/cht/media/x.png',
    ' /cht/media/a.png', '/cht/media/a.png\u0000', 'https://dev3.nargil.co\\@evil.com/cht/media/a',
    '2026-11-24T00:50:51.153970Z', '2026-02-30T00:00:00Z', '9999-99-99T99:99:99Z', '+275760-09-13T00:00:00Z',
  ),
)
const WIRE_KEYS = [
  'id', 'user', 'user_id', 'sender', 'recipient', 'name', 'slug', 'firstname', 'lastname', 'first_name', 'last_name',
  'avatar', 'avatar_url', 'file', 'filename', 'message', 'content', 'timestamp', 'type', 'members', 'messages',
  'all_users', 'groups', 'target_user', 'user_name', 'created_by', 'members_count', 'private_with', 'full_name',
  'is_superuser', 'data', 'private_chat_id', 'userid', 'error', '__proto__', 'constructor', 'toString', 'valueOf',
]
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.constantFrom(null, undefined, true, false, 0, -1, 1.5, NaN, Infinity, -0, 2 ** 60, '', [], {}),
    fc.uuid(),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...WIRE_KEYS), tie('v'), { maxKeys: 8 }),
  ),
})).v
const anything = fc.oneof(
  hostileValue,
  fc.anything({
    withNullPrototype: true, withObjectString: true, withBoxedValues: true, withMap: true, withSet: true,
    withTypedArray: true, withSparseArray: true, withBigInt: true, withDate: true,
    key: fc.oneof(fc.constantFrom(...WIRE_KEYS), fc.string()),
  }),
)
const RUNS = { numRuns: 400 }

// ------------------------------------------------------------------ §1 ids

describe('§1 ids', () => {
  it('normalizeUuid: 32-hex or hyphenated, any case → lowercase hyphenated', () => {
    expect(normalizeUuid(ME_PLAIN)).toBe(ME)
    expect(normalizeUuid(ME.toUpperCase())).toBe(ME)
    expect(normalizeUuid(ME)).toBe(ME)
  })

  it('normalizeUuid: anything else → undefined', () => {
    for (const bad of ['', 'x', ME + '0', ` ${ME}`, ME.replace('-', ''), ME.replaceAll('-', '_'), 'g'.repeat(32), 42, null, {}, [ME]]) {
      expect(normalizeUuid(bad)).toBeUndefined()
    }
  })

  it('normalizeId: uuid normalized, integers and short tokens as strings, else undefined', () => {
    expect(normalizeId(ME_PLAIN)).toBe(ME)
    expect(normalizeId(42)).toBe('42')
    expect(normalizeId('1234')).toBe('1234')
    for (const bad of ['', 1.5, NaN, 2 ** 60, 'has space', 'x'.repeat(200), null, undefined, {}, [], true]) {
      expect(normalizeId(bad)).toBeUndefined()
    }
  })

  it('property: normalizeUuid accepts both forms of any uuid, in any case, and is idempotent', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), fc.boolean(), (u, upper, plain) => {
        let s = plain ? u.replaceAll('-', '') : u
        s = upper ? s.toUpperCase() : s
        const out = normalizeUuid(s)
        expect(out).toBe(u.toLowerCase())
        expect(out).toMatch(HYPHENATED)
        expect(normalizeUuid(out)).toBe(out)
        expect(normalizeId(s)).toBe(out)
      }),
      RUNS,
    )
  })

  it('property: normalizeUuid / normalizeId never throw and only produce safe tokens', () => {
    fc.assert(
      fc.property(anything, (x) => {
        const u = normalizeUuid(x)
        if (u !== undefined) expect(u).toMatch(HYPHENATED)
        const id = normalizeId(x)
        if (id !== undefined) expect(id).toMatch(/^[A-Za-z0-9_.:@+-]{1,128}$/)
      }),
      RUNS,
    )
  })
})

// ------------------------------------------------------------------ §1, §3 endpoints

describe('§1/§3 endpoints', () => {
  it('REST base is <origin>/cht/ (trailing slash, path of the configured origin dropped)', () => {
    expect(restBase(ORIGIN)).toBe('https://dev3.nargil.co/cht/')
    expect(restBase('https://dev3.nargil.co/')).toBe('https://dev3.nargil.co/cht/')
    expect(restBase('http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000/cht/')
    expect(chtCode(() => restBase('ftp://x'))).toBe('invalid-input')
  })

  it('socket URLs: https→wss, http→ws, /cht/ws/chat/<slug>/ and /cht/ws/private_chat/<room>/', () => {
    expect(groupSocketUrl(ORIGIN, 'team_chat')).toBe('wss://dev3.nargil.co/cht/ws/chat/team_chat/')
    expect(groupSocketUrl('http://127.0.0.1:8000', 'abc')).toBe('ws://127.0.0.1:8000/cht/ws/chat/abc/')
    const room = 'privatechat_0123456789abcdef0123456789abcdef'
    expect(directSocketUrl(ORIGIN, room)).toBe(`wss://dev3.nargil.co/cht/ws/private_chat/${room}/`)
  })

  it('§3: segments must match \\w+ — no hyphen, no dot (team-chat has no socket route)', () => {
    expect(isSocketSegment('team_chat')).toBe(true)
    expect(isSocketSegment('Team1')).toBe(true)
    for (const bad of ['team-chat', 'a.b', '', 'a/b', '../x', 'گروه', 'a b', 42]) expect(isSocketSegment(bad)).toBe(false)
    expect(chtCode(() => groupSocketUrl(ORIGIN, 'team-chat'))).toBe('group.not-live')
    expect(chtCode(() => directSocketUrl(ORIGIN, '../x'))).toBe('invalid-input')
  })
})

// ------------------------------------------------------------------ Q2 names

describe('Q2 names', () => {
  it('displayName joins first and last with one space, cleaned', () => {
    expect(displayName('علی', 'رضایی')).toBe('علی رضایی')
    expect(displayName(' Ali ', undefined)).toBe('Ali')
    expect(displayName(null, 'Rezaei')).toBe('Rezaei')
    expect(displayName({}, 7)).toBe('')
    expect(displayName('\u202Eevil', 'x\u0000')).toBe('evil x')
  })

  it('property: never throws, never contains bidi/control characters', () => {
    fc.assert(
      fc.property(anything, anything, (a, b) => {
        expect(UNSAFE_NAME.test(displayName(a, b))).toBe(false)
      }),
      RUNS,
    )
  })
})

// ------------------------------------------------------------------ Q4 avatars

describe('Q4 avatars', () => {
  it('(a) an absolute SSO URL is kept', () => {
    expect(avatarUrl('https://sso.nargil.co/media/avatars/ali.png', ORIGIN)).toBe('https://sso.nargil.co/media/avatars/ali.png')
    expect(avatarUrl('http://sso.local/a.jpg', ORIGIN)).toBe('http://sso.local/a.jpg')
  })

  it('(b) null, (c) "", (d) "Null", "/cht/media/Null" and the socket default path mean "no avatar"', () => {
    for (const none of [null, undefined, '', '  ', 'Null', '/cht/media/Null', '/static/profiles/default.png', '/cht/static/profiles/default.png']) {
      expect(avatarUrl(none, ORIGIN)).toBeUndefined()
    }
  })

  it('(e) the mangled "/cht/media/https%3A/host/path/" form is recovered', () => {
    expect(avatarUrl('/cht/media/https%3A/sso.nargil.co/media/avatars/ali.png', ORIGIN)).toBe('https://sso.nargil.co/media/avatars/ali.png')
    expect(avatarUrl('/cht/media/http%3A/host/path/', ORIGIN)).toBe('http://host/path/')
  })

  it('other /cht/ paths resolve on the origin; javascript:, data:, credentials and garbage → undefined', () => {
    expect(avatarUrl('/cht/media/avatars/x.png', ORIGIN)).toBe('https://dev3.nargil.co/cht/media/avatars/x.png')
    expect(avatarUrl('/cht/media/../../etc/passwd', ORIGIN)).toBeUndefined()
    expect(avatarUrl('/cht/media/', ORIGIN)).toBeUndefined()
    for (const bad of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'ftp://x/y.png', 'http://u:p@h/a.png', '/media/x.png', 'x.png', '//evil.com/a.png', 42, {}]) {
      expect(avatarUrl(bad, ORIGIN)).toBeUndefined()
    }
  })

  it('property: output is undefined or an http(s) URL without credentials; relative input stays on the origin', () => {
    fc.assert(
      fc.property(anything, (x) => {
        const out = avatarUrl(x, ORIGIN)
        if (out === undefined) return
        const u = new URL(out)
        expect(['http:', 'https:']).toContain(u.protocol)
        expect(u.username + u.password).toBe('')
        const isAbsoluteInput = typeof x === 'string' && (/^\s*https?:\/\//i.test(x) || /^\s*\/cht\/media\/https?%3A/i.test(x))
        if (!isAbsoluteInput) expect(u.origin).toBe(ORIGIN)
      }),
      { numRuns: 1000 },
    )
  })
})

// ------------------------------------------------------------------ Q5 timestamps

describe('Q5 timestamps', () => {
  const instant = Date.UTC(2026, 10, 24, 0, 50, 51, 153)

  it('REST: UTC with Z and microseconds (truncated to ms)', () => {
    expect(parseTimestamp('2026-11-24T00:50:51.153970Z')).toBe(instant)
  })

  it('W1: Tehran local time with +03:30 is the same instant', () => {
    expect(parseTimestamp('2026-11-24T04:20:51.153970+03:30')).toBe(instant)
    expect(parseTimestamp('2026-11-24T04:20:51.150988+03:30')).toBe(Date.UTC(2026, 10, 24, 0, 50, 51, 150))
  })

  it('microseconds may be absent; short and long fractions are handled', () => {
    expect(parseTimestamp('2026-11-24T00:50:51Z')).toBe(Date.UTC(2026, 10, 24, 0, 50, 51))
    expect(parseTimestamp('2026-11-24T00:50:51.1Z')).toBe(Date.UTC(2026, 10, 24, 0, 50, 51, 100))
    expect(parseTimestamp('2026-11-24T00:50:51.123456789-01:00')).toBe(Date.UTC(2026, 10, 24, 1, 50, 51, 123))
    expect(parseTimestamp('2024-02-29T12:00:00Z')).toBe(Date.UTC(2024, 1, 29, 12))
  })

  it('rejects garbage and the lenient forms Date.parse would accept', () => {
    for (const bad of [
      '2026-11-24', '2026-11-24T00:50:51', '2026-11-24 00:50:51Z', 'Tue, 24 Nov 2026 00:50:51 GMT', '2026-11-24T00:50Z',
      '2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-24T24:00:00Z',
      '2026-11-24T00:60:00Z', '2026-11-24T00:00:60Z', '2026-11-24T00:00:00+3:30', '2026-11-24T00:00:00+0330',
      '2026-11-24T00:00:00+03:60', '+275760-09-13T00:00:00Z', '١٤٠٥-٠٩-٠٣T00:00:00Z', ' 2026-11-24T00:50:51Z', '',
      1_700_000_000_000, null, {}, [],
    ]) {
      expect(parseTimestamp(bad)).toBeUndefined()
    }
  })

  function iso(ms: number, micros: number, offsetMin: number): string {
    const d = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19)
    const frac = String(((ms % 1000) + 1000) % 1000 * 1000 + micros).padStart(6, '0')
    if (offsetMin === 0) return `${d}.${frac}Z`
    const a = Math.abs(offsetMin)
    return `${d}.${frac}${offsetMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
  }

  it('property: Z and +03:30 (and any ±hh:mm) renderings of one instant agree, to the millisecond', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2200, 0, 1) }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (ms, micros, offset) => {
          expect(parseTimestamp(iso(ms, micros, 0))).toBe(ms)
          expect(parseTimestamp(iso(ms, micros, 210))).toBe(ms)
          expect(parseTimestamp(iso(ms, micros, offset))).toBe(ms)
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('property: never throws; any result is a finite number', () => {
    fc.assert(
      fc.property(anything, (x) => {
        const t = parseTimestamp(x)
        if (t !== undefined) expect(Number.isFinite(t)).toBe(true)
      }),
      RUNS,
    )
  })
})

// ------------------------------------------------------------------ Q5b files

describe('Q5b file URLs', () => {
  it('relative /cht/media/… (R5, W1, W2) resolves on the configured origin', () => {
    expect(fileUrl('/cht/media/static/files/769341.png', ORIGIN)).toBe('https://dev3.nargil.co/cht/media/static/files/769341.png')
    expect(fileUrl('/cht/media/static/files/769341.png', 'http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000/cht/media/static/files/769341.png')
  })

  it('absolute (R9, http:// behind TLS, any host) is rewritten to the origin scheme and host, keeping the path', () => {
    expect(fileUrl('http://dev3.nargil.co/cht/media/static/files/769341.png', ORIGIN)).toBe('https://dev3.nargil.co/cht/media/static/files/769341.png')
    expect(fileUrl('http://10.0.0.5:8000/cht/media/static/files/a%20b.pdf?x=1#y', ORIGIN)).toBe('https://dev3.nargil.co/cht/media/static/files/a%20b.pdf')
  })

  it('anything outside /cht/media/ is refused', () => {
    for (const bad of [
      '/cht/api/groups/', 'https://evil.com/other/x.png', '/cht/media/../api/groups/', '/cht/media/%2e%2e/api/groups/',
      'javascript:alert(1)', 'data:text/plain,hi', '//evil.com/cht/media/x', 'cht/media/x.png', '', null, 7, {},
      'http://u:p@host/cht/media/x.png', '/cht/media/', '/cht/media/a/..', 'http://h/cht/media/dir/',
    ]) {
      expect(fileUrl(bad, ORIGIN)).toBeUndefined()
    }
  })

  it('property: output is undefined or on the configured origin under /cht/media/', () => {
    const origins = fc.constantFrom(ORIGIN, 'http://127.0.0.1:8000', 'https://chat.example.org:8443')
    const paths = fc.oneof(
      anything,
      fc.tuple(fc.constantFrom('/cht/media/', 'http://h/cht/media/', 'https://x.y:1/cht/media/'), hostileString).map(([a, b]) => a + b),
    )
    fc.assert(
      fc.property(paths, origins, (x, origin) => {
        const out = fileUrl(x, origin)
        if (out === undefined) return
        const u = new URL(out)
        expect(u.origin).toBe(origin)
        expect(u.pathname.startsWith('/cht/media/')).toBe(true)
        expect(out.startsWith(origin + '/cht/media/')).toBe(true)
        expect(out.endsWith('/')).toBe(false)
      }),
      { numRuns: 1000 },
    )
  })

  it('names, MIME types and inline images (png jpeg gif webp — never svg)', () => {
    expect(fileNameFromUrl('https://h/cht/media/static/files/769341.png')).toBe('769341.png')
    expect(fileNameFromUrl('https://h/cht/media/static/files/%D8%B3%D9%86%D8%AF.pdf?x#y')).toBe('سند.pdf')
    expect(fileNameFromUrl('https://h/cht/media/x/%E0%A4%A')).toBe('%E0%A4%A')
    expect(fileNameFromUrl('https://h/cht/media/x/a%2F..%2Fb')).toBe('a_.._b')
    expect(fileNameFromUrl('https://h/cht/media/x/')).toBe('file')
    expect(mimeFromName('a.PNG')).toBe('image/png')
    expect(mimeFromName('a.jpg')).toBe('image/jpeg')
    expect(mimeFromName('a.docx')).toContain('wordprocessingml')
    expect(mimeFromName('a.unknown')).toBeUndefined()
    expect(mimeFromName('constructor')).toBeUndefined()
    expect(mimeFromName('x.constructor')).toBeUndefined()
    for (const n of ['a.png', 'a.JPG', 'a.jpeg', 'a.gif', 'a.webp']) expect(isImageName(n)).toBe(true)
    for (const n of ['a.svg', 'a.pdf', 'png', 'a.png.exe', '']) expect(isImageName(n)).toBe(false)
    expect(attachmentOf('https://h/cht/media/static/files/1.png')).toEqual({ url: 'https://h/cht/media/static/files/1.png', name: '1.png', mime: 'image/png', isImage: true })
    expect(attachmentOf('https://h/cht/media/static/files/1.pdf', 'گزارش.pdf').name).toBe('گزارش.pdf')
  })

  it('property: fileNameFromUrl never throws and yields a clean non-empty name', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const n = fileNameFromUrl('https://h/cht/media/' + s)
        expect(n.length).toBeGreaterThan(0)
        expect(n).not.toMatch(/[\\/]/)
        expect(UNSAFE_NAME.test(n)).toBe(false)
      }),
      RUNS,
    )
  })
})

// ------------------------------------------------------------------ Q7 slugs

describe('Q7 live groups', () => {
  it('live only when name == slug and the slug is [a-z0-9_]+', () => {
    expect(isLiveGroup('team_chat', 'team_chat')).toBe(true)
    expect(isLiveGroup('گروه تست', 'grvhtst')).toBe(false) // R2's derived slug
    expect(isLiveGroup('Team', 'Team')).toBe(false)
    expect(isLiveGroup('team-chat', 'team-chat')).toBe(false)
    expect(isLiveGroup('a.b', 'a.b')).toBe(false)
    expect(isLiveGroup(undefined, undefined)).toBe(false)
  })
})

// ------------------------------------------------------------------ users

describe('users (R1, R4, R5, R6, R7)', () => {
  it('R1: created vs updated; anything else is a bad response', () => {
    expect(savedUserFromR1({ message: 'User data created successfully.' })).toBe('created')
    expect(savedUserFromR1({ message: 'User data updated successfully.' })).toBe('updated')
    expect(chtCode(() => savedUserFromR1('<html>'))).toBe('bad-response')
    expect(chtCode(() => savedUserFromR1({}))).toBe('bad-response')
  })

  it('R6: user id (not profile id — Q3), name, Q4 avatar, superuser, group slugs; bad items skipped', () => {
    const body = {
      all_users: [
        { profile_id: PROFILE, id: ME_PLAIN, firstname: 'علی', lastname: 'رضایی', avatar: '/cht/media/https%3A/sso.x/a.png', is_superuser: true, groups: [{ id: CAROL, name: 'team', slug: 'team', type: 'public' }, { slug: 'bad slug' }, 5] },
        { profile_id: PROFILE, id: BOB, firstname: 'Bob', lastname: null, avatar: 'Null', is_superuser: 'yes', groups: [] },
        { id: 'not-a-uuid', firstname: 'x' },
        null,
        { profile_id: PROFILE, id: BOB, firstname: 'Duplicate' },
      ],
    }
    expect(usersFromR6(body, ORIGIN)).toEqual([
      { id: ME, name: 'علی رضایی', avatarUrl: 'https://sso.x/a.png', isSuperuser: true, groups: ['team'] },
      { id: BOB, name: 'Bob', isSuperuser: false, groups: [] },
    ])
    expect(chtCode(() => usersFromR6({ all_users: 'x' }, ORIGIN))).toBe('bad-response')
    expect(chtCode(() => usersFromR6([], ORIGIN))).toBe('bad-response')
  })

  it('R5 members and all_users', () => {
    expect(userFromR5Member({ id: BOB, firstname: 'Bob', lastname: 'B', is_superuser: false, avatar: null }, ORIGIN)).toEqual({ id: BOB, name: 'Bob B', isSuperuser: false })
    expect(usersFromR5AllUsers([{ id: BOB, firstname: 'Bob', lastname: 'B', avatar: '' }, { id: 1 }], ORIGIN)).toEqual([{ id: BOB, name: 'Bob B', isSuperuser: false }])
    expect(usersFromR5AllUsers('nope', ORIGIN)).toEqual([])
  })

  it('R7: the profile\'s `user` is the user id (Q3); data object or array (Q10)', () => {
    const profile = { id: PROFILE, user: ME_PLAIN, first_name: 'علی', last_name: 'رضایی', avatar: '/cht/media/Null', is_superuser: false }
    const other = { id: CAROL, user: BOB, first_name: 'Bob', last_name: 'B', avatar: null, is_superuser: true }
    const me: User = { id: ME, name: 'علی رضایی', isSuperuser: false }
    expect(sessionUserFromR7({ message: 'User Profile Found', data: profile }, ORIGIN)).toEqual(me)
    expect(userFromProfile(profile, ORIGIN)?.id).not.toBe(PROFILE)
    const all = { message: 'All User Profiles Retrieved', data: [other, profile, { id: 1 }] }
    expect(profilesFromR7(all, ORIGIN)).toEqual([{ id: BOB, name: 'Bob B', isSuperuser: true }, me])
    expect(profilesFromR7({ message: 'x', data: profile }, ORIGIN)).toEqual([me])
    expect(sessionUserFromR7(all, ORIGIN, ME)).toEqual(me)
    expect(chtCode(() => sessionUserFromR7(all, ORIGIN))).toBe('bad-response')
    expect(chtCode(() => sessionUserFromR7({ data: {} }, ORIGIN))).toBe('bad-response')
    expect(chtCode(() => sessionUserFromR7('<html>', ORIGIN))).toBe('bad-response')
  })

  it('R4: add returns the user, remove only the message', () => {
    const add = { message: 'کاربر با نام BobB به گروه team اضافه شد.', user: { id: BOB, nationalcode: '1', first_name_fa: 'Bob', last_name_fa: 'B', usr_avatar: null } }
    expect(memberChangeFromR4(add, ORIGIN)).toEqual({ message: add.message, user: { id: BOB, name: 'Bob B', isSuperuser: false } })
    expect(memberChangeFromR4({ message: 'کاربر  BobB از گروه team حذف شد.' }, ORIGIN)).toEqual({ message: 'کاربر BobB از گروه team حذف شد.' })
    expect(chtCode(() => memberChangeFromR4({ error: 'x' }, ORIGIN))).toBe('bad-response')
  })

  it('property: per-item user readers never throw on hostile input; names are clean', () => {
    fc.assert(
      fc.property(anything, (x) => {
        for (const u of [userFromR6(x, ORIGIN), userFromR5Member(x, ORIGIN), userFromProfile(x, ORIGIN)]) {
          if (!u) continue
          expect(u.id).toMatch(HYPHENATED)
          expect(UNSAFE_NAME.test(u.name)).toBe(false)
        }
        expect(Array.isArray(usersFromR5AllUsers(x, ORIGIN))).toBe(true)
        expect(usersFromR6({ all_users: [x, x] }, ORIGIN).length).toBeLessThanOrEqual(1)
      }),
      RUNS,
    )
  })
})

// ------------------------------------------------------------------ chats

describe('chats (R2, R3, R8)', () => {
  it('R2: the new group (created_by "<first><last>", no space)', () => {
    const body = { id: CAROL, name: 'team_chat', slug: 'team_chat', created_by: 'علیرضایی', type: 'public', members_count: 1 }
    expect(groupFromR2(body)).toEqual({ id: 'group:team_chat', kind: 'group', title: 'team_chat', slug: 'team_chat', live: true, unread: 0, createdBy: 'علیرضایی', membersCount: 1 })
    expect(groupFromR2({ ...body, name: 'گروه تست', slug: 'grvhtst' }).live).toBe(false)
    expect(chtCode(() => groupFromR2({ name: 'x' }))).toBe('bad-response')
  })

  it('R3: groups have no `type` (Q10); live per Q7; slug kept exactly; unusable slugs skipped', () => {
    const body = [
      { id: CAROL, name: 'team_chat', slug: 'team_chat', created_by: 'علی رضایی', members_count: 3 },
      { id: BOB, name: 'گروه تست', slug: 'grvhtst', created_by: 'Bob B', members_count: 2 },
      { id: ME, name: 'Mixed', slug: 'Mixed-Case.v2', created_by: 'x', members_count: -1 },
      { id: ME, name: 'spaces', slug: 'has space' },
      { id: ME, name: 'dup', slug: 'team_chat' },
      'garbage',
    ]
    const chats = groupsFromR3(body, ORIGIN)
    expect(chats.map((c) => [c.id, c.title, c.live])).toEqual([
      ['group:team_chat', 'team_chat', true],
      ['group:grvhtst', 'گروه تست', false],
      ['group:Mixed-Case.v2', 'Mixed', false],
    ])
    expect(chats[0]).toMatchObject({ createdBy: 'علی رضایی', membersCount: 3, unread: 0 })
    expect(chats[2].membersCount).toBeUndefined()
    expect(chtCode(() => groupsFromR3({ error: 'x' }))).toBe('bad-response')
  })

  it('R3 ?type=PrivateGroup: rooms by slug only — the people in them are display names, never ids (R3, Q6)', () => {
    const room1 = 'privatechat_' + '1'.repeat(32)
    const room2 = 'privatechat_' + '2'.repeat(32)
    const body = [
      { id: CAROL, name: room1, slug: room1, created_by: 'علی رضایی', target_user: 'Bob B', members_count: 2, user_name: 'Bob B' },
      { id: CAROL, name: room2, slug: room2, created_by: 'Carol C', target_user: null, members_count: 2, user_name: null },
      { id: CAROL, name: room1, slug: room1, created_by: 'x', target_user: 'y' },
      { id: CAROL, name: 'bad-room', slug: 'bad-room', target_user: BOB },
      7,
    ]
    expect(roomsFromR3(body)).toEqual([{ room: room1, title: 'Bob B' }, { room: room2, title: room2 }])
    expect(chtCode(() => roomsFromR3({}))).toBe('bad-response')
  })

  it('directChat builds the stable direct:<peer> chat', () => {
    expect(directChat('privatechat_ab', { id: BOB, name: 'Bob B', isSuperuser: false })).toEqual({ id: `direct:${BOB}`, kind: 'direct', title: 'Bob B', peerId: BOB, room: 'privatechat_ab', live: true, unread: 0 })
    expect(directChat(undefined, { id: BOB, name: '', isSuperuser: false }, 'fallback').title).toBe('fallback')
  })

  it('R8: 200 = room existed, 201 = computed name only (Q6); target_user is the peer', () => {
    const room = 'privatechat_' + 'ab'.repeat(16)
    const body = { private_chat_id: room, message: 'گروه قبلاً وجود داشته است.', first_name: 'Bob', last_name: 'B', target_user: { userid: BOB, first_name: 'Bob', last_name: 'B' } }
    expect(roomFromR8(body, 200)).toEqual({ room, existed: true, peer: { id: BOB, name: 'Bob B', isSuperuser: false } })
    expect(roomFromR8({ ...body, message: 'گروه جدید با موفقیت ایجاد شد.' }, 201).existed).toBe(false)
    expect(chtCode(() => roomFromR8({ ...body, private_chat_id: 'a-b' }, 200))).toBe('bad-response')
    expect(chtCode(() => roomFromR8({ error: 'x' }, 200))).toBe('bad-response')
  })

  it('property: list readers never throw on arrays of hostile items; top-level junk → bad-response only', () => {
    fc.assert(
      fc.property(fc.array(anything, { maxLength: 6 }), anything, (items, top) => {
        for (const r of roomsFromR3(items)) expect(r.room).toMatch(/^\w+$/)
        for (const c of groupsFromR3(items)) {
          expect(c.id).toMatch(/^(group|direct):[^\s]+$/)
          expect(c.id.length).toBeLessThanOrEqual(200)
          expect(UNSAFE_NAME.test(c.title)).toBe(false)
        }
        for (const f of [
          () => groupsFromR3(top), () => roomsFromR3(top), () => groupFromR2(top), () => roomFromR8(top, 200),
          () => usersFromR6(top, ORIGIN), () => sessionUserFromR7(top, ORIGIN), () => profilesFromR7(top, ORIGIN),
          () => savedUserFromR1(top), () => memberChangeFromR4(top, ORIGIN),
        ]) {
          const code = chtCode(f)
          if (code !== undefined) expect(code).toBe('bad-response')
        }
      }),
      RUNS,
    )
  })
})

// ------------------------------------------------------------------ histories

function r5Body(messages: unknown[]): unknown {
  return {
    group: {
      id: CAROL, name: 'team_chat', slug: 'team_chat', type: 'public',
      members: [
        { id: ME_PLAIN, firstname: 'علی', lastname: 'رضایی', is_superuser: false, avatar: '/cht/media/https%3A/sso.x/ali.png' },
        { id: BOB, firstname: 'Bob', lastname: 'Builder', is_superuser: true, avatar: null },
      ],
    },
    messages,
    all_users: [
      { id: ME, firstname: 'علی', lastname: 'رضایی', avatar: null },
      { id: BOB, firstname: 'Bob', lastname: 'Builder', avatar: null },
      { id: CAROL, firstname: 'Carol', lastname: 'C', avatar: 'https://sso.x/carol.png' },
    ],
    user_profile: { id: PROFILE, user: ME, first_name: 'علی', last_name: 'رضایی', avatar: '/cht/media/Null', is_superuser: false },
  }
}

describe('R5 group history', () => {
  it('maps the group, its members, the directory and every message', () => {
    const h = groupHistoryFromR5(r5Body([
      { id: 1, content: 'سلام\nخوبی؟', timestamp: '2026-11-24T00:50:51.153970Z', user_id: BOB, user_name: 'Bob', avatar: null, group: CAROL, file: null },
      { id: 2, content: '', timestamp: '2026-11-24T00:51:00Z', user_id: ME_PLAIN, user_name: 'علی رضایی', avatar: '/cht/media/https%3A/sso.x/ali.png', group: CAROL, file: '/cht/media/static/files/769341.png' },
      { id: 3, content: 'hi \u202Eevil\u0000', timestamp: '2026-11-24T00:52:00Z', user_id: 'ffffffff-ffff-4fff-8fff-ffffffffffff', user_name: 'Ghost\u202E', avatar: 'Null', file: null },
    ]), { origin: ORIGIN, meId: ME })
    expect(h.chat).toEqual({ id: 'group:team_chat', kind: 'group', title: 'team_chat', slug: 'team_chat', live: true })
    expect(h.members.map((u) => u.id)).toEqual([ME, BOB])
    expect(h.members[0].avatarUrl).toBe('https://sso.x/ali.png')
    expect(h.directory).toHaveLength(3)
    expect(h.me).toEqual({ id: ME, name: 'علی رضایی', isSuperuser: false })
    const [m1, m2, m3] = h.messages
    expect(m1).toEqual({
      key: 'g:1', serverId: '1', chatId: 'group:team_chat', senderId: BOB, senderName: 'Bob Builder', // Q2: by id
      text: 'سلام\nخوبی؟', at: Date.UTC(2026, 10, 24, 0, 50, 51, 153), own: false, status: 'sent',
    } satisfies Message)
    expect(m2).toMatchObject({ senderId: ME, own: true, text: '', senderAvatarUrl: 'https://sso.x/ali.png' })
    expect(m2.file).toEqual({ url: 'https://dev3.nargil.co/cht/media/static/files/769341.png', name: '769341.png', mime: 'image/png', isImage: true })
    expect(m3).toMatchObject({ senderName: 'Ghost', text: 'hi evil', own: false })
    expect(m3.senderAvatarUrl).toBeUndefined()
  })

  it('skips unusable items, keeps server order, re-sorts stably only when out of order', () => {
    const t = (s: number) => `2026-11-24T00:00:${String(s).padStart(2, '0')}Z`
    const h = groupHistoryFromR5(r5Body([
      { id: 10, content: 'a', timestamp: t(5), user_id: BOB },
      null, 'x', { content: 'no id', timestamp: t(6) },
      { id: 11, content: 'b', timestamp: 'garbage', user_id: BOB }, // inherits the previous time
      { id: 12, content: 'c', timestamp: t(1), user_id: BOB },
      { id: 13, content: 'd', timestamp: t(1), user_id: BOB },
    ]), { origin: ORIGIN, meId: ME })
    expect(h.messages.map((m) => m.text)).toEqual(['c', 'd', 'a', 'b'])
    expect(h.messages[3].at).toBe(Date.parse(t(5)))
  })

  it('the caller\'s directory resolves names R5 does not know (Q2)', () => {
    const dan = '12345678-1234-4234-8234-123456789012'
    const h = groupHistoryFromR5(r5Body([{ id: 1, content: 'x', timestamp: '2026-11-24T00:00:00Z', user_id: dan, user_name: 'D' }]), {
      origin: ORIGIN, meId: ME, directory: directoryOf([{ id: dan, name: 'Dan Directory', isSuperuser: false }]),
    })
    expect(h.messages[0].senderName).toBe('Dan Directory')
  })

  it('an unusable body is a bad response', () => {
    for (const body of [null, '<html>', {}, { group: {}, messages: [] }, { group: { slug: 'x' }, messages: {} }]) {
      expect(chtCode(() => groupHistoryFromR5(body, { origin: ORIGIN, meId: ME }))).toBe('bad-response')
    }
  })

  it('maps 100 000 messages fast', () => {
    const n = 100_000
    const msgs = new Array(n)
    const base = Date.UTC(2026, 0, 1)
    for (let i = 0; i < n; i++) {
      const us = (base + i * 1000) * 1000 + 153
      const d = new Date(us / 1000)
      msgs[i] = {
        id: i + 1, content: `پیام شماره ${i} with some text`, timestamp: `${d.toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}Z`,
        user_id: i % 3 === 0 ? ME : i % 3 === 1 ? BOB : CAROL, user_name: 'x', avatar: i % 2 ? null : '/cht/media/https%3A/sso.x/a.png',
        group: CAROL, file: i % 50 === 0 ? `/cht/media/static/files/${100000 + i}.png` : null,
      }
    }
    const body = r5Body(msgs)
    const t0 = performance.now()
    const h = groupHistoryFromR5(body, { origin: ORIGIN, meId: ME })
    const ms = performance.now() - t0
    expect(h.messages).toHaveLength(n)
    expect(h.messages[n - 1].key).toBe(`g:${n}`)
    expect(h.messages[1].senderName).toBe('Bob Builder')
    expect(h.messages[0].file?.isImage).toBe(true)
    expect(ms).toBeLessThan(3000) // generous: typically ~100 ms
  })

  it('property: hostile message items never throw and always yield well-formed messages', () => {
    fc.assert(
      fc.property(fc.array(anything, { maxLength: 8 }), (items) => {
        const h = groupHistoryFromR5(r5Body(items), { origin: ORIGIN, meId: ME })
        for (const m of h.messages) {
          expect(m.key).toBe('g:' + m.serverId)
          expect(Number.isFinite(m.at)).toBe(true)
          expect(UNSAFE_NAME.test(m.senderName)).toBe(false)
          expect(/[\u0000\u202D\u202E]/.test(m.text)).toBe(false) // eslint-disable-line no-control-regex
          if (m.file) expect(m.file.url.startsWith(ORIGIN + '/cht/media/')).toBe(true)
        }
      }),
      RUNS,
    )
  })
})

describe('R9 one-to-one history', () => {
  const room = 'privatechat_' + 'c'.repeat(32)
  const body = {
    private_group: {
      id: CAROL, name: room, slug: room, members: [{ id: ME_PLAIN }, { id: BOB }],
      messages: [
        { id: 7, content: 'hello', timestamp: '2026-11-24T00:50:51.153970Z', sender: ME, sender_full_name: 'علی رضایی', sender_avatar: null, recipient: BOB, recipient_full_name: 'Bob Builder', recipient_avatar: null, file: null, pvgroup: CAROL },
        { id: 8, content: '', timestamp: '2026-11-24T00:51:51Z', sender: BOB, sender_full_name: 'Bob Builder', sender_avatar: 'https://sso.x/bob.png', recipient: BOB, recipient_full_name: 'Bob Builder', recipient_avatar: null, file: 'http://10.1.2.3/cht/media/static/files/123456.pdf', pvgroup: CAROL },
      ],
      private_with: { id: BOB, full_name: 'Bob Builder', avatar: '/cht/media/https%3A/sso.x/bob.png' },
    },
  }

  it('maps room, members, peer (private_with) and messages; absolute http file URLs move to the origin (Q5b)', () => {
    const h = directHistoryFromR9(body, { origin: ORIGIN, meId: ME })
    expect(h.room).toBe(room)
    expect(h.peer).toEqual({ id: BOB, name: 'Bob Builder', avatarUrl: 'https://sso.x/bob.png', isSuperuser: false })
    expect(h.members.map((u) => [u.id, u.name])).toEqual([[ME, 'علی رضایی'], [BOB, 'Bob Builder']])
    const [m1, m2] = h.messages
    expect(m1).toMatchObject({ key: 'p:7', chatId: `direct:${BOB}`, senderId: ME, senderName: 'علی رضایی', own: true, text: 'hello' })
    expect(m2).toMatchObject({ senderId: BOB, own: false, senderAvatarUrl: 'https://sso.x/bob.png' })
    expect(m2.file).toEqual({ url: 'https://dev3.nargil.co/cht/media/static/files/123456.pdf', name: '123456.pdf', mime: 'application/pdf', isImage: false })
  })

  it('the known peerId keys the chat; without private_with the other member is the peer', () => {
    const noPw = { private_group: { ...body.private_group, private_with: undefined } }
    const h = directHistoryFromR9(noPw, { origin: ORIGIN, meId: ME })
    expect(h.peer).toEqual({ id: BOB, name: 'Bob Builder', isSuperuser: false })
    expect(directHistoryFromR9(body, { origin: ORIGIN, meId: ME, peerId: BOB.toUpperCase() }).messages[0].chatId).toBe(`direct:${BOB}`)
  })

  it('an unusable body is a bad response; hostile items never throw', () => {
    for (const bad of [null, { private_group: null }, { private_group: { slug: room } }, { messages: [] }]) {
      expect(chtCode(() => directHistoryFromR9(bad, { origin: ORIGIN, meId: ME }))).toBe('bad-response')
    }
    fc.assert(
      fc.property(fc.array(anything, { maxLength: 8 }), anything, (items, pw) => {
        const h = directHistoryFromR9({ private_group: { ...body.private_group, messages: items, private_with: pw } }, { origin: ORIGIN, meId: ME })
        expect(h.peer.id).toMatch(HYPHENATED)
        for (const m of h.messages) {
          expect(Number.isFinite(m.at)).toBe(true)
          if (m.file) expect(m.file.url.startsWith(ORIGIN + '/cht/media/')).toBe(true)
        }
      }),
      RUNS,
    )
  })
})

describe('previewOf', () => {
  it('one line of text, or the file name for files', () => {
    const m: Message = { key: 'k', chatId: 'group:x', senderName: 'Bob', text: 'a\n  b', at: 5, own: false, status: 'sent' }
    expect(previewOf(m)).toEqual({ senderName: 'Bob', text: 'a b', isFile: false, at: 5 })
    expect(previewOf({ ...m, text: '', file: attachmentOf('https://h/cht/media/x/1.png') })).toEqual({ senderName: 'Bob', text: '1.png', isFile: true, at: 5 })
    // Issue 12: the list reads "You: …" for own messages.
    expect(previewOf({ ...m, own: true })).toEqual({ senderName: 'Bob', own: true, text: 'a b', isFile: false, at: 5 })
    expect(previewOf({ ...m, text: 'x'.repeat(1000) }).text).toHaveLength(200)
  })
})

// ------------------------------------------------------------------ live frames

describe('W1 frames', () => {
  it('text: name, sender avatar, Tehran time (Q5)', () => {
    const f = frameFromW1({ message: 'سلام', user_name: 'علی رضایی', avatar_url: '/static/profiles/default.png', timestamp: '2026-11-24T04:20:51.150988+03:30', file: '', filename: '' }, ORIGIN)
    expect(f).toEqual({ kind: 'text', text: 'سلام', claimedSender: 'علی رضایی', at: Date.UTC(2026, 10, 24, 0, 50, 51, 150) })
    expect(frameFromW1({ message: '', user_name: 'x', file: '' }, ORIGIN)).toMatchObject({ kind: 'text', text: '' })
  })

  it('file: `file` non-empty; user_name is the RECEIVER\'s own (Q8) — kept only as claimedSender', () => {
    const f = frameFromW1({ message: '', file: '/cht/media/static/files/769341.png', filename: 'static/files/769341.png', user_name: 'Receiver Self', avatar_url: 'https://sso.x/sender.png', timestamp: '2026-11-24T04:20:51.150988+03:30' }, ORIGIN)
    expect(f).toEqual({ kind: 'file', text: '', fileUrl: 'https://dev3.nargil.co/cht/media/static/files/769341.png', claimedSender: 'Receiver Self', avatarUrl: 'https://sso.x/sender.png', at: Date.UTC(2026, 10, 24, 0, 50, 51, 150) })
  })

  it('frames without message or file → undefined', () => {
    for (const bad of [{}, { type: 'x' }, null, 'text', [], { message: 5 }]) expect(frameFromW1(bad, ORIGIN)).toBeUndefined()
  })
})

describe('W2 frames', () => {
  it('text: sender "firstlast" (Q2), avatar is the receiver\'s (Q8) → dropped, no time', () => {
    expect(frameFromW2({ message: 'hi', sender: 'BobBuilder', avatar_url: 'https://sso.x/me.png', recipient: 'علی رضایی' }, ORIGIN))
      .toEqual({ kind: 'text', text: 'hi', claimedSender: 'BobBuilder', claimedRecipient: 'علی رضایی' })
  })

  it('file: type chat_file or a non-empty file', () => {
    const f = frameFromW2({ type: 'chat_file', file: '/cht/media/static/files/1.png', filename: 'static/files/1.png', recipientuser: 'علیرضایی', sender: 'Receiver', avatar_url: '/static/profiles/default.png' }, ORIGIN)
    expect(f).toEqual({ kind: 'file', text: '', fileUrl: 'https://dev3.nargil.co/cht/media/static/files/1.png', claimedSender: 'Receiver', claimedRecipient: 'علیرضایی' })
    expect(frameFromW2({ file: '/cht/media/a.pdf', sender: 'x' }, ORIGIN)?.kind).toBe('file')
    expect(frameFromW2({ type: 'chat_file', file: 'javascript:alert(1)' }, ORIGIN)).toEqual({ kind: 'file', text: '', claimedSender: '' })
    expect(frameFromW2({ type: 'other' }, ORIGIN)).toBeUndefined()
  })

  it('property: frames never throw; names clean; W2 never carries avatar or time; URLs on the origin', () => {
    fc.assert(
      fc.property(anything, (x) => {
        const f1 = frameFromW1(x, ORIGIN)
        const f2 = frameFromW2(x, ORIGIN)
        for (const f of [f1, f2]) {
          if (!f) continue
          expect(UNSAFE_NAME.test(f.claimedSender)).toBe(false)
          if (f.fileUrl) expect(f.fileUrl.startsWith(ORIGIN + '/cht/media/')).toBe(true)
          if (f.kind === 'file') expect(f.text).toBe('')
        }
        if (f2) {
          expect(f2.avatarUrl).toBeUndefined()
          expect(f2.at).toBeUndefined()
        }
      }),
      { numRuns: 1000 },
    )
  })
})

// ------------------------------------------------------------------ outgoing frames

describe('outgoing frames', () => {
  it('W1 text is only {message} (Q13)', () => {
    expect(textFrameW1('سلام <b>')).toEqual({ message: 'سلام <b>' })
  })

  it('W2 text: recipient always hyphenated (W2); a non-UUID is refused', () => {
    expect(textFrameW2('hi', ME_PLAIN)).toEqual({ message: 'hi', recipient: ME })
    expect(chtCode(() => textFrameW2('hi', 'bob'))).toBe('invalid-input')
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), fc.boolean(), (u, plain, upper) => {
        let r = plain ? u.replaceAll('-', '') : u
        r = upper ? r.toUpperCase() : r
        expect(textFrameW2('x', r).recipient).toMatch(HYPHENATED)
        expect(JSON.parse(fileFramePrefix() + fileFrameSuffix('a.png', r)).recipient).toMatch(HYPHENATED)
      }),
      RUNS,
    )
  })

  it('file frames: prefix + base64 chunks + suffix is one JSON object (§3 fragments)', () => {
    expect(fileFramePrefix()).toBe('{"file":"')
    expect(JSON.parse(fileFrame('AAEC', 'سند "1".pdf'))).toEqual({ file: 'AAEC', filename: 'سند "1".pdf' })
    expect(JSON.parse(fileFrame('AAEC', 'a.png', BOB.replaceAll('-', '')))).toEqual({ file: 'AAEC', filename: 'a.png', recipient: BOB })
  })

  it('property: chunks reassemble to the original base64 and filename for arbitrary names', () => {
    const names = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: fc.constantFrom('"', '\\', '\u2028', '\u0000', '\uD800', '\uDFFF', '}', '/', 'ب', '😀'), maxLength: 20 }),
    )
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }), fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 12 }), names,
        fc.option(fc.uuid(), { nil: undefined }),
        (bytes, cuts, name, recipient) => {
          const b64 = Buffer.from(bytes).toString('base64')
          const parts: string[] = [fileFramePrefix()]
          let at = 0
          for (const c of cuts) {
            if (at >= b64.length) break
            parts.push(b64.slice(at, at + c))
            at += c
          }
          parts.push(b64.slice(at), fileFrameSuffix(name, recipient))
          const parsed = JSON.parse(parts.join(''))
          expect(parsed.file).toBe(b64)
          expect(parsed.filename).toBe(name)
          expect(Buffer.from(parsed.file, 'base64')).toEqual(Buffer.from(bytes))
          if (recipient) expect(parsed.recipient).toBe(recipient.toLowerCase())
          else expect('recipient' in parsed).toBe(false)
        },
      ),
      RUNS,
    )
  })
})

// ------------------------------------------------------------------ errors (1.4, Q11)

describe('errors (1.4, Q11)', () => {
  const envelope = (code: number, error: unknown) =>
    JSON.stringify({ status: { code, message: 'An error occurred.', type: 'fail' }, data: [], error })
  const flat = (error: string) => JSON.stringify({ error })
  const J = 'application/json'

  it('dispatches on the status first', () => {
    expect(errorFromResponse(401, J, envelope(401, 'Invalid token.'))).toMatchObject({ code: 'auth.invalid', detail: 'Invalid token.', status: 401 })
    expect(errorFromResponse(401, J, envelope(401, 'Authentication credentials were not provided.')).code).toBe('auth.invalid')
    expect(errorFromResponse(403, J, flat('You are not a member of this private chat group.'))).toMatchObject({ code: 'forbidden', detail: 'You are not a member of this private chat group.' })
    expect(errorFromResponse(429, J, envelope(429, 'Request was throttled.')).code).toBe('throttled')
    expect(errorFromResponse(404, J, envelope(404, 'Not found.')).code).toBe('not-found')
    expect(errorFromResponse(404, J, flat('پروفایل کاربر یافت نشد.')).code).toBe('not-found')
    expect(errorFromResponse(404, J, flat('کاربر یافت نشد.')).code).toBe('user.not-found')
  })

  it('400 flat texts: name taken, slug taken, UUID problems', () => {
    expect(errorFromResponse(400, J, flat('این نام گروه قبلاً استفاده شده است.')).code).toBe('group.name-taken')
    expect(errorFromResponse(400, J, flat('این نامک قبلاً استفاده شده است.')).code).toBe('group.slug-taken')
    expect(errorFromResponse(400, J, flat('UUID کاربر ارسال نشده است.')).code).toBe('invalid-input')
    expect(errorFromResponse(400, J, flat('UUID معتبر نیست.')).code).toBe('invalid-input')
    expect(errorFromResponse(400, J, envelope(400, { detail: 'JSON parse error' }))).toMatchObject({ code: 'invalid-input', detail: '{"detail":"JSON parse error"}' })
  })

  it('the same Persian text under another status does not change the dispatch', () => {
    expect(errorFromResponse(500, J, flat('این نام گروه قبلاً استفاده شده است.')).code).toBe('server')
    expect(errorFromResponse(403, J, flat('کاربر یافت نشد.')).code).toBe('forbidden')
  })

  it('HTML 500 (Django debug page): code server, detail never HTML', () => {
    const html = '<!DOCTYPE html><html><body><h1>ProgrammingError at /cht/api/</h1><script>x</script></body></html>'
    const e = errorFromResponse(500, 'text/html; charset=utf-8', html)
    expect(e).toMatchObject({ code: 'server', detail: 'HTTP 500' })
    expect(errorFromResponse(502, null, html).detail).toBe('HTTP 502')
    expect(errorFromResponse(404, 'application/json', html).detail).toBe('HTTP 404') // lying content-type
    expect(errorFromResponse(418, 'text/html', html)).toMatchObject({ code: 'server', detail: 'HTTP 418' })
  })

  it('unreadable JSON on a 2xx is a bad response', () => {
    expect(errorFromResponse(200, J, '{"oops"')).toMatchObject({ code: 'bad-response', detail: 'HTTP 200' })
    expect(errorFromResponse(200, 'text/html', '<html>')).toMatchObject({ code: 'bad-response' })
  })

  it('detail is truncated to 300 characters and stripped of bidi/control characters', () => {
    const e = errorFromResponse(400, J, flat('\u202E' + 'x'.repeat(1000)))
    expect(e.detail).toHaveLength(300)
    expect(e.detail).not.toContain('\u202E')
    expect(e).toBeInstanceOf(ChtError)
  })

  it('property: never throws; detail ≤ 300, never HTML-looking unless JSON said so', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.option(fc.constantFrom(J, 'text/html', 'text/plain', ''), { nil: null }), fc.oneof(fc.string(), fc.json(), hostileString), (status, ct, text) => {
        const e = errorFromResponse(status, ct, text)
        expect(e).toBeInstanceOf(ChtError)
        expect(e.status).toBe(status)
        expect((e.detail ?? '').length).toBeLessThanOrEqual(300)
        if (ct === 'text/html' || text.trimStart().startsWith('<')) expect(e.detail).toBe(`HTTP ${status}`)
      }),
      RUNS,
    )
  })
})
