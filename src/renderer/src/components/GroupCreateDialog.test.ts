import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import GroupCreateDialog from './GroupCreateDialog.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { makeChat, type FakeBridge } from '../testing/fakeBridge'
import { useChatsStore } from '../stores/chats'
import fa from '../i18n/fa'
import en from '../i18n/en'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

const mountDialog = () => mountWith(GroupCreateDialog, pinia)

describe('GroupCreateDialog (PROTOCOL R2, Q7)', () => {
  it('explains the live-chat rule and suggests a slug from a Persian title until the slug is edited', async () => {
    const w = mountDialog()
    expect(w.get('[data-testid="group-live-rule"]').text()).toBe(en.groups.liveRule)
    const slug = w.get<HTMLInputElement>('[data-testid="group-slug"]')
    await w.get('[data-testid="group-title"]').setValue('گروه تست')
    expect(slug.element.value).toBe('grvh_tst')
    await w.get('[data-testid="group-title"]').setValue('تیم فروش ۱۴۰۳')
    expect(slug.element.value).toBe('tym_frvsh_1403')

    await slug.setValue('sales_1403')
    await w.get('[data-testid="group-title"]').setValue('تیم فروش')
    expect(slug.element.value).toBe('sales_1403')
  })

  it('validates the slug live and does not send an invalid one', async () => {
    const w = mountDialog()
    const submit = w.get('[data-testid="group-create-submit"]')
    expect(submit.attributes('disabled')).toBeDefined()

    for (const bad of ['Sales', 'sales-team', 'تیم', 'a b', 'x'.repeat(65)]) {
      await w.get('[data-testid="group-slug"]').setValue(bad)
      expect(w.find('[data-testid="group-slug-error"]').exists(), bad).toBe(true)
      expect(w.get('[data-testid="group-slug"]').attributes('aria-invalid')).toBe('true')
      expect(submit.attributes('disabled'), bad).toBeDefined()
    }
    await w.get('form').trigger('submit')
    await settle()
    expect(bridge.callsOf('groups.create')).toEqual([])

    await w.get('[data-testid="group-slug"]').setValue('sales_team')
    expect(w.find('[data-testid="group-slug-error"]').exists()).toBe(false)
    expect(submit.attributes('disabled')).toBeUndefined()
  })

  it('says when a title gives no suggestion', async () => {
    const w = mountDialog()
    await w.get('[data-testid="group-title"]').setValue('؟؟ !!')
    expect(w.get<HTMLInputElement>('[data-testid="group-slug"]').element.value).toBe('')
    expect(w.get('[data-testid="group-slug-nosuggestion"]').text()).toBe(en.groups.noSuggestion)
    expect(w.get('[data-testid="group-create-submit"]').attributes('disabled')).toBeDefined()
  })

  it('creates the group with slug, title and visibility, adds it to the chat list and reports it', async () => {
    const w = mountDialog()
    await w.get('[data-testid="group-title"]').setValue('طراحی')
    await w.get('[data-testid="group-visibility-public"]').setValue(true)
    await w.get('form').trigger('submit')
    await settle()
    expect(bridge.callsOf('groups.create')).toEqual([{ slug: 'trahy', title: 'طراحی', visibility: 'public' }])
    const created = w.emitted('created')
    expect(created).toHaveLength(1)
    expect((created![0]![0] as { id: string }).id).toBe('group:trahy')
    expect(useChatsStore().byId('group:trahy')?.title).toBe('طراحی')
  })

  it('sends private by default and no title when none was typed', async () => {
    const w = mountDialog()
    await w.get('[data-testid="group-slug"]').setValue('ops')
    await w.get('form').trigger('submit')
    await settle()
    expect(bridge.callsOf('groups.create')).toEqual([{ slug: 'ops', visibility: 'private' }])
  })

  it('shows duplicate name and duplicate slug errors translated, in English and Persian, and stays open', async () => {
    bridge.chats = [makeChat('group:team', { title: 'Team' })]
    const w = mountDialog()
    await w.get('[data-testid="group-slug"]').setValue('team')
    await w.get('form').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error"]').attributes('data-code')).toBe('group.slug-taken')
    expect(w.get('[data-testid="error"]').text()).toBe(en.errors.group['slug-taken'])
    expect(w.emitted('created')).toBeUndefined()

    ;({ bridge, pinia } = freshEnv('fa'))
    bridge.handle('groups.create', () => { throw { code: 'group.name-taken', detail: 'این نام گروه قبلاً استفاده شده است.' } })
    const f = mountDialog()
    await f.get('[data-testid="group-title"]').setValue('تیم')
    await f.get('form').trigger('submit')
    await settle()
    expect(f.get('[data-testid="error"] .text').text()).toBe(fa.errors.group['name-taken'])
    expect(f.find('[data-testid="group-create-dialog"]').exists()).toBe(true)
  })

  it('closes on Escape and on cancel, but not while creating', async () => {
    let release!: () => void
    bridge.handle('groups.create', () => new Promise((r) => { release = () => r(makeChat('group:x')) }))
    const w = mountDialog()
    await w.get('[data-testid="group-slug"]').setValue('x')
    await w.get('form').trigger('submit')
    await settle()
    expect(w.get('[data-testid="group-create-submit"]').text()).toBe(en.groups.busy)
    await w.get('.scrim').trigger('keydown', { key: 'Escape' })
    expect(w.emitted('close')).toBeUndefined()
    release()
    await settle()
    await w.get('.scrim').trigger('keydown', { key: 'Escape' })
    expect(w.emitted('close')).toHaveLength(1)
    await w.get('button.secondary').trigger('click')
    expect(w.emitted('close')).toHaveLength(2)
  })
})
