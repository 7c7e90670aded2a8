import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({ protocol: {} }))
const { APP_CSP } = await import('../../../../src/main/window/app-protocol')

describe('APP_CSP', () => {
  it('lets the app page open no WebSocket (it talks only through the preload)', () => {
    const connect = APP_CSP.split(';').find((d) => d.trim().startsWith('connect-src'))
    expect(connect?.trim()).toBe("connect-src 'self'")
    expect(APP_CSP).not.toMatch(/\bwss?:/)
  })
})
