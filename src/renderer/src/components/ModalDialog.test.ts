import { describe, expect, it } from 'vitest'
import { h } from 'vue'
import ModalDialog from './ModalDialog.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'

describe('ModalDialog focus (keyboard users)', () => {
  it('focuses its first field, keeps Tab inside, and gives focus back when it closes', async () => {
    const { pinia } = freshEnv('en')
    const opener = document.createElement('button')
    document.body.append(opener)
    opener.focus()
    const w = mountWith(ModalDialog, pinia, {
      attachTo: document.body,
      props: { title: 'Dialog', testid: 'dlg' },
      slots: { default: () => [h('input', { id: 'first' }), h('button', { id: 'last' }, 'OK')] },
    })
    await settle()
    expect(document.activeElement?.id).toBe('first')

    document.getElementById('last')!.focus()
    await w.get('#last').trigger('keydown', { key: 'Tab' })
    // From the last control, Tab wraps to the first one in the dialog (the close button).
    expect(w.element.contains(document.activeElement)).toBe(true)
    expect(document.activeElement?.id).not.toBe('last')

    w.unmount()
    expect(document.activeElement).toBe(opener)
    opener.remove()
  })
})
