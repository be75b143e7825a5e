import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KnowledgeFile } from '../../src/knowledge/types';

const dir = path.join(__dirname, '../../src/knowledge/locales');
const LOCALES = ['en', 'ru'] as const;
const CONNECTOR_CODES = ['4.4.312', '4.4.315', '4.4.316', '4.4.317', '4.4.318', '4.7.320'];

function load(locale: string): KnowledgeFile {
  return JSON.parse(fs.readFileSync(path.join(dir, `${locale}.json`), 'utf8')) as KnowledgeFile;
}

/** Every string anywhere in a value, with its JSON path. */
function strings(value: unknown, at = '$'): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}.${k}`));
  }
  return [];
}

const sorted = (o: object) => Object.keys(o).sort();

describe('knowledge locale files', () => {
  it('both files parse and declare their locale', () => {
    for (const locale of LOCALES) {
      const kb = load(locale);
      expect(kb.locale).toBe(locale);
      expect(typeof kb.codes).toBe('object');
      expect(typeof kb.partner).toBe('string');
      expect(kb.partner.length).toBeGreaterThan(0);
      expect(kb.ipRangesUrl).toMatch(/^https:\/\//);
      expect(kb.other.meaning.length).toBeGreaterThan(0);
      expect(kb.other.fixes.length).toBeGreaterThan(0);
      expect(kb.unlisted.meaning.length).toBeGreaterThan(0);
      expect(kb.unlisted.fixes.length).toBeGreaterThan(0);
    }
  });

  it('codes, rfc3463 and socketErrors have the same key sets in every locale', () => {
    const [en, ru] = LOCALES.map(load);
    expect(sorted(ru.codes)).toEqual(sorted(en.codes));
    expect(sorted(ru.rfc3463.class)).toEqual(sorted(en.rfc3463.class));
    expect(sorted(ru.rfc3463.subject)).toEqual(sorted(en.rfc3463.subject));
    expect(sorted(ru.rfc3463.detail)).toEqual(sorted(en.rfc3463.detail));
    expect(sorted(ru.socketErrors)).toEqual(sorted(en.socketErrors));
  });

  it('structural fields (docUrl, flags, expiredFormOf, socket names) agree between locales', () => {
    const [en, ru] = LOCALES.map(load);
    for (const [code, e] of Object.entries(en.codes)) {
      const r = ru.codes[code];
      expect(r.docUrl, code).toBe(e.docUrl);
      expect(r.connector, code).toBe(e.connector);
      expect(r.retried, code).toBe(e.retried);
      expect(r.expiredFormOf, code).toBe(e.expiredFormOf);
    }
    for (const [n, e] of Object.entries(en.socketErrors)) {
      expect(ru.socketErrors[n].name, n).toBe(e.name);
    }
  });

  it('every code entry has a name, meaning, causes, fixes and an https docUrl', () => {
    for (const locale of LOCALES) {
      for (const [code, k] of Object.entries(load(locale).codes)) {
        const where = `${locale} ${code}`;
        expect(k.name.trim().length, where).toBeGreaterThan(0);
        expect(k.meaning.trim().length, where).toBeGreaterThan(0);
        expect(k.causes.length, where).toBeGreaterThan(0);
        expect(k.fixes.length, where).toBeGreaterThan(0);
        for (const s of [...k.causes, ...k.fixes]) expect(s.trim().length, where).toBeGreaterThan(0);
        expect(k.docUrl, where).toMatch(/^https:\/\/\S+$/);
        if (k.expiredFormOf !== undefined) {
          expect(Object.keys(load(locale).codes), where).toContain(k.expiredFormOf);
        }
      }
    }
  });

  it('the six connector codes are marked as connector errors', () => {
    for (const locale of LOCALES) {
      const kb = load(locale);
      for (const code of CONNECTOR_CODES) {
        expect(kb.codes[code], `${locale} ${code}`).toBeDefined();
        expect(kb.codes[code].connector, `${locale} ${code}`).toBe(true);
        expect(kb.codes[code].retried, `${locale} ${code}`).toBe(true);
      }
    }
  });

  it('the partner sentence is not repeated inside the fixes', () => {
    for (const locale of LOCALES) {
      const kb = load(locale);
      for (const [code, k] of Object.entries(kb.codes)) {
        expect(k.fixes, `${locale} ${code}`).not.toContain(kb.partner);
      }
    }
  });

  it('Russian texts of the six connector codes are in Cyrillic', () => {
    const ru = load('ru');
    const cyrillic = /[\u0400-\u04FF]/;
    for (const code of CONNECTOR_CODES) {
      const k = ru.codes[code];
      for (const s of [k.name, k.meaning, ...k.causes, ...k.fixes]) {
        expect(s, code).toMatch(cyrillic);
      }
    }
    expect(ru.partner).toMatch(cyrillic);
    expect(ru.other.meaning).toMatch(cyrillic);
    for (const s of [ru.unlisted.meaning, ...ru.unlisted.fixes]) expect(s).toMatch(cyrillic);
  });

  it('every Russian text a card shows has Cyrillic words; only links, kinds, code names and socket error names do not', () => {
    // A detail's `match` is Microsoft's or the remote server's own wording, the same in every locale.
    const structural =
      /^\$\.(locale|ipRangesUrl|codes\..+\.(docUrl|expiredFormOf|remediations\[\d+\])|socketErrors\.\d+\.name|details\.entries\[\d+\]\.match)$/;
    const latinOnly = strings(load('ru')).filter(([at, s]) => !structural.test(at) && !/[\u0400-\u04FF]/.test(s));
    expect(latinOnly).toEqual([]);
    // Socket error meanings are sentences in Russian, the Windows names stay as Windows prints them.
    for (const [n, e] of Object.entries(load('ru').socketErrors)) expect(e.meaning, n).toMatch(/^[А-ЯЁ]/);
  });

  it('reads the same error details in every locale: the match phrases are the text Microsoft 365 and servers send', () => {
    const matches = (locale: string) => load(locale).details.entries.map((e: { match: string }) => e.match);
    for (const locale of LOCALES) expect(matches(locale)).toEqual(matches('en'));
  });

  it('names accepted domain types as the Russian Exchange admin center does', () => {
    const text = strings(load('ru'))
      .map(([, s]) => s)
      .join('\n');
    expect(text).not.toMatch(/«Полномочный»|доменом? полномочным/);
    expect(text).toContain('«Заслуживающий доверия» (Authoritative)');
  });

  it('no string contains template, HTML or markdown sequences', () => {
    for (const locale of LOCALES) {
      for (const [at, s] of strings(load(locale))) {
        for (const bad of ['${', '<', '](', '**']) {
          expect(s.includes(bad), `${locale} ${at} contains ${bad}: ${s}`).toBe(false);
        }
      }
    }
  });
});
