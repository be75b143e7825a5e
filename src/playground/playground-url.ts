import type { Config } from '../config';

/** The address `npm start` prints for the playground, or null when it is off. */
export function playgroundUrl(config: Pick<Config, 'playground'>, port: number): string | null {
  return config.playground ? `http://localhost:${port}/` : null;
}
