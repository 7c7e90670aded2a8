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
    const io = describeIoError(code)
    if (io)
      return {
        code: 'io',
        message: `${io.problem[0]?.toUpperCase()}${io.problem.slice(1)}: ${message}. ${io.fix}`
      }
    if (code === 'ENOENT') return { code: 'not-found', message }
    return { code: 'internal', message }
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}

/**
 * A file-system error a user can fix, in words: what is wrong (to follow "could not save X:")
 * and what to do. Undefined for codes that are not of that kind.
 */
export function describeIoError(code: unknown): { problem: string; fix: string } | undefined {
  if (code === 'ENOSPC') return { problem: 'the disk is full', fix: 'Free some space and resume.' }
  if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM')
    return {
      problem: 'the folder is not writable',
      fix: "Check the folder's permissions, or choose another."
    }
  return undefined
}

/** The HTTP status of an error code, for serve's HTTP answers and the app:// protocol. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'not-found':
      return 404
    case 'unauthorized':
      return 403
    case 'invalid-input':
      return 400
    case 'conflict':
      return 409
    case 'unavailable':
      return 503
    default:
      return 500
  }
}
