/** Demo data (idempotent): Persian and English users, a superuser, groups with history, a one-to-one chat, files. */
import type { UserRow } from './db'
import { serverContext, type RefServer } from './index'
import { createGroup, ensureProfile, registerFromSso, saveMedia } from './model'
import { gradientPng } from './png'
import { privateRoomName } from './quirks'

export interface DemoUser { name: string; id: string; token: string; is_superuser: boolean }

const META_KEY = 'demo_users'

const PEOPLE = [
  { key: 'ali', firstNameFa: 'علی', lastNameFa: 'رضایی', firstNameEn: 'Ali', lastNameEn: 'Rezaei', avatarUrl: 'https://sso.example.com/media/avatars/ali.png' },
  { key: 'maryam', firstNameFa: 'مریم', lastNameFa: 'احمدی', firstNameEn: 'Maryam', lastNameEn: 'Ahmadi', avatarUrl: 'Null' },
  { key: 'reza', firstNameFa: 'رضا', lastNameFa: 'کریمی', firstNameEn: 'Reza', lastNameEn: 'Karimi', avatarUrl: null },
  { key: 'sara', firstNameFa: 'Sara', lastNameFa: 'Miller', firstNameEn: 'Sara', lastNameEn: 'Miller', avatarUrl: '' },
  { key: 'john', firstNameFa: 'John', lastNameFa: 'Smith', firstNameEn: 'John', lastNameEn: 'Smith', avatarUrl: null },
  { key: 'admin', firstNameFa: 'مدیر', lastNameFa: 'سیستم', firstNameEn: 'System', lastNameEn: 'Admin', avatarUrl: null, isSuperuser: true },
] as const

const GENERAL_LINES = [
  'سلام به همه!', 'Hello everyone 👋', 'صبح بخیر', 'Good morning!', 'جلسه ساعت ۱۰ برگزار می‌شود.',
  'Is the build green?', 'بله، همه تست‌ها پاس شدند.', 'Great, thanks!', 'کسی فایل گزارش را دارد؟',
  'I will upload it in a minute.', 'ممنون 🙏', 'Lunch at 1?', 'من هستم', 'Count me in.',
  'این پیام ترکیبی است: release v2.3 آماده است', 'Mixed text: نسخه جدید is out', 'عالیه!', 'See you tomorrow.',
  'شب بخیر', 'Good night 🌙',
]

const DEV_LINES = [
  'PR #42 is ready for review.', 'بررسی می‌کنم.', 'CI is flaky again 😅', 'I restarted the runner.',
  'لطفاً تغییرات را merge کنید.', 'Merged.', 'Deploy to staging at 16:00.', 'باشه.',
]

const SALES_LINES = ['گزارش فروش ماه گذشته آماده است.', 'هدف این فصل ۲۰٪ رشد است.', 'جلسه با مشتری فردا ساعت ۱۱.', 'قرارداد امضا شد 🎉']

const PRIVATE_LINES = [
  ['ali', 'Hi Sara, do you have a minute?'], ['sara', 'Sure, what is up?'], ['ali', 'Can you review my document?'],
  ['sara', 'Yes, send it over.'], ['ali', 'ممنون!'], ['sara', 'No problem 🙂'],
] as const

export async function seedDemo(server: RefServer): Promise<DemoUser[]> {
  const ctx = serverContext(server)
  const store = ctx.store
  const existing = store.meta(META_KEY)
  if (existing) return JSON.parse(existing) as DemoUser[]

  const users: Record<string, UserRow> = {}
  const out: DemoUser[] = []
  const HOUR = 3600e6
  const now = Date.now() * 1000
  store.transaction(() => {
    for (const p of PEOPLE) {
      const { id, token } = server.createUser({
        firstNameFa: p.firstNameFa, lastNameFa: p.lastNameFa, firstNameEn: p.firstNameEn, lastNameEn: p.lastNameEn,
        avatarUrl: p.avatarUrl, isSuperuser: 'isSuperuser' in p && p.isSuperuser,
      })
      // Every demo user has done R1 + R7 (PROTOCOL 1.2), so the directory (R6) works.
      registerFromSso(store, store.ssoUser(id)!, token)
      ensureProfile(store, id)
      users[p.key] = store.user(id)!
      out.push({ name: `${p.firstNameFa} ${p.lastNameFa}`, id, token, is_superuser: 'isSuperuser' in p && !!p.isSuperuser })
    }
    const all = Object.values(users)
    const msg = (groupId: string, u: UserRow, content: string, us: number, file: string | null = null, recipient: string | null = null) =>
      store.insertMessage({ group_id: groupId, user_id: u.id, content, file, recipient, created_us: Math.round(us) })

    // Q7: live groups have name == slug ⊂ [a-z0-9_].
    const general = createGroup(store, users.admin, 'general', 'general', 'public')
    for (const u of all) store.addMember(general.id, u.id)
    const speakers = ['ali', 'sara', 'maryam', 'john', 'reza', 'admin']
    for (let i = 0; i < 40; i++) {
      msg(general.id, users[speakers[i % speakers.length]], GENERAL_LINES[i % GENERAL_LINES.length], now - (72 - i * 1.5) * HOUR)
    }
    const png = saveMedia(ctx.mediaDir, gradientPng(64), '.png')
    msg(general.id, users.sara, '', now - 8 * HOUR, png)
    const txt = saveMedia(ctx.mediaDir, Buffer.from('cht demo file\nیک فایل متنی نمونه\n', 'utf8'), '.txt')
    msg(general.id, users.ali, '', now - 7 * HOUR, txt)

    const dev = createGroup(store, users.ali, 'dev_team', 'dev_team', 'private')
    store.addMember(dev.id, users.sara.id)
    store.addMember(dev.id, users.john.id)
    const devSpeakers = ['ali', 'sara', 'john']
    for (let i = 0; i < 16; i++) {
      msg(dev.id, users[devSpeakers[i % 3]], DEV_LINES[i % DEV_LINES.length], now - (30 - i) * HOUR)
    }

    // A big group: ~3000 messages over the past six months.
    const ann = createGroup(store, users.admin, 'announcements', 'announcements', 'public')
    for (const u of all) store.addMember(ann.id, u.id)
    const N = 3000
    const span = 180 * 24 * HOUR
    for (let i = 0; i < N; i++) {
      const author = i % 10 === 0 ? users.maryam : users.admin
      const content = i % 3 === 0 ? `اطلاعیه شماره ${i + 1}: لطفاً سامانه را به‌روز کنید.` : `Announcement #${i + 1}: scheduled maintenance window ${i % 24}:00–${(i % 24) + 1}:00.`
      msg(ann.id, author, content, now - span + (i * span) / N - HOUR)
    }

    // Q7: a "history only" group (slug has a hyphen, name != slug): no socket route can reach it.
    const sales = createGroup(store, users.maryam, 'تیم فروش', 'sales-team', 'public')
    store.addMember(sales.id, users.reza.id)
    store.addMember(sales.id, users.ali.id)
    SALES_LINES.forEach((line, i) => msg(sales.id, i % 2 ? users.reza : users.maryam, line, now - (100 - i) * HOUR))

    // A one-to-one chat between Ali and Sara (Q6: canonical name from creator → target).
    const roomName = privateRoomName(users.ali.id, users.sara.id)
    const room = store.insertGroup({
      name: roomName, slug: roomName, type: 'private', created_by: users.ali.id, is_private_chat: true, target_user: users.sara.id,
    })
    PRIVATE_LINES.forEach(([who, line], i) => {
      const from = users[who]
      const to = who === 'ali' ? users.sara : users.ali
      msg(room.id, from, line, now - (20 - i * 0.2) * HOUR, null, to.id)
    })

    store.setMeta(META_KEY, JSON.stringify(out))
  })
  return out
}
