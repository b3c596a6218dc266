import type { AppError, ErrorCode } from '../../shared/model'

/** The one error type core throws. `code` is translated by the renderer; `detail` is never HTML. */
export class ChtError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly status?: number,
  ) {
    super(detail ? `${code}: ${detail}` : code)
    this.name = 'ChtError'
  }

  toAppError(): AppError {
    return this.detail ? { code: this.code, detail: this.detail } : { code: this.code }
  }
}

/** Any thrown value → AppError, without leaking stacks to the UI. */
export function toAppError(e: unknown): AppError {
  if (e instanceof ChtError) return e.toAppError()
  return { code: 'unknown', detail: e instanceof Error ? e.message.slice(0, 300) : undefined }
}
