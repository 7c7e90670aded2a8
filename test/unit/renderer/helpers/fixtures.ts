import type { RunRecord, StepMetrics } from '../../../../src/shared/domain'
import { defaultHyperparams } from '../../../../src/shared/hyperparams'

export function metric(step: number, extra: Partial<StepMetrics> = {}): StepMetrics {
  return {
    step,
    epoch: 0,
    lossD: 1 + step / 1000,
    lossG: 2 - step / 1000,
    dReal: 0.6,
    dFake: 0.4,
    msPerStep: 50,
    imagesPerSec: 640,
    time: 1_700_000_000_000 + step * 50,
    ...extra
  }
}

export function runRecord(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    name: `run ${id}`,
    created: '2026-01-01T00:00:00.000Z',
    updated: '2026-01-01T00:00:00.000Z',
    config: { ...defaultHyperparams(), steps: 300 },
    dataset: { id: 'mnist', fingerprint: 'f', count: 10000, shape: [28, 28, 1] },
    backend: 'wasm',
    status: 'running',
    step: 0,
    appVersion: '0.1.0',
    ...extra
  }
}
