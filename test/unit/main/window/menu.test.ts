/**
 * The native menu lists only views that exist: its View items navigate to exactly the contract's
 * VIEWS, and test/unit/renderer/router.test.ts checks that each of those is a route.
 */
import { describe, expect, it, vi } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'

const built = vi.hoisted(() => ({ template: [] as MenuItemConstructorOptions[] }))
vi.mock('electron', () => ({
  app: { getVersion: (): string => '0.0.0' },
  dialog: {},
  Menu: {
    buildFromTemplate: (t: MenuItemConstructorOptions[]): object => {
      built.template = t
      return {}
    },
    setApplicationMenu: (): void => undefined
  }
}))

const { installMenu } = await import('../../../../src/main/window/menu')
import { VIEWS, type AppCommand } from '../../../../src/shared/contract'

function items(t: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return t.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])])
}

describe('native menu views', () => {
  it('the View items navigate to exactly the contract views', () => {
    const sent: AppCommand[] = []
    installMenu({
      window: () => undefined,
      command: (c) => sent.push(c),
      info: async () => undefined,
      isDev: false
    })
    const view = built.template.find((i) => i.label === 'View')
    const viewItems = (view?.submenu as MenuItemConstructorOptions[]).filter((i) => i.click)
    for (const i of viewItems) (i.click as () => void)()
    expect(sent.map((c) => (c.action === 'navigate' ? c.view : c.action))).toEqual([...VIEWS])
    // Nothing else in the menu navigates.
    expect(items(built.template).filter((i) => i.click).length).toBe(VIEWS.length + 3)
  })
})
