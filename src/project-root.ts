import path from 'node:path';

/** The checkout's root, whether running from src/ (tests) or dist/ (npm start): both sit one level below it. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

export const projectPath = (...parts: string[]) => path.join(PROJECT_ROOT, ...parts);
