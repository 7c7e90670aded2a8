/**
 * The renderer's one door to the studio. In the desktop app that is `window.studio` (the
 * preload's IPC bridge); in a browser under `gan-studio serve` it is a WebSocket client to the
 * page's own host, with the token from the URL. Stores import `studio` from here; nothing else
 * touches window.studio.
 */
import type { StudioApi } from '../../../shared/contract'
import { bridgedStudio } from './bridge'
import { createWsStudio, readToken, wsUrlFor } from './ws-transport'

function connect(): StudioApi {
  // contextBridge refuses Proxies in payloads and flattens errors: bridge.ts handles both.
  if (typeof window !== 'undefined' && window.studio) return bridgedStudio(window.studio)
  const token = readToken(window.location, window.sessionStorage) ?? ''
  // Without a token every request fails with `unauthorized`, which the UI shows with advice.
  return createWsStudio({ wsUrl: wsUrlFor(window.location), httpOrigin: window.location.origin, token })
    .studio
}

/** The studio API for this window. */
export const studio: StudioApi = connect()

export type * from '../../../shared/contract'
