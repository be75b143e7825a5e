import type { Config } from '../config';

/**
 * One line for a store that cannot be opened at start-up: what is wrong and what to do, instead of a stack.
 * The Azure connection string is never repeated (it holds the account key).
 */
export function describeOpenError(err: unknown, config: Pick<Config, 'storage' | 'dataDir'>): string {
  const code = String((err as { code?: unknown })?.code ?? '');
  const message = String((err as Error)?.message ?? err);
  if (config.storage.kind === 'azure-blob') {
    const status = (err as { statusCode?: number })?.statusCode;
    if (status === 403)
      return 'Mail Flow Doctor cannot open its store: Azure Blob Storage refused the account key (403). Check AZURE_STORAGE_CONNECTION_STRING.';
    return `Mail Flow Doctor cannot open its store: Azure Blob Storage container "${config.storage.container}" could not be reached or created (${code || status || 'no answer'}). Check AZURE_STORAGE_CONNECTION_STRING and that the storage account is reachable from here.`;
  }
  const where = `DATA_DIR ${config.dataDir}`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_READONLY' || code === 'EROFS')
    return `Mail Flow Doctor cannot open its store: ${where} is not writable (${code}). Give the bot's user write access, or set DATA_DIR to a writable folder.`;
  if (code === 'ENOSPC' || code === 'SQLITE_FULL')
    return `Mail Flow Doctor cannot open its store: the disk holding ${where} is full (${code}). Free some space.`;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return `Mail Flow Doctor cannot open its store: the file in ${where} is not a readable SQLite database (${code}). Restore it from a backup, or move it aside to start with an empty store.`;
  if (code === 'ENOTDIR' || code === 'EEXIST') return `Mail Flow Doctor cannot open its store: ${where} is not a folder (${code}). Set DATA_DIR to a folder.`;
  return `Mail Flow Doctor cannot open its store in ${where}: ${message.split('\n', 1)[0]?.slice(0, 200)}${code ? ` (${code})` : ''}.`;
}
