import type { ModelRefInput, RequestResult } from '../../api'

/** Generator facts from `explorer:info`. */
export type ExplorerInfo = RequestResult<'explorer:info'>
/** A saved latent. */
export type Bookmark = RequestResult<'explorer:bookmarks'>[number]
/** Nearest training images of a sample. */
export type NearestResult = RequestResult<'explorer:nearest'>
/** How two latents are joined. */
export type InterpolationMode = 'linear' | 'slerp'
/** Seeds or exact latents, as explorer requests take them. */
export type LatentSource = { seeds: number[] } | { latents: number[][] }
/** The generator every explorer and export request renders with. */
export type ModelRef = ModelRefInput & { ema: boolean }

/** One picked image: where its latent came from and the latent itself. */
export interface Pick {
  seed?: number
  latent: number[]
  image: string
}

/** Runs a request and reports its failure to the user under `title`; null when it failed. */
export type Guard = <T>(title: string, fn: () => Promise<T>) => Promise<T | null>
