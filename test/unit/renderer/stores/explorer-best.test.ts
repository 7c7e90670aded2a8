// @vitest-environment happy-dom
/**
 * The explorer opens a run's best-FD checkpoint by default (not the newest), and a step from the
 * URL still wins over it.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeStudio, type FakeStudio } from '../helpers/fake-studio'
import { runRecord } from '../helpers/fixtures'
import type { CheckpointInfo } from '../../../../src/shared/domain'

const fake: FakeStudio = vi.hoisted(() => ({}) as FakeStudio)
vi.mock('../../../../src/renderer/src/api', () => ({
  get studio() {
    return fake.api
  }
}))

import { useExplorerStore } from '../../../../src/renderer/src/stores/explorer'

const ckpt = (step: number, extra: Partial<CheckpointInfo> = {}): CheckpointInfo => ({
  name: `ckpt-${String(step).padStart(6, '0')}`,
  step,
  pinned: false,
  latest: false,
  bytes: 1,
  time: 0,
  ...extra
})

beforeEach(() => {
  Object.assign(fake, createFakeStudio())
  setActivePinia(createPinia())
  fake.fn('runs', 'list').mockResolvedValue([{ ...runRecord('a', { step: 2000 }), live: false }])
  fake
    .fn('checkpoints', 'list')
    .mockResolvedValue([ckpt(2000, { latest: true }), ckpt(1500), ckpt(1200, { bestFd: 6.1 }), ckpt(1000)])
  fake.fn('explorer', 'bookmarks').mockResolvedValue([])
  fake.fn('explorer', 'info').mockRejectedValue(new Error('no generator in this test'))
})

describe('explorer default checkpoint', () => {
  test('opens the best-FD checkpoint when no step is asked for', async () => {
    const ex = useExplorerStore()
    await ex.open('a')
    expect(ex.checkpoint).toBe('ckpt-001200')
  })

  test('a step from the URL wins over the best one', async () => {
    const ex = useExplorerStore()
    await ex.open('a', 1600)
    expect(ex.checkpoint).toBe('ckpt-001500')
  })
})
