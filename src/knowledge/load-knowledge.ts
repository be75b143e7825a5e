import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../project-root';
import type { KnowledgeFile } from './types';

export type Locale = 'en' | 'ru';
export const LOCALES: readonly Locale[] = ['en', 'ru'];
export const DEFAULT_LOCALE: Locale = 'en';

/** "ru-RU", "ru", "RU_ru" → "ru"; anything we have no texts for → English. */
export function pickLocale(tag: string | undefined | null): Locale {
  const lang =
    String(tag ?? '')
      .trim()
      .toLowerCase()
      .split(/[-_]/)[0] ?? '';
  return (LOCALES as readonly string[]).includes(lang) ? (lang as Locale) : DEFAULT_LOCALE;
}

export type KnowledgeBase = Readonly<Record<Locale, KnowledgeFile>>;

/** Loads every locale's knowledge file once, at start-up. */
export function loadKnowledge(dir = projectPath('src', 'knowledge', 'locales')): KnowledgeBase {
  const kb = {} as Record<Locale, KnowledgeFile>;
  for (const locale of LOCALES) {
    kb[locale] = JSON.parse(fs.readFileSync(path.join(dir, `${locale}.json`), 'utf8')) as KnowledgeFile;
  }
  return kb;
}
