/**
 * sharp (libvips), loaded on first use rather than when the main bundle starts: a missing or
 * broken libvips (a distro without the prebuilt's glibc, a damaged install) then fails the one
 * dataset import or thumbnail that needs it, with a message, instead of stopping the app.
 */
import type SharpFn from 'sharp'
import { StudioError } from '../../../shared/errors'

export type Sharp = typeof SharpFn

let loading: Promise<Sharp> | undefined

/** How the module is loaded; tests replace it to simulate a broken libvips. */
export const sharpLoader = {
  load: async (): Promise<Sharp> => {
    const m = (await import('sharp')) as unknown as { default?: Sharp } & Sharp
    return m.default ?? m
  }
}

/** The sharp function; rejects with `unavailable` and the loader's reason when libvips cannot load. */
export function loadSharp(): Promise<Sharp> {
  loading ??= sharpLoader.load().catch((err: unknown) => {
    loading = undefined // a later attempt may succeed (e.g. after a reinstall)
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err)
    throw new StudioError(
      'unavailable',
      `Image decoding is unavailable: sharp (libvips) could not load (${reason}). Reinstall GAN Studio; built-in datasets still work.`
    )
  })
  return loading
}
