import { describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import type { User } from '@shared/model'
import { useAppMount } from '../testing/app'
import { freshEnv, settle } from '../testing/setup'
import { makeChat } from '../testing/fakeBridge'
import { useFakeLayout } from '../testing/layout'
import en from '../i18n/en'

useFakeLayout()

const mountApp = useAppMount()

const directory: User[] = [
  { id: 'u-1', name: 'زهرا کریمی', isSuperuser: false, groups: ['dev', 'design'] },
  { id: 'u-2', name: 'Ali Rezaei', isSuperuser: true, groups: [] },
  { id: 'u-3', name: 'Sara Ahmadi', isSuperuser: false, groups: ['sales'] },
  { id: 'u-4', name: 'محمد‌علی مؤمنی', isSuperuser: false },
]

async function start(opts: { superuser?: boolean; path?: string } = {}) {
  const env = freshEnv('en')
  const { bridge } = env
  bridge.user = { ...bridge.user, isSuperuser: opts.superuser ?? false }
  bridge.session = { serverOrigin: 'https://cht.example', user: bridge.user }
  bridge.users = [bridge.user, ...directory]
  bridge.chats = [makeChat('group:dev', { title: 'برنامه‌نویسان' })]
  return { ...env, ...(await mountApp(env.pinia, { path: opts.path ?? '/people', settleTimes: 10 })) }
}

const shown = (w: VueWrapper) => w.findAll('[data-testid="person"]').map((p) => p.attributes('data-user-id'))

describe('PeopleView', () => {
  it('is reachable from the chat list header', async () => {
    const { w, router } = await start({ path: '/chats' })
    await w.get('[data-testid="people-button"]').trigger('click')
    await settle(10)
    // A panel over the chats (issue 12 item 7), not a page of its own.
    expect(router.currentRoute.value.name).toBe('chats')
    expect(router.currentRoute.value.query.panel).toBe('people')
    expect(w.find('[data-testid="people-view"]').exists()).toBe(true)
  })

  it('lists the directory with names in <bdi>, the superuser marker and group memberships', async () => {
    const { w, bridge } = await start()
    expect(bridge.callsOf('users.list')).toHaveLength(1)
    expect(shown(w)).toHaveLength(5)
    const zahra = w.get('[data-user-id="u-1"]')
    expect(zahra.get('bdi').text()).toBe('زهرا کریمی')
    // A group the user also has as a chat shows its title; others their slug.
    expect(zahra.findAll('[data-testid="person-group"]').map((g) => g.text())).toEqual(['برنامه‌نویسان', 'design'])
    expect(zahra.find('[data-testid="person-superuser"]').exists()).toBe(false)
    expect(w.get('[data-user-id="u-2"] [data-testid="person-superuser"]').text()).toContain(en.people.superuser)
    expect(w.get('[data-user-id="u-4"]').text()).toContain(en.people.noGroups)
    expect(w.get('[data-user-id="u-me"]').text()).toContain(`(${en.people.you})`)
    // Superuser-only profiles are not offered to everyone.
    expect(w.find('[data-testid="people-tab-profiles"]').exists()).toBe(false)
  })

  it('filters by name in either script, with Arabic letter variants, ZWNJ and case ignored, and by group', async () => {
    const { w } = await start()
    const search = w.get('[data-testid="people-search"]')
    await search.setValue('كريمي')
    expect(shown(w)).toEqual(['u-1'])
    await search.setValue('محمدعلی مومنی')
    expect(shown(w)).toEqual(['u-4'])
    await search.setValue('ALI')
    expect(shown(w)).toEqual(['u-2'])
    await search.setValue('sales')
    expect(shown(w)).toEqual(['u-3'])
    await search.setValue('nobody here')
    expect(shown(w)).toEqual([])
    expect(w.get('[data-testid="people-no-match"]').text()).toBe(en.people.noMatch)
    await search.setValue('')
    expect(shown(w)).toHaveLength(5)
  })

  it('"Message" starts the one-to-one chat and opens it', async () => {
    const { w, bridge, router } = await start()
    await w.get('[data-user-id="u-3"] [data-testid="person-message"]').trigger('click')
    await settle(10)
    expect(bridge.callsOf('direct.start')).toEqual([{ userId: 'u-3' }])
    expect(router.currentRoute.value.name).toBe('chats')
    expect(router.currentRoute.value.params.chatId).toBe('direct:u-3')
    expect(w.get('[data-testid="chat-header-title"]').text()).toBe('Sara Ahmadi')
    expect(bridge.opened).toEqual(['direct:u-3'])
  })

  it('stays on the page with a translated error when the chat cannot be started', async () => {
    const { w, bridge, router } = await start()
    bridge.handle('direct.start', () => { throw { code: 'user.not-found' } })
    await w.get('[data-user-id="u-1"] [data-testid="person-message"]').trigger('click')
    await settle(10)
    expect(router.currentRoute.value.query.panel).toBe('people')
    expect(w.get('[data-testid="error"]').text()).toBe(en.errors.user['not-found'])
  })

  it('shows superusers every profile (R7 get-all) on a second tab', async () => {
    const { w, bridge } = await start({ superuser: true })
    bridge.profiles = [
      { id: 'u-9', name: 'Old Profile', isSuperuser: false },
      { id: 'u-2', name: 'Ali Rezaei', isSuperuser: true },
    ]
    await w.get('[data-testid="people-tab-profiles"]').trigger('click')
    await settle(10)
    expect(bridge.callsOf('profiles.list')).toHaveLength(1)
    const rows = w.findAll('[data-testid="profile"]')
    expect(rows.map((r) => r.attributes('data-user-id'))).toEqual(['u-2', 'u-9'])
    expect(rows[0]!.text()).toContain(en.people.superuser)
    await w.get('[data-testid="people-tab-directory"]').trigger('click')
    expect(shown(w)).toHaveLength(5)
  })
})

describe('ChatsView group creation', () => {
  it('opens the dialog from the header and shows the new group once created', async () => {
    const { w, bridge, router } = await start({ path: '/chats' })
    await w.get('[data-testid="group-create-button"]').trigger('click')
    await settle()
    await w.get('[data-testid="group-title"]').setValue('تیم طراحی')
    await w.get('[data-testid="group-create-submit"]').trigger('click')
    await settle(10)
    expect(bridge.callsOf('groups.create')).toEqual([{ slug: 'tym_trahy', title: 'تیم طراحی', visibility: 'private' }])
    expect(w.find('[data-testid="group-create-dialog"]').exists()).toBe(false)
    expect(router.currentRoute.value.params.chatId).toBe('group:tym_trahy')
    expect(w.get('[data-testid="chat-header-title"]').text()).toBe('تیم طراحی')
  })

  it('goes back to the chat list after leaving a group from its members panel', async () => {
    const { w, bridge, router } = await start({ path: '/chats/group:dev' })
    bridge.members.set('group:dev', [bridge.user])
    await w.get('[data-testid="members-button"]').trigger('click')
    await settle()
    await w.get('[data-testid="group-leave"]').trigger('click')
    await w.get('[data-testid="group-leave-dialog-confirm"]').trigger('click')
    await settle(10)
    expect(bridge.callsOf('groups.removeMember')).toEqual([{ chatId: 'group:dev', userId: 'u-me' }])
    expect(router.currentRoute.value.params.chatId ?? '').toBe('')
    expect(w.find('[data-chat-id="group:dev"]').exists()).toBe(false)
  })
})

describe('PeopleView keyboard', () => {
  it('Escape clears a search first, then goes back to the chats', async () => {
    const { w, router } = await start()
    const search = w.get('[data-testid="people-search"]')
    await search.setValue('sara')
    expect(shown(w)).toEqual(['u-3'])
    await search.trigger('keydown', { key: 'Escape' })
    expect(shown(w)).toHaveLength(5)
    expect(router.currentRoute.value.query.panel).toBe('people')
    await search.trigger('keydown', { key: 'Escape' })
    await settle(10)
    expect(router.currentRoute.value.name).toBe('chats')
    expect(router.currentRoute.value.query.panel).toBeUndefined()
    expect(w.find('[data-testid="people-view"]').exists()).toBe(false)
  })
})
