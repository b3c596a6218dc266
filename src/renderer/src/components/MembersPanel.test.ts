import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { User } from '@shared/model'
import MembersPanel from './MembersPanel.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { makeChat, type FakeBridge } from '../testing/fakeBridge'
import { useSessionStore } from '../stores/session'
import { i18n } from '../i18n'

let bridge: FakeBridge
let pinia: Pinia
let router: Router
beforeEach(async () => {
  ;({ bridge, pinia } = freshEnv('en'))
  router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/chats/:chatId?', name: 'chats', component: { render: () => null } }],
  })
  await router.push('/chats/group:team')
})

const me: User = { id: 'u-me', name: 'Me Myself', isSuperuser: false }
const zahra: User = { id: 'u-1', name: 'Zahra Karimi', isSuperuser: false }
const admin: User = { id: 'u-2', name: 'Admin User', isSuperuser: true }
const ali: User = { id: 'u-3', name: 'علی رضایی', isSuperuser: false }
const sara: User = { id: 'u-4', name: 'Sara Ahmadi', isSuperuser: false }

function signedIn(): void {
  bridge.session = { serverOrigin: 'https://cht.example', user: bridge.user }
  useSessionStore().info = bridge.session
}

function mountPanel(over: Parameters<typeof makeChat>[1] = {}) {
  const chat = makeChat('group:team', { title: 'Team', ...over })
  bridge.chats = [chat]
  return { chat, w: mountWith(MembersPanel, pinia, { props: { chat }, global: { plugins: [router] }, attachTo: document.body }) }
}

const ids = (w: ReturnType<typeof mountPanel>['w']) => w.findAll('[data-testid="member"]').map((r) => r.attributes('data-user-id'))

describe('MembersPanel', () => {
  it('lists members from chats.members with the superuser marked first, and closes on Escape', async () => {
    bridge.members.set('group:team', [zahra, admin])
    const { w } = mountPanel()
    await settle()
    expect(bridge.callsOf('chats.members')).toEqual([{ chatId: 'group:team' }])
    const rows = w.findAll('[data-testid="member"]')
    expect(rows.map((r) => r.get('bdi').text())).toEqual(['Admin User', 'Zahra Karimi'])
    expect(rows[0]!.text()).toContain('Admin')
    expect(rows[1]!.find('.su').exists()).toBe(false)
    await w.get('[data-testid="members-panel"]').trigger('keydown', { key: 'Escape' })
    expect(w.emitted('close')).toHaveLength(1)
    w.unmount()
  })

  it('shows a translated error when members cannot be read', async () => {
    bridge.handle('chats.members', () => { throw { code: 'forbidden' } })
    const { w } = mountPanel()
    await settle()
    expect(w.get('[data-testid="error"]').text()).toContain('not allowed')
    w.unmount()
  })

  it('follows members.changed for its own chat only', async () => {
    bridge.members.set('group:team', [me])
    const { w } = mountPanel()
    await settle()
    expect(ids(w)).toEqual(['u-me'])
    bridge.emit('members.changed', { chatId: 'group:other', members: [me, zahra, sara] })
    bridge.emit('members.changed', { chatId: 'group:team', members: [me, sara] })
    await settle()
    expect(ids(w)).toEqual(['u-me', 'u-4'])
    expect(w.get('h2').text()).toContain('(2)')
    w.unmount()
  })

  it('hides add and remove from members who cannot manage the group, but offers leaving', async () => {
    signedIn()
    bridge.members.set('group:team', [me, zahra])
    const { w } = mountPanel({ canManage: false })
    await settle()
    expect(w.find('[data-testid="member-add-button"]').exists()).toBe(false)
    expect(w.find('[data-testid="member-remove"]').exists()).toBe(false)
    expect(w.find('[data-testid="group-leave"]').exists()).toBe(true)
    w.unmount()
  })

  it('offers nothing of that in a one-to-one chat', async () => {
    signedIn()
    const chat = makeChat('direct:u-1', { title: 'Zahra Karimi', canManage: true })
    bridge.members.set(chat.id, [me, zahra])
    const w = mountWith(MembersPanel, pinia, { props: { chat }, global: { plugins: [router] } })
    await settle()
    expect(w.findAll('[data-testid="member"]')).toHaveLength(2)
    expect(w.find('[data-testid="member-add-button"]').exists()).toBe(false)
    expect(w.find('[data-testid="member-remove"]').exists()).toBe(false)
    expect(w.find('[data-testid="group-leave"]').exists()).toBe(false)
    w.unmount()
  })

  it('adds several people picked from the directory and summarizes the result with translated failures', async () => {
    signedIn()
    bridge.members.set('group:team', [me, zahra])
    bridge.users = [me, zahra, admin, ali, sara, { id: 'u-gone', name: 'Gone Person', isSuperuser: false }]
    let release!: () => void
    const gate = new Promise<void>((r) => { release = r })
    bridge.handle('groups.addMembers', async ({ userIds }) => {
      await gate
      return {
        added: userIds.filter((id) => id !== 'u-gone'),
        failed: userIds.filter((id) => id === 'u-gone').map((userId) => ({ userId, error: { code: 'user.not-found' as const } })),
      }
    })
    const { w } = mountPanel({ canManage: true })
    await settle()
    await w.get('[data-testid="member-add-button"]').trigger('click')
    await settle()
    const picker = w.get('[data-testid="member-picker"]')
    // Members are not offered again.
    const offered = () => picker.findAll('[data-testid="picker-user"]').map((r) => r.attributes('data-user-id'))
    expect(offered()).toEqual(['u-2', 'u-gone', 'u-4', 'u-3'])
    expect(picker.get('[data-testid="member-add-submit"]').attributes('disabled')).toBeDefined()

    // Search with an Arabic-keyboard spelling finds the Persian name.
    await picker.get('[data-testid="picker-search"]').setValue('رضايي')
    expect(offered()).toEqual(['u-3'])
    await picker.get('[data-user-id="u-3"] input').setValue(true)
    await picker.get('[data-testid="picker-search"]').setValue('')
    await picker.get('[data-user-id="u-4"] input').setValue(true)
    await picker.get('[data-user-id="u-gone"] input').setValue(true)
    expect(picker.get('[data-testid="picker-selected"]').text()).toBe('3 selected')

    await picker.get('[data-testid="member-add-submit"]').trigger('click')
    await settle()
    expect(bridge.callsOf('groups.addMembers')).toEqual([{ chatId: 'group:team', userIds: ['u-gone', 'u-4', 'u-3'] }])
    const submit = w.get('[data-testid="member-add-submit"]')
    expect(submit.text()).toBe('Adding 3 people…')
    expect(submit.attributes('disabled')).toBeDefined()

    release()
    await settle()
    expect(w.find('[data-testid="member-picker"]').exists()).toBe(false)
    const summary = w.get('[data-testid="member-add-summary"]')
    expect(summary.text()).toContain('2 added.')
    expect(summary.get('[data-testid="member-add-failure"]').text()).toBe('Gone Person: User not found.')
    expect(ids(w)).toEqual(['u-me', 'u-4', 'u-1', 'u-3'])
    w.unmount()
  })

  it('shows the summary in Persian in the fa locale', async () => {
    ;({ bridge, pinia } = freshEnv('fa'))
    signedIn()
    bridge.members.set('group:team', [me])
    bridge.users = [me, zahra]
    bridge.handle('groups.addMembers', () => ({ added: [], failed: [{ userId: 'u-1', error: { code: 'throttled' } }] }))
    const { w } = mountPanel({ canManage: true })
    await settle()
    await w.get('[data-testid="member-add-button"]').trigger('click')
    await settle()
    await w.get('[data-user-id="u-1"] input').setValue(true)
    await w.get('[data-testid="member-add-submit"]').trigger('click')
    await settle()
    const summary = w.get('[data-testid="member-add-summary"]').text()
    expect(summary).toContain('۰ نفر افزوده شدند.')
    expect(summary).toContain(`Zahra Karimi: ${i18n.global.t('errors.throttled')}`)
    expect(summary).not.toContain('Too many')
    w.unmount()
  })

  it('removes a member after confirmation; cancelling removes no one', async () => {
    signedIn()
    bridge.members.set('group:team', [me, zahra, sara])
    const { w } = mountPanel({ canManage: true })
    await settle()
    // No remove button on yourself: that is leaving.
    expect(w.find('[data-user-id="u-me"] [data-testid="member-remove"]').exists()).toBe(false)

    await w.get('[data-user-id="u-1"] [data-testid="member-remove"]').trigger('click')
    expect(w.get('[data-testid="member-remove-dialog"]').text()).toContain('Remove Zahra Karimi from this group?')
    await w.get('[data-testid="member-remove-dialog"]').trigger('keydown', { key: 'Escape' })
    expect(w.find('[data-testid="member-remove-dialog"]').exists()).toBe(false)
    expect(w.emitted('close')).toBeUndefined()
    expect(bridge.callsOf('groups.removeMember')).toEqual([])

    await w.get('[data-user-id="u-1"] [data-testid="member-remove"]').trigger('click')
    await w.get('[data-testid="member-remove-dialog-confirm"]').trigger('click')
    await settle()
    expect(bridge.callsOf('groups.removeMember')).toEqual([{ chatId: 'group:team', userId: 'u-1' }])
    expect(w.find('[data-testid="member-remove-dialog"]').exists()).toBe(false)
    expect(ids(w)).toEqual(['u-me', 'u-4'])
    expect(w.get('[data-testid="member-removed"]').text()).toBe('Zahra Karimi was removed from the group.')
    w.unmount()
  })

  it('keeps the confirmation open with a translated error when removing fails', async () => {
    signedIn()
    bridge.members.set('group:team', [me, zahra])
    bridge.handle('groups.removeMember', () => { throw { code: 'network' } })
    const { w } = mountPanel({ canManage: true })
    await settle()
    await w.get('[data-testid="member-remove"]').trigger('click')
    await w.get('[data-testid="member-remove-dialog-confirm"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="member-remove-dialog"] [data-testid="error"]').text()).toContain('Cannot reach the server')
    expect(ids(w)).toEqual(['u-me', 'u-1'])
    w.unmount()
  })

  it('leaves the group after confirmation: removes yourself and goes back to the chat list', async () => {
    signedIn()
    bridge.members.set('group:team', [me, zahra])
    const { w } = mountPanel({ canManage: false })
    await settle()
    await w.get('[data-testid="group-leave"]').trigger('click')
    expect(w.get('[data-testid="group-leave-dialog"]').text()).toContain('Leave this group?')
    expect(bridge.callsOf('groups.removeMember')).toEqual([])
    await w.get('[data-testid="group-leave-dialog-confirm"]').trigger('click')
    await settle()
    expect(bridge.callsOf('groups.removeMember')).toEqual([{ chatId: 'group:team', userId: 'u-me' }])
    expect(router.currentRoute.value.fullPath).toBe('/chats')
    expect(w.emitted('close')).toHaveLength(1)
    w.unmount()
  })
})
