/** Binds the dataset engineer's DatasetService to the StudioService's DatasetsPort. */
import { DatasetService } from './datasets/service'
import type { DatasetsPort } from './ports'

/** The dataset port for a data dir. */
export function createDatasetsPort(dataDir: string): DatasetsPort {
  return new DatasetService(dataDir) satisfies DatasetsPort
}
