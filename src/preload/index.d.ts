import type { StudioApi } from '../shared/contract'

declare global {
  interface Window {
    /** The studio API exposed by the preload (desktop app only; absent in a browser under serve). */
    studio?: StudioApi
  }
}

export {}
