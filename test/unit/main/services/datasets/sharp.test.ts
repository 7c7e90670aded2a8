/**
 * sharp loads on first use: a broken libvips fails the request that needs it with `unavailable`
 * and its reason (the app still starts), and a later attempt may load it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadSharp, sharpLoader } from '../../../../../src/main/services/datasets/sharp'

afterEach(() => vi.restoreAllMocks())

describe('loadSharp', () => {
  it('turns a load failure into an actionable unavailable error, then retries', async () => {
    const real = sharpLoader.load
    const spy = vi
      .spyOn(sharpLoader, 'load')
      .mockRejectedValueOnce(new Error('libvips-cpp.so.42: cannot open shared object file\nmore'))
    await expect(loadSharp()).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('libvips-cpp.so.42: cannot open shared object file)')
    })
    spy.mockImplementation(real)
    const sharp = await loadSharp()
    expect(typeof sharp).toBe('function')
    expect(spy).toHaveBeenCalledTimes(2)
  })
})
