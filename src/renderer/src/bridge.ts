// The ONLY file that touches window.cht (DESIGN §3). Everything else calls request()/on() from here.
import type { ChtBridge, EventName, Events, RequestArgs, RequestName, RequestResult, Result } from '@shared/contract'
import type { ErrorCode, StagedFile } from '@shared/model'

/** A failed request, carrying the translatable code (render with i18n `errors.<code>`). */
export class BridgeError extends Error {
  readonly code: ErrorCode
  readonly detail?: string
  constructor(code: ErrorCode, detail?: string) {
    super(code)
    this.name = 'BridgeError'
    this.code = code
    this.detail = detail
  }
}

let injected: ChtBridge | null = null

/** Tests (and nothing else) inject an in-memory double of the IPC transport here. */
export function setBridge(b: ChtBridge | null): void {
  injected = b
}

function bridge(): ChtBridge {
  const b = injected ?? (typeof window !== 'undefined' ? window.cht : undefined)
  if (!b) throw new BridgeError('unknown', 'bridge unavailable')
  return b
}

type ArgsOf<N extends RequestName> = RequestArgs<N> extends undefined ? [] : [args: RequestArgs<N>]

/** Awaits one call across the bridge and unwraps its Result: the value, or a BridgeError (never a raw Error). */
async function unwrap<T>(call: () => Promise<Result<T>>): Promise<T> {
  let res
  try {
    res = await call()
  } catch (e) {
    if (e instanceof BridgeError) throw e
    throw new BridgeError('unknown', e instanceof Error ? e.message : undefined)
  }
  if (!res || typeof res !== 'object') throw new BridgeError('bad-response')
  if (res.ok) return res.value
  throw new BridgeError(res.error?.code ?? 'unknown', res.error?.detail)
}

/** Call main; resolves with the value, rejects with a BridgeError (never a raw Error from the other side). */
export function request<N extends RequestName>(name: N, ...args: ArgsOf<N>): Promise<RequestResult<N>> {
  return unwrap(() => bridge().request(name, args[0] as RequestArgs<N>))
}

/**
 * Stage files the user dropped or picked (DESIGN §3): the preload reads their paths itself and main answers with
 * opaque ids. Resolves with the staged files, rejects with a BridgeError.
 */
export function stageFiles(files: File[]): Promise<StagedFile[]> {
  return unwrap(() => bridge().stageFiles(files))
}

/** Subscribe to an event; returns the unsubscribe function. */
export function on<N extends EventName>(name: N, cb: (payload: Events[N]) => void): () => void {
  try {
    return bridge().on(name, cb)
  } catch {
    return () => {}
  }
}

/** Turn anything thrown by request() into a translatable code. */
export function codeOf(e: unknown): ErrorCode {
  return e instanceof BridgeError ? e.code : 'unknown'
}
