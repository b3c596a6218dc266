import { describe, expect, it } from 'vitest'
import { useAppMount } from './testing/app'
import { freshEnv, settle } from './testing/setup'
import { makeChat, makeMessages } from './testing/fakeBridge'
import { useFakeLayout } from './testing/layout'
import { useChatsStore } from './stores/chats'
import { useMessagesStore } from './stores/messages'

useFakeLayout()

const mountApp = useAppMount()

async function start(signedIn: boolean) {
  const env = freshEnv('en')
  const { bridge } = env
  if (signedIn) bridge.session = { serverOrigin: 'https://cht.example', user: bridge.user }
  const team = makeChat('group:team', { title: 'Team', membersCount: 2 })
  const old = makeChat('group:Old', { title: 'Old group', live: false })
  bridge.chats = [team, old]
  bridge.messages.set(team.id, makeMessages(team.id, 30))
  bridge.members.set(team.id, [{ id: 'u-me', name: 'Me Myself', isSuperuser: false }])
  return { ...env, ...(await mountApp(env.pinia)) }
}

describe('App', () => {
  it('sends a signed-out user to the sign-in page, and into the chats after signing in', async () => {
    const { w, router } = await start(false)
    expect(router.currentRoute.value.name).toBe('signin')
    await w.get('[data-testid="signin-use-token"]').trigger('click')
    await settle()
    await w.get('[data-testid="signin-token"]').setValue('good-token')
    await w.get('form').trigger('submit')
    await settle(10)
    expect(router.currentRoute.value.name).toBe('chats')
    expect(w.findAll('[data-testid="chat-item"]')).toHaveLength(2)
  })

  it('opens a chat with its newest window, shows members, closes them with Escape, and sends', async () => {
    const { w, router, bridge } = await start(true)
    expect(router.currentRoute.value.name).toBe('chats')
    await w.get('[data-chat-id="group:team"]').trigger('click')
    await settle(10)
    expect(router.currentRoute.value.params.chatId).toBe('group:team')
    expect(bridge.opened).toEqual(['group:team'])
    expect(w.get('[data-testid="chat-header-title"]').text()).toBe('Team')
    expect(w.findAll('[data-testid="message"]').length).toBeGreaterThan(0)

    await w.get('[data-testid="members-button"]').trigger('click')
    await settle()
    expect(w.find('[data-testid="members-panel"]').exists()).toBe(true)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await settle()
    expect(w.find('[data-testid="members-panel"]').exists()).toBe(false)

    await w.get('[data-testid="composer"]').setValue('hello <b>team</b>')
    await w.get('[data-testid="composer"]').trigger('keydown', { key: 'Enter' })
    await settle(10)
    expect(bridge.callsOf('messages.send')).toEqual([{ chatId: 'group:team', text: 'hello <b>team</b>' }])
    const sent = w.findAll('[data-testid="message"]').find((m) => m.attributes('data-status') === 'sending')
    expect(sent?.get('[data-testid="message-text"]').text()).toBe('hello <b>team</b>')
  })

  it('shows no composer in a history-only group, with the reason', async () => {
    const { w, router } = await start(true)
    await router.push({ name: 'chats', params: { chatId: 'group:Old' } })
    await settle(10)
    expect(w.find('[data-testid="composer"]').exists()).toBe(false)
    expect(w.get('[data-testid="composer-readonly"]').text()).toContain('history only')
  })

  it('returns to sign-in when the connection reports signed-out', async () => {
    const { router, bridge } = await start(true)
    expect(router.currentRoute.value.name).toBe('chats')
    bridge.emit('connection.changed', { status: 'signed-out' })
    await settle(10)
    expect(router.currentRoute.value.name).toBe('signin')
  })

  it('keeps nothing of a session that ended for the next one: chats, drafts, timelines', async () => {
    const { w, router, bridge } = await start(true)
    await router.push({ name: 'chats', params: { chatId: 'group:team' } })
    await settle(10)
    const chats = useChatsStore()
    const messages = useMessagesStore()
    await w.get('[data-testid="composer"]').setValue('half written')
    expect(chats.drafts['group:team']).toBe('half written')
    expect(messages.timeline('group:team').messages.length).toBeGreaterThan(0)

    bridge.session = null
    bridge.emit('session.changed', null)
    await settle(10)
    expect(router.currentRoute.value.name).toBe('signin')
    expect(chats.list).toEqual([])
    expect(chats.drafts).toEqual({})
    expect(messages.timelines.size).toBe(0)
    expect(w.findAll('[data-testid="chat-item"]')).toHaveLength(0)
  })
})
