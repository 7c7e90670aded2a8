/**
 * The renderer's WebSocket client survives a server restart: requests during the outage fail
 * with `unavailable` (or wait), and once the server is back the same client works again, events
 * included.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { startServer } from '../../src/main/serve/server'
import { startHarness, type Harness } from './helpers'

let h: Harness | undefined
afterAll(async () => {
  await h?.close()
})

describe('WsTransport reconnects', () => {
  it('works again after the server restarts on the same port and token', async () => {
    h = await startHarness({ tiny: false })
    expect(await h.studio.runs.list()).toEqual([])
    const { port, token } = h.server
    await h.server.close()
    // While down: a request either waits for the reconnect or fails as unavailable, never hangs forever.
    const during = h.studio.settings.get().then(
      () => 'ok',
      (e: { code: string }) => e.code
    )
    const again = await startServer({ service: h.service, rendererDir: h.rendererDir, port, token })
    h.server = again
    expect(['ok', 'unavailable']).toContain(await during)
    await expect
      .poll(
        () =>
          h!.studio.settings.get().then(
            () => true,
            () => false
          ),
        { timeout: 30_000, interval: 200 }
      )
      .toBe(true)
    const notices: string[] = []
    h.studio.on.notice((n) => notices.push(n.message))
    h.service.notify('info', 'hello again')
    await expect.poll(() => notices, { timeout: 10_000 }).toContain('hello again')
  })
})
