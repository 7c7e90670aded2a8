/** The explorer and export ports for a data dir, rendering in an inference worker process. */
import type { BackendChoice } from '../../../shared/hyperparams'
import { ExplorerService } from './explorer-service'
import { InferenceWorkerClient, defaultInferenceWorker, type InferenceWorkerOptions } from './inference-client'

export { ExplorerService } from './explorer-service'
export { InferenceWorkerClient, defaultInferenceWorker } from './inference-client'

/**
 * An ExplorerService whose rendering runs in a lazily started inference worker. `backend` is read
 * when the worker starts (the settings' compute backend).
 */
export function createExplorerPorts(dataDir: string, backend: () => BackendChoice = () => 'auto', worker: InferenceWorkerOptions = defaultInferenceWorker()): ExplorerService {
  const client = new InferenceWorkerClient({ ...worker, env: { ...worker.env, GAN_STUDIO_BACKEND: backend() } })
  return new ExplorerService(dataDir, client.api())
}
