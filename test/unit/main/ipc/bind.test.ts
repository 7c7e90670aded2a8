/**
 * The IPC sender check against frames shaped the way Chromium reports them: the app's page is
 * `app://renderer/index.html` with origin `app://renderer` (a standard scheme). Node's URL gives
 * `'null'` for that origin, which is how every request from the real page used to be refused.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'

type Handler = (event: unknown, payload: unknown) => Promise<unknown>
const handlers = new Map<string, Handler>()

vi.mock('electron', () => ({
  ipcMain: {
    handle: (name: string, h: Handler): void => void handlers.set(name, h),
    removeHandler: (name: string): void => void handlers.delete(name)
  }
}))

const { bindIpc, senderCheckFor } = await import('../../../../src/main/ipc/bind')
import type { StudioService } from '../../../../src/main/services/studio-service'
import type { IpcMainInvokeEvent, WebContents } from 'electron'

const APP = 'app://renderer'

function page(url: string, origin: string): { contents: WebContents; frame: object } {
  const frame = { url, origin }
  const contents = { mainFrame: frame, isDestroyed: () => false, send: vi.fn() } as unknown as WebContents
  return { contents, frame }
}

function eventFrom(sender: WebContents, senderFrame: object | null): IpcMainInvokeEvent {
  return { sender, senderFrame } as unknown as IpcMainInvokeEvent
}

describe('senderCheckFor', () => {
  it("trusts the app's own page at app://renderer", () => {
    const { contents, frame } = page(`${APP}/index.html#/runs`, APP)
    const check = senderCheckFor(() => contents, [APP])
    expect(check(eventFrom(contents, frame))).toBe(true)
  })

  it('trusts the dev server origin when it is allowed', () => {
    const { contents, frame } = page('http://localhost:5173/#/train', 'http://localhost:5173')
    expect(senderCheckFor(() => contents, [APP, 'http://localhost:5173'])(eventFrom(contents, frame))).toBe(
      true
    )
  })

  it('refuses another origin, an opaque origin, a sub frame and another web contents', () => {
    const { contents, frame } = page(`${APP}/index.html`, APP)
    const check = senderCheckFor(() => contents, [APP])
    const evil = page('https://evil.example/', 'https://evil.example')
    expect(check(eventFrom(evil.contents, evil.frame))).toBe(false)
    // Same contents, but its main frame navigated elsewhere.
    const moved = page('app://data/runs/x.png', 'app://data')
    expect(senderCheckFor(() => moved.contents, [APP])(eventFrom(moved.contents, moved.frame))).toBe(false)
    const opaque = page(`${APP}/index.html`, 'null')
    expect(senderCheckFor(() => opaque.contents, [APP])(eventFrom(opaque.contents, opaque.frame))).toBe(false)
    const sub = { url: `${APP}/index.html`, origin: APP }
    expect(check(eventFrom(contents, sub))).toBe(false)
    expect(check(eventFrom(contents, null))).toBe(false)
    expect(check(eventFrom(contents, frame))).toBe(true)
    expect(senderCheckFor(() => undefined, [APP])(eventFrom(contents, frame))).toBe(false)
  })
})

describe('bindIpc', () => {
  beforeEach(() => handlers.clear())

  it("answers the app's page and refuses any other sender", async () => {
    const dispatch = vi.fn(async () => ({ ok: true, value: 'pong' }))
    const service = { dispatch, subscribe: () => () => undefined } as unknown as StudioService
    const { contents, frame } = page(`${APP}/index.html`, APP)
    const unbind = bindIpc(
      service,
      () => contents,
      senderCheckFor(() => contents, [APP])
    )
    const info = handlers.get('app:info')
    expect(info).toBeDefined()
    await expect(info?.(eventFrom(contents, frame), {})).resolves.toEqual({ ok: true, value: 'pong' })
    const other = page('https://evil.example/', 'https://evil.example')
    await expect(info?.(eventFrom(other.contents, other.frame), {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unauthorized' }
    })
    expect(dispatch).toHaveBeenCalledTimes(1)
    unbind()
    expect(handlers.size).toBe(0)
  })
})
