// Signing in (issue 12 item 8): at most one attempt at a time, which the person can cancel while it waits (the SSO
// window, a slow server), and no unencrypted server on another machine unless the person accepted that risk.
import { isInsecureOrigin } from '../../shared/origin'
import { ChtError } from './errors'

export class SignInAttempts {
  private current: AbortController | null = null

  /** A new attempt replaces (cancels) the one still pending. */
  begin(): AbortSignal {
    this.cancel()
    const ctl = new AbortController()
    this.current = ctl
    return ctl.signal
  }

  /** The attempt is over (signed in or failed): Cancel no longer applies to it. */
  end(signal: AbortSignal): void {
    if (this.current?.signal === signal) this.current = null
  }

  cancel(): void {
    this.current?.abort(new ChtError('signin.cancelled'))
    this.current = null
  }
}

/** `origin.insecure` for http: to another machine without `allowInsecure` (the token would cross the network in clear). */
export function checkOrigin(origin: string, allowInsecure: boolean | undefined): void {
  if (isInsecureOrigin(origin) && !allowInsecure) throw new ChtError('origin.insecure', new URL(origin).host)
}

/** Settles with `work`, or rejects with the abort reason as soon as `signal` aborts (work that ignores signals). */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(reason(signal))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v) },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e) },
    )
  })
}

function reason(signal: AbortSignal): unknown {
  return signal.reason instanceof ChtError ? signal.reason : new ChtError('signin.cancelled')
}
