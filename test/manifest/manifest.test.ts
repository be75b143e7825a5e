import { describe, it, expect } from 'vitest';
import { commands } from '../../src/chat/commands';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const root = resolve(__dirname, '..', '..');
const manifestDir = join(root, 'manifest');
const schemaPath = join(root, 'node_modules/@microsoft/app-manifest/build/json-schemas/teams/v1.29/MicrosoftTeams.schema.json');
const SAMPLE_BOT_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

type Json = Record<string, any>;

function rawManifest(): Json {
  return JSON.parse(readFileSync(join(manifestDir, 'manifest.json'), 'utf8'));
}

function manifestWithBotId(botId = SAMPLE_BOT_ID): Json {
  return JSON.parse(JSON.stringify(rawManifest()).split('${{BOT_ID}}').join(botId));
}

function makeValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
}

// ---------------------------------------------------------------- PNG reader
interface Png {
  width: number;
  height: number;
  colorType: number;
  bitDepth: number;
  pixels: Buffer; // RGBA, width*height*4
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function readPng(buf: Buffer): Png {
  expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  let off = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = 0;
  let interlace = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8];
      colorType = data[9];
      interlace = data[12];
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    off += 12 + len;
  }
  // The decoder below handles 8-bit RGBA, non-interlaced — what scripts/make-icons.mjs writes.
  expect({ bitDepth, colorType, interlace }).toEqual({ bitDepth: 8, colorType: 6, interlace: 0 });
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  expect(raw.length).toBe((stride + 1) * height);
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= 4 ? pixels[y * stride + x - 4] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4] : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (pred === undefined) throw new Error(`bad PNG filter type ${filter} on row ${y}`);
      pixels[y * stride + x] = (v + pred) & 0xff;
    }
  }
  return { width, height, colorType, bitDepth, pixels };
}

// ---------------------------------------------------------------- ZIP reader (central directory)
interface ZipEntry {
  name: string;
  data: Buffer;
}

function readZip(buf: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  expect(eocd).toBeGreaterThanOrEqual(0);
  const count = buf.readUInt16LE(eocd + 10);
  let off = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    expect(buf.readUInt32LE(off)).toBe(0x02014b50);
    const method = buf.readUInt16LE(off + 10);
    const compressedSize = buf.readUInt32LE(off + 20);
    const size = buf.readUInt32LE(off + 24);
    const nameLen = buf.readUInt16LE(off + 28);
    const extraLen = buf.readUInt16LE(off + 30);
    const commentLen = buf.readUInt16LE(off + 32);
    const localOff = buf.readUInt32LE(off + 42);
    const name = buf.toString('utf8', off + 46, off + 46 + nameLen);
    expect(buf.readUInt32LE(localOff)).toBe(0x04034b50);
    const start = localOff + 30 + buf.readUInt16LE(localOff + 26) + buf.readUInt16LE(localOff + 28);
    const stored = buf.subarray(start, start + compressedSize);
    expect([0, 8]).toContain(method);
    const data = method === 8 ? inflateRawSync(stored) : Buffer.from(stored);
    expect(data.length).toBe(size);
    entries.push({ name, data });
    off += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function runPackage(args: string[], env: NodeJS.ProcessEnv) {
  return execFileSync('node', ['scripts/package-app.mjs', ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const n of names) delete env[n];
  return env;
}

// ---------------------------------------------------------------- tests
describe('manifest/manifest.json', () => {
  // The manifest lists exactly the chat commands the bot answers.
  const expectedCommands = Object.keys(commands);

  it('validates against the official Teams v1.29 schema once the bot id is filled in', () => {
    const validate = makeValidator();
    const ok = validate(manifestWithBotId());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the validator is live: unknown top-level key, missing accentColor, wrong manifestVersion, placeholder botId all fail', () => {
    const validate = makeValidator();

    const extraKey = { ...manifestWithBotId(), _source: 'https://example.com' };
    expect(validate(extraKey)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties')).toBe(true);

    const noAccent = manifestWithBotId();
    delete noAccent.accentColor;
    expect(validate(noAccent)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'required')).toBe(true);

    expect(validate({ ...manifestWithBotId(), manifestVersion: '1.28' })).toBe(false);

    // The unsubstituted template is not a valid manifest (botId must be a GUID).
    expect(validate(rawManifest())).toBe(false);
    expect(validate.errors?.some((e) => e.instancePath === '/bots/0/botId')).toBe(true);
  });

  it('has the agreed identity, version, schema and bot settings', () => {
    const m = rawManifest();
    expect(m.$schema).toBe('https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/MicrosoftTeams.schema.json');
    expect(m.manifestVersion).toBe('1.29');
    expect(m.version).toBe('0.1.0');
    expect(m.id).toBe('${{BOT_ID}}');
    expect(m.developer.name).toBe('Mail Flow Doctor');
    for (const k of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
      expect(m.developer[k]).toMatch(/^https:\/\/github\.com\/mail-flow-doctor/);
    }
    expect(m.name).toEqual({ short: 'Mail Flow Doctor', full: 'Mail Flow Doctor for Exchange Online' });
    expect(m.description.short.length).toBeLessThanOrEqual(80);
    expect(m.description.full).toMatch(/4\.4\.316/);
    expect(m.description.full).toMatch(/Russian/);
    expect(m.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(m.accentColor).toMatch(/^#[0-9a-fA-F]{6}$/);
    expect(m).not.toHaveProperty('webApplicationInfo');

    expect(m.bots).toHaveLength(1);
    const bot = m.bots[0];
    expect(bot.botId).toBe('${{BOT_ID}}');
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(bot.supportsFiles).toBe(false);
    expect(bot.isNotificationOnly).toBe(false);
  });

  it('commits no fixed app or bot id: the only ids are the ${{BOT_ID}} placeholder the package fills in', () => {
    const text = readFileSync(join(manifestDir, 'manifest.json'), 'utf8');
    expect(text.match(/[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}/g)).toBeNull();
    // The app's id, the bot's and the message extension's (the same bot).
    expect(text.match(/\$\{\{[^}]*\}\}/g)).toEqual(['${{BOT_ID}}', '${{BOT_ID}}', '${{BOT_ID}}']);
  });

  it('has the message action on messages and the explain search in the compose box, served by the bot', () => {
    const [extension] = manifestWithBotId().composeExtensions;
    expect(extension.botId).toBe(manifestWithBotId().bots[0].botId);
    expect(extension.commands).toEqual([
      expect.objectContaining({ id: 'diagnoseMessage', type: 'action', context: ['message'], title: 'Diagnose with Mail Flow Doctor', fetchTask: false }),
      expect.objectContaining({ id: 'explain', type: 'query', context: ['compose', 'commandBox'] }),
    ]);
  });

  it('points privacyUrl and termsOfUseUrl at the privacy and terms pages shipped in this repository', () => {
    const { developer } = rawManifest();
    for (const [key, file] of [
      ['privacyUrl', 'docs/privacy.md'],
      ['termsOfUseUrl', 'docs/terms.md'],
    ]) {
      expect(developer[key]).toBe(`https://github.com/mail-flow-doctor/mail-flow-doctor/blob/main/${file}`);
      expect(readFileSync(join(root, file), 'utf8')).toMatch(/^# /);
    }
  });

  it('lists the same commands for every scope, titles <= 32 and descriptions <= 128 chars', () => {
    const bot = rawManifest().bots[0];
    const listScopes = bot.commandLists.flatMap((l: Json) => l.scopes).sort();
    expect(listScopes).toEqual(['groupChat', 'personal', 'team']);
    for (const list of bot.commandLists) {
      expect(list.commands.map((c: Json) => c.title)).toEqual(expectedCommands);
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(32);
        expect(typeof c.description).toBe('string');
        expect(c.description.length).toBeGreaterThan(0);
        expect(c.description.length).toBeLessThanOrEqual(128);
      }
    }
  });
});

describe('icons', () => {
  it('color.png is a 192x192 opaque square on the accent colour (corners = background)', () => {
    const png = readPng(readFileSync(join(manifestDir, 'color.png')));
    expect([png.width, png.height]).toEqual([192, 192]);
    const accent = rawManifest().accentColor as string;
    const rgb = [1, 3, 5].map((i) => parseInt(accent.slice(i, i + 2), 16));
    const px = (x: number, y: number) => [...png.pixels.subarray((y * 192 + x) * 4, (y * 192 + x) * 4 + 4)];
    // Square, not rounded: every corner pixel is the solid background.
    for (const [x, y] of [
      [0, 0],
      [191, 0],
      [0, 191],
      [191, 191],
    ])
      expect(px(x, y)).toEqual([...rgb, 255]);
    // Fully opaque, and the symbol stays inside the central 96x96 area (48 px padding).
    let symbolPixels = 0;
    const notOpaque: string[] = [];
    const inPadding: string[] = [];
    for (let y = 0; y < 192; y++) {
      for (let x = 0; x < 192; x++) {
        const p = px(x, y);
        if (p[3] !== 255) notOpaque.push(`(${x},${y})`);
        const isBackground = p[0] === rgb[0] && p[1] === rgb[1] && p[2] === rgb[2];
        if (!isBackground) {
          symbolPixels++;
          if (!(x >= 48 && x < 144 && y >= 48 && y < 144)) inPadding.push(`(${x},${y})`);
        }
      }
    }
    expect(notOpaque).toEqual([]);
    expect(inPadding).toEqual([]);
    expect(symbolPixels).toBeGreaterThan(500);
  });

  it('outline.png is 32x32, every pixel either fully transparent or white', () => {
    const png = readPng(readFileSync(join(manifestDir, 'outline.png')));
    expect([png.width, png.height]).toEqual([32, 32]);
    let opaque = 0;
    let transparent = 0;
    const bad: string[] = [];
    for (let p = 0; p < 32 * 32; p++) {
      const [r, g, b, a] = png.pixels.subarray(p * 4, p * 4 + 4);
      if (a === 0) transparent++;
      else if (r === 255 && g === 255 && b === 255) opaque++;
      else bad.push(`(${p % 32},${Math.floor(p / 32)})=${r},${g},${b},${a}`);
    }
    expect(bad).toEqual([]);
    expect(opaque).toBeGreaterThan(100); // something is drawn
    expect(transparent).toBeGreaterThan(100); // on a transparent background
    // Corners are background.
    for (const p of [0, 31, 31 * 32, 32 * 32 - 1]) expect(png.pixels[p * 4 + 3]).toBe(0);
  });
});

describe('scripts/package-app.mjs', () => {
  it('writes a zip with manifest.json, color.png, outline.png and the bot id substituted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-pkg-'));
    try {
      const out = join(dir, 'nested', 'app.zip');
      const stdout = runPackage(['--out', out], {
        ...envWithout('BOT_ID', 'APP_VERSION'),
        MicrosoftAppId: SAMPLE_BOT_ID,
      });
      expect(stdout).toContain(out);
      const entries = readZip(readFileSync(out));
      expect(entries.map((e) => e.name).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

      const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8'));
      expect(manifest.id).toBe(SAMPLE_BOT_ID);
      expect(manifest.bots[0].botId).toBe(SAMPLE_BOT_ID);
      expect(manifest.$schema).toBe(rawManifest().$schema);
      expect(manifest.developer).toEqual(rawManifest().developer);
      expect(manifest.version).toBe('0.1.0');
      expect(JSON.stringify(manifest)).not.toContain('${{');
      const validate = makeValidator();
      expect(validate(manifest)).toBe(true);

      for (const icon of ['color.png', 'outline.png']) {
        expect(entries.find((e) => e.name === icon)!.data.equals(readFileSync(join(manifestDir, icon)))).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts BOT_ID and APP_VERSION', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-pkg-'));
    try {
      const out = join(dir, 'app.zip');
      runPackage(['--out', out], { ...envWithout('MicrosoftAppId'), BOT_ID: SAMPLE_BOT_ID, APP_VERSION: '2.3.4' });
      const entries = readZip(readFileSync(out));
      const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8'));
      expect(manifest.id).toBe(SAMPLE_BOT_ID);
      expect(manifest.bots[0].botId).toBe(SAMPLE_BOT_ID);
      expect(manifest.version).toBe('2.3.4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts PRIVACY_URL and TERMS_URL into the package, still valid against the schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-pkg-'));
    try {
      const out = join(dir, 'app.zip');
      runPackage(['--out', out], {
        ...envWithout('BOT_ID', 'APP_VERSION'),
        MicrosoftAppId: SAMPLE_BOT_ID,
        PRIVACY_URL: 'https://contoso.example/mail-flow-doctor/privacy',
        TERMS_URL: 'https://contoso.example/mail-flow-doctor/terms',
      });
      const manifest = JSON.parse(
        readZip(readFileSync(out))
          .find((e) => e.name === 'manifest.json')!
          .data.toString('utf8'),
      );
      expect(manifest.developer.privacyUrl).toBe('https://contoso.example/mail-flow-doctor/privacy');
      expect(manifest.developer.termsOfUseUrl).toBe('https://contoso.example/mail-flow-doctor/terms');
      expect(makeValidator()(manifest)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  function expectFailure(env: NodeJS.ProcessEnv, messagePattern: RegExp) {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-pkg-'));
    try {
      let error: any;
      try {
        runPackage(['--out', join(dir, 'app.zip')], env);
      } catch (err) {
        error = err;
      }
      expect(error, 'package script should have failed').toBeDefined();
      expect(error.status).not.toBe(0);
      expect(String(error.stderr)).toMatch(messagePattern);
      expect(() => readFileSync(join(dir, 'app.zip'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('exits non-zero naming MicrosoftAppId when no bot id is set', () => {
    expectFailure(envWithout('MicrosoftAppId', 'BOT_ID'), /MicrosoftAppId/);
  });

  it('exits non-zero when the bot id is not a GUID', () => {
    expectFailure({ ...envWithout('BOT_ID'), MicrosoftAppId: 'not-a-guid' }, /MicrosoftAppId.*GUID/);
  });

  it('exits non-zero when PRIVACY_URL or TERMS_URL is not an https URL', () => {
    expectFailure({ ...envWithout('BOT_ID'), MicrosoftAppId: SAMPLE_BOT_ID, PRIVACY_URL: 'http://contoso.example/privacy' }, /PRIVACY_URL.*https/);
    expectFailure({ ...envWithout('BOT_ID'), MicrosoftAppId: SAMPLE_BOT_ID, TERMS_URL: 'terms.md' }, /TERMS_URL.*https/);
  });

  it('exits non-zero on a malformed APP_VERSION', () => {
    expectFailure({ ...envWithout('BOT_ID'), MicrosoftAppId: SAMPLE_BOT_ID, APP_VERSION: 'v1' }, /APP_VERSION/);
  });
});
