/** The explorer and export ports for a data dir, rendering in an inference worker process. */
import type { BackendChoice } from '../../../shared/hyperparams'
import type { WorkerLauncher } from '../worker-launcher'
import { ExplorerService } from './explorer-service'
import { InferenceWorkerClient } from './inference-client'

export { ExplorerService } from './explorer-service'
export { InferenceWorkerClient, defaultInferenceWorker } from './inference-client'

/**
 * An ExplorerService whose rendering runs in a lazily started inference worker. `backend` and
 * `threads` are read when the worker starts (the settings' compute backend and thread count). `launcher` starts the worker: fork by
 * default; in the packaged app pass a utilityProcess launcher of `out/main/inference-worker.js`
 * (the RunAsNode fuse is off there, so fork cannot start Node).
 */
export function createExplorerPorts(
  dataDir: string,
  backend: () => BackendChoice = () => 'auto',
  launcher?: WorkerLauncher,
  threads?: () => number
): ExplorerService {
  const client = new InferenceWorkerClient({
    backend,
    ...(threads ? { threads } : {}),
    ...(launcher ? { launcher } : {})
  })
  return new ExplorerService(dataDir, client.api())
}
