import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import MembersPanel from './MembersPanel.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { makeChat, type FakeBridge } from '../testing/fakeBridge'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

describe('MembersPanel', () => {
  it('lists members from chats.members with the superuser marked first, and closes on Escape', async () => {
    const chat = makeChat('group:team')
    bridge.members.set(chat.id, [
      { id: 'u-1', name: 'Zahra Karimi', isSuperuser: false },
      { id: 'u-2', name: 'Admin User', isSuperuser: true },
    ])
    const w = mountWith(MembersPanel, pinia, { props: { chat } })
    await settle()
    expect(bridge.callsOf('chats.members')).toEqual([{ chatId: 'group:team' }])
    const rows = w.findAll('[data-testid="member"]')
    expect(rows.map((r) => r.get('bdi').text())).toEqual(['Admin User', 'Zahra Karimi'])
    expect(rows[0]!.text()).toContain('Admin')
    expect(rows[1]!.find('.su').exists()).toBe(false)
    await w.get('[data-testid="members-panel"]').trigger('keydown', { key: 'Escape' })
    expect(w.emitted('close')).toHaveLength(1)
  })

  it('shows a translated error when members cannot be read', async () => {
    bridge.handle('chats.members', () => { throw { code: 'forbidden' } })
    const w = mountWith(MembersPanel, pinia, { props: { chat: makeChat('group:x') } })
    await settle()
    expect(w.get('[data-testid="error"]').text()).toContain('not allowed')
  })
})
