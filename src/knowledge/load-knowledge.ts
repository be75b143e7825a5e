import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../project-root';
import { isChangeKind } from '../remediation/kinds';
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
    const file = JSON.parse(fs.readFileSync(path.join(dir, `${locale}.json`), 'utf8')) as KnowledgeFile;
    // A kind the table does not have would fail on a user's press; it fails here, at start-up, instead.
    for (const [code, entry] of Object.entries(file.codes)) {
      const unknown = (entry.remediations ?? []).filter((kind) => !isChangeKind(kind));
      if (unknown.length) throw new Error(`${locale}.json: ${code} names Fix now kinds that remediation/kinds does not have: ${unknown.join(', ')}`);
    }
    kb[locale] = file;
  }
  return kb;
}
