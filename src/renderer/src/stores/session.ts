import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SessionInfo } from '@shared/model'
import { on, request } from '../bridge'

export interface SignInOptions {
  /** The person accepted an unencrypted (http:) server on another machine. */
  allowInsecure?: boolean
}

const insecure = (o: SignInOptions): { allowInsecure?: true } => (o.allowInsecure ? { allowInsecure: true } : {})

export const useSessionStore = defineStore('session', () => {
  const info = ref<SessionInfo | null>(null)
  let loading: Promise<void> | null = null

  on('session.changed', (s) => { info.value = s })

  /** Restore the session main may already hold (once). */
  function init(): Promise<void> {
    loading ??= request('session.get')
      .then((s) => { info.value = s })
      .catch(() => { info.value = null })
    return loading
  }

  /** Throws BridgeError (e.g. auth.invalid, signin.cancelled) for the view to translate. */
  async function signIn(serverOrigin: string, token: string, opts: SignInOptions = {}): Promise<SessionInfo> {
    const s = await request('session.signIn', { serverOrigin: serverOrigin.trim(), token: token.trim(), ...insecure(opts) })
    info.value = s
    return s
  }

  async function signInWeb(serverOrigin: string, opts: SignInOptions = {}): Promise<SessionInfo> {
    const s = await request('session.signInWeb', { serverOrigin: serverOrigin.trim(), ...insecure(opts) })
    info.value = s
    return s
  }

  /** Stops the sign-in that is waiting (its promise rejects with signin.cancelled). */
  async function cancelSignIn(): Promise<void> {
    await request('session.cancelSignIn').catch(() => undefined)
  }

  async function signOut(deleteLocalData = false): Promise<void> {
    try {
      await request('session.signOut', { deleteLocalData })
    } finally {
      info.value = null
    }
  }

  return { info, init, signIn, signInWeb, cancelSignIn, signOut }
})
