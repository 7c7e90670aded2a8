/** A StudioService wired for plain Node (serve, tests): file settings, forked trainer workers. */
import { StudioService } from '../services/studio-service'
import { FileSettingsStore } from '../services/settings'
import { ForkWorkerLauncher, type ForkOptions } from '../services/worker-launcher'
import { createDatasetsPort } from '../services/datasets-port'

/** Builds the service for a data dir; `worker` overrides where the trainer script is. */
export function createNodeService(dataDir: string, worker?: ForkOptions): StudioService {
  return new StudioService({
    dataDir,
    settings: FileSettingsStore.forDataDir(dataDir),
    launcher: new ForkWorkerLauncher(worker),
    transport: 'serve',
    datasets: createDatasetsPort(dataDir)
  })
}
