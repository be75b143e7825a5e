import type { Config } from '../config';
import type { Logger } from '../log/logger';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './store';

/** The configured engine: SQLite in DATA_DIR (one instance), or Azure Blob Storage (several instances). */
export async function openStore(config: Config, logger: Logger): Promise<Store> {
  if (config.storage.kind === 'azure-blob') {
    // Loaded only when configured: the Azure SDK is not needed (nor paid for at start-up) by a single instance.
    const { openAzureBlobStore } = await import('./azure-blob-store');
    return openAzureBlobStore({ connectionString: config.storage.connectionString, container: config.storage.container, logger });
  }
  return openSqliteStore(config.dataDir);
}
