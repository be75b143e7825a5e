import fs from 'node:fs';
import path from 'node:path';
import { LOCALES, type Locale } from '../knowledge/load-knowledge';
import { projectPath } from '../project-root';

export type UiKey = keyof typeof import('./locales/en.json');
export type UiStrings = Record<UiKey, string>;
export type UiCatalog = Readonly<Record<Locale, UiStrings>>;

/** Card labels per locale, loaded once; a key missing in a translation falls back to English. */
export function loadUiStrings(dir = projectPath('src', 'render', 'locales')): UiCatalog {
  const out = {} as Record<Locale, UiStrings>;
  const en = JSON.parse(fs.readFileSync(path.join(dir, 'en.json'), 'utf8')) as UiStrings;
  for (const locale of LOCALES) {
    const strings = JSON.parse(fs.readFileSync(path.join(dir, `${locale}.json`), 'utf8')) as Partial<UiStrings>;
    out[locale] = { ...en, ...strings } as UiStrings;
  }
  return out;
}
