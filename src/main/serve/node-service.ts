/** A StudioService wired for plain Node (serve, tests): file settings, forked trainer workers. */
import { StudioService } from '../services/studio-service'
import { FileSettingsStore } from '../services/settings'
import { ForkWorkerLauncher, type ForkOptions } from '../services/worker-launcher'
import { createDatasetsPort } from '../services/datasets-port'
import { createExplorerPorts } from '../services/explorer'

/** Builds the service for a data dir; `worker` overrides where the trainer script is. */
export function createNodeService(dataDir: string, worker?: ForkOptions): StudioService {
  const settings = FileSettingsStore.forDataDir(dataDir)
  const explorer = createExplorerPorts(
    dataDir,
    () => settings.get().backend,
    undefined,
    () => settings.get().threads
  )
  return new StudioService({
    dataDir,
    settings,
    launcher: new ForkWorkerLauncher(worker),
    transport: 'serve',
    datasets: createDatasetsPort(dataDir),
    explorer,
    exporter: explorer
  })
}
