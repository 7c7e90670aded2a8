/** Errors in words: one description of each fixable I/O error, one HTTP status per error code. */
import { describe, expect, it } from 'vitest'
import {
  ERROR_CODES,
  StudioError,
  describeIoError,
  httpStatusOf,
  toWireError
} from '../../../src/shared/errors'

const errno = (code: string, message: string): Error => Object.assign(new Error(message), { code })

describe('errors', () => {
  it('turns a full disk or a read-only folder into the problem and what to do', () => {
    expect(toWireError(errno('ENOSPC', 'ENOSPC: no space left on device, write'))).toEqual({
      code: 'io',
      message: 'The disk is full: ENOSPC: no space left on device, write. Free some space and resume.'
    })
    for (const code of ['EACCES', 'EROFS', 'EPERM'])
      expect(toWireError(errno(code, `${code}: denied`))).toEqual({
        code: 'io',
        message: `The folder is not writable: ${code}: denied. Check the folder's permissions, or choose another.`
      })
    expect(describeIoError('ENOENT')).toBeUndefined()
    expect(toWireError(errno('ENOENT', 'gone'))).toEqual({ code: 'not-found', message: 'gone' })
    expect(toWireError(new StudioError('conflict', 'busy'))).toEqual({ code: 'conflict', message: 'busy' })
  })

  it('gives every error code one HTTP status', () => {
    expect(Object.fromEntries(ERROR_CODES.map((c) => [c, httpStatusOf(c)]))).toEqual({
      'invalid-input': 400,
      'not-found': 404,
      conflict: 409,
      unavailable: 503,
      io: 500,
      unauthorized: 403,
      cancelled: 500,
      internal: 500
    })
  })
})
