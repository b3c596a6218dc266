import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import Composer from './Composer.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { makeChat, type FakeBridge } from '../testing/fakeBridge'
import { useChatsStore } from '../stores/chats'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

const chat = makeChat('group:team')

describe('Composer', () => {
  it('Enter sends the trimmed text and clears the field', async () => {
    const w = mountWith(Composer, pinia, { props: { chat } })
    const ta = w.get('[data-testid="composer"]')
    expect(ta.attributes('dir')).toBe('auto')
    await ta.setValue('  سلام hello  ')
    await ta.trigger('keydown', { key: 'Enter' })
    await settle()
    expect(bridge.callsOf('messages.send')).toEqual([{ chatId: 'group:team', text: 'سلام hello' }])
    expect((ta.element as HTMLTextAreaElement).value).toBe('')
  })

  it('Shift+Enter does not send (the newline stays)', async () => {
    const w = mountWith(Composer, pinia, { props: { chat } })
    const ta = w.get('[data-testid="composer"]')
    await ta.setValue('line one')
    await ta.trigger('keydown', { key: 'Enter', shiftKey: true })
    await settle()
    expect(bridge.callsOf('messages.send')).toEqual([])
    expect((ta.element as HTMLTextAreaElement).value).toBe('line one')
  })

  it('Enter while an IME composition is active does not send', async () => {
    const w = mountWith(Composer, pinia, { props: { chat } })
    const ta = w.get('[data-testid="composer"]')
    await ta.setValue('にほん')
    await ta.trigger('keydown', { key: 'Enter', isComposing: true })
    await ta.trigger('keydown', { key: 'Enter', keyCode: 229 })
    await settle()
    expect(bridge.callsOf('messages.send')).toEqual([])
  })

  it('does not send whitespace only; the send button sends', async () => {
    const w = mountWith(Composer, pinia, { props: { chat } })
    const ta = w.get('[data-testid="composer"]')
    await ta.setValue('   ')
    await ta.trigger('keydown', { key: 'Enter' })
    expect(w.get('[data-testid="composer-send"]').attributes('disabled')).toBeDefined()
    await ta.setValue('hi')
    await w.get('form').trigger('submit')
    await settle()
    expect(bridge.callsOf('messages.send')).toEqual([{ chatId: 'group:team', text: 'hi' }])
  })

  it('keeps the draft per chat when switching', async () => {
    const w = mountWith(Composer, pinia, { props: { chat } })
    await w.get('[data-testid="composer"]').setValue('draft for team')
    await w.setProps({ chat: makeChat('direct:u-2') })
    expect((w.get('[data-testid="composer"]').element as HTMLTextAreaElement).value).toBe('')
    await w.setProps({ chat })
    expect((w.get('[data-testid="composer"]').element as HTMLTextAreaElement).value).toBe('draft for team')
    expect(useChatsStore().drafts['group:team']).toBe('draft for team')
  })

  it('restores the text if sending fails', async () => {
    bridge.handle('messages.send', () => { throw { code: 'network' } })
    const w = mountWith(Composer, pinia, { props: { chat } })
    const ta = w.get('[data-testid="composer"]')
    await ta.setValue('keep me')
    await ta.trigger('keydown', { key: 'Enter' })
    await settle()
    expect((ta.element as HTMLTextAreaElement).value).toBe('keep me')
  })

  it('is replaced by an explanation in history-only groups (Q7)', () => {
    const w = mountWith(Composer, pinia, { props: { chat: makeChat('group:Old Group', { live: false }) } })
    expect(w.find('[data-testid="composer"]').exists()).toBe(false)
    expect(w.get('[data-testid="composer-readonly"]').text()).toContain('history')
  })
})
