/**
 * A stand-in for the renderer's `api` module: every request is a `vi.fn` the test can program,
 * and `emit` delivers an event to whatever the stores subscribed.
 */
import { vi, type Mock } from 'vitest'
import type { EventMap, StudioApi } from '../../../../src/shared/contract'
import { EVENT_HANDLERS } from '../../../../src/shared/contract'

type Handler = keyof typeof EVENT_HANDLERS
type Listener = (data: unknown) => void

export interface FakeStudio {
  api: StudioApi
  /** `fn('runs', 'list')` is the mock behind `studio.runs.list`. */
  fn(domain: string, verb: string): Mock
  emit<K extends keyof EventMap>(event: K, data: EventMap[K]): void
  listenerCount(): number
  /** Stand-in for the api module's `onConnection`. */
  onConnection(cb: (up: boolean) => void): () => void
  /** Reports the connection going down or coming back to every `onConnection` listener. */
  connection(up: boolean): void
}

export function createFakeStudio(): FakeStudio {
  const groups: Record<string, Record<string, Mock>> = {}
  const listeners = new Map<string, Set<Listener>>()
  const connectionListeners = new Set<(up: boolean) => void>()
  const on: Record<string, (cb: Listener) => () => void> = {}
  for (const [handler, event] of Object.entries(EVENT_HANDLERS) as Array<[Handler, string]>) {
    on[handler] = (cb: Listener): (() => void) => {
      const set = listeners.get(event) ?? new Set<Listener>()
      set.add(cb)
      listeners.set(event, set)
      return () => set.delete(cb)
    }
  }
  const group = (domain: string): Record<string, Mock> =>
    (groups[domain] ??= new Proxy({} as Record<string, Mock>, {
      get(target, verb: string): Mock {
        return (target[verb] ??= vi.fn(async () => {
          throw new Error(`${domain}:${verb} was not programmed`)
        }))
      }
    }))
  const api = new Proxy(
    { on, fileUrl: (p: string) => `/files/${p}`, transport: 'serve' } as Record<string, unknown>,
    {
      get(target, key: string): unknown {
        if (key in target) return target[key]
        return group(key)
      }
    }
  ) as unknown as StudioApi
  return {
    api,
    fn: (domain, verb) => group(domain)[verb] as Mock,
    emit: (event, data) => {
      for (const cb of listeners.get(event) ?? []) cb(data)
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
    onConnection: (cb) => {
      connectionListeners.add(cb)
      return () => connectionListeners.delete(cb)
    },
    connection: (up) => {
      for (const cb of connectionListeners) cb(up)
    }
  }
}
