import fs from 'node:fs';
import path from 'node:path';

export interface Asset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * The page's files, read once at start-up: the files directly in `dir` with a known type, by name. A
 * request can only ever name one of these, so there is no path to traverse.
 */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of fs.readdirSync(dir)) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    const file = path.join(dir, name);
    if (contentType && fs.statSync(file).isFile()) assets.set(name, { body: fs.readFileSync(file), contentType });
  }
  return assets;
}

/**
 * Microsoft's Adaptive Cards renderer for the browser, from the installed `adaptivecards` package (a
 * development dependency): undefined when it is not installed, and the page says so.
 */
export function loadAdaptiveCardsBundle(): Asset | undefined {
  try {
    const file = require.resolve('adaptivecards/dist/adaptivecards.min.js');
    // The bundle ends with a sourceMappingURL comment for a file the page does not serve; drop it.
    const text = fs.readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    return { body: Buffer.from(text, 'utf8'), contentType: CONTENT_TYPES['.js'] };
  } catch {
    return undefined;
  }
}
