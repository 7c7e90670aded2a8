/**
 * Errors that cross a process or transport boundary: a stable code and a message a user can act
 * on. Everything thrown for the user's benefit is a `StudioError`.
 */
export const ERROR_CODES = [
  'invalid-input',
  'not-found',
  'conflict',
  'unavailable',
  'io',
  'unauthorized',
  'cancelled',
  'internal'
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** The plain shape of an error on the wire. */
export interface WireError {
  code: ErrorCode
  message: string
}

export class StudioError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'StudioError'
  }

  toWire(): WireError {
    return { code: this.code, message: this.message }
  }
}

/** Converts anything thrown into a wire error without leaking stack traces. */
export function toWireError(err: unknown): WireError {
  if (err instanceof StudioError) return err.toWire()
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const code = String((err as { code: unknown }).code)
    const message = String((err as { message: unknown }).message)
    if ((ERROR_CODES as readonly string[]).includes(code)) return { code: code as ErrorCode, message }
    if (code === 'ENOSPC')
      return { code: 'io', message: `The disk is full: ${message}. Free some space and resume.` }
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM')
      return { code: 'io', message: `No permission to write: ${message}. Check the folder's permissions.` }
    if (code === 'ENOENT') return { code: 'not-found', message }
    return { code: 'internal', message }
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}
