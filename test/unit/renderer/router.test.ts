/**
 * Every view the native menu can navigate to (the contract's VIEWS, see
 * test/unit/main/window/menu.test.ts) is a named route; a menu command for a missing view would
 * silently fall through to the catch-all redirect.
 */
import { describe, expect, it } from 'vitest'
import { routes } from '../../../src/renderer/src/router'
import { VIEWS } from '../../../src/shared/contract'

describe('router', () => {
  it('has a route for every menu view', () => {
    const names = routes.map((r) => r.name).filter((n): n is string => typeof n === 'string')
    expect(names.length).toBeGreaterThan(0)
    for (const v of VIEWS) expect(names).toContain(v)
  })
})
