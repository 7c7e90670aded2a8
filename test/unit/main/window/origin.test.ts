import { describe, expect, it } from 'vitest'
import { frameOrigin, isAllowedOrigin, originOf } from '../../../../src/main/window/origin'

describe('originOf', () => {
  it('serialises a standard custom scheme as scheme://host, as Chromium does', () => {
    expect(originOf('app://renderer/index.html#/runs')).toBe('app://renderer')
    expect(originOf('app://data/runs/a/b.png')).toBe('app://data')
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173')
    expect(originOf('https://example.com:8443/a')).toBe('https://example.com:8443')
  })

  it('gives the opaque origin for URLs without a host and for garbage', () => {
    expect(originOf('about:blank')).toBe('null')
    expect(originOf('data:text/html,hi')).toBe('null')
    expect(originOf('not a url')).toBe('null')
  })
})

describe('frameOrigin / isAllowedOrigin', () => {
  it("prefers the frame's reported origin and never allows 'null'", () => {
    expect(frameOrigin({ url: '', origin: 'app://renderer' })).toBe('app://renderer')
    expect(frameOrigin({ url: 'app://renderer/index.html' })).toBe('app://renderer')
    expect(isAllowedOrigin('app://renderer', ['app://renderer'])).toBe(true)
    expect(isAllowedOrigin('null', ['null'])).toBe(false)
    expect(isAllowedOrigin('app://data', ['app://renderer'])).toBe(false)
  })
})
