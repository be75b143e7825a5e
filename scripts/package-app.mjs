#!/usr/bin/env node
// Builds the Teams app package (build/appPackage.zip): manifest.json + color.png + outline.png at the zip root.
//
//   MicrosoftAppId=<bot app id GUID> npm run package            (BOT_ID is accepted too)
//   APP_VERSION=1.2.3 MicrosoftAppId=... npm run package -- --out /tmp/app.zip
//   PRIVACY_URL=https://contoso.com/privacy TERMS_URL=https://contoso.com/terms MicrosoftAppId=... npm run package
//
// The placeholder "${{BOT_ID}}" in manifest/manifest.json (the app's `id` and `bots[0].botId`) is replaced by
// the GUID from the environment, so no fixed id is committed: each deployment's package carries its own
// bot's id, and the app id stays the same across uploads of that bot (Teams updates the app in place).
// PRIVACY_URL / TERMS_URL replace developer.privacyUrl / termsOfUseUrl (default: docs/privacy.md and
// docs/terms.md on the project's GitHub page).
// The manifest is validated against the official schema (node_modules/@microsoft/app-manifest) when that
// package and ajv-draft-04 are installed (they are devDependencies); otherwise only basic checks run.
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestDir = join(root, 'manifest');
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
const BOT_ID_PLACEHOLDER = '${{BOT_ID}}';
// Fixed timestamp so the same inputs always give the same zip bytes.
const ZIP_MTIME = new Date('2025-01-01T00:00:00Z');

function fail(message) {
  console.error(`package-app: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  let out = join(root, 'build', 'appPackage.zip');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out') {
      const value = argv[++i];
      if (!value) fail('--out needs a path, e.g. --out build/appPackage.zip');
      out = resolve(value);
    } else if (arg.startsWith('--out=')) {
      out = resolve(arg.slice('--out='.length));
    } else if (arg === '--help' || arg === '-h') {
      console.log('usage: MicrosoftAppId=<GUID> [APP_VERSION=x.y.z] [PRIVACY_URL=https://…] [TERMS_URL=https://…] node scripts/package-app.mjs [--out <path>]');
      process.exit(0);
    } else {
      fail(`unknown argument ${arg}; usage: node scripts/package-app.mjs [--out <path>]`);
    }
  }
  return { out };
}

function botIdFromEnv() {
  for (const name of ['MicrosoftAppId', 'BOT_ID']) {
    const value = process.env[name]?.trim();
    if (!value) continue;
    if (!GUID.test(value)) {
      fail(`${name} must be the bot's Microsoft App ID, a GUID like 00000000-0000-0000-0000-000000000000 (got "${value}")`);
    }
    return value;
  }
  return fail("set MicrosoftAppId (or BOT_ID) to the bot's Microsoft App ID GUID, e.g. MicrosoftAppId=<guid> npm run package");
}

/** Replace every "${{BOT_ID}}" in string values, recursively. */
function substitute(value, botId) {
  if (typeof value === 'string') return value.split(BOT_ID_PLACEHOLDER).join(botId);
  if (Array.isArray(value)) return value.map((v) => substitute(v, botId));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, botId)]));
  }
  return value;
}

function isHttpsUrl(value) {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

function pngSize(buf) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buf.length < 24 || !buf.subarray(0, 8).equals(sig) || buf.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

async function schemaErrors(manifest) {
  const require = createRequire(import.meta.url);
  let Ajv;
  let addFormats;
  let schemaPath;
  try {
    Ajv = require('ajv-draft-04');
    addFormats = require('ajv-formats');
    const pkgDir = dirname(require.resolve('@microsoft/app-manifest/package.json'));
    schemaPath = join(pkgDir, 'build/json-schemas/teams', `v${manifest.manifestVersion}`, 'MicrosoftTeams.schema.json');
  } catch {
    console.warn('package-app: schema validation skipped (ajv-draft-04 / @microsoft/app-manifest not installed)');
    return [];
  }
  if (!existsSync(schemaPath)) {
    console.warn(`package-app: no schema for manifestVersion ${manifest.manifestVersion}; schema validation skipped`);
    return [];
  }
  const ajv = new (Ajv.default ?? Ajv)({ strict: false, allErrors: true });
  (addFormats.default ?? addFormats)(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

async function main() {
  const { out } = parseArgs(process.argv.slice(2));
  const botId = botIdFromEnv();

  const manifestPath = join(manifestDir, 'manifest.json');
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    fail(`cannot read ${manifestPath}: ${err.message}`);
  }
  manifest = substitute(manifest, botId);

  const version = process.env.APP_VERSION?.trim();
  if (version) {
    if (!SEMVER.test(version)) fail(`APP_VERSION must be MAJOR.MINOR.PATCH, e.g. 1.0.3 (got "${version}")`);
    manifest.version = version;
  }

  for (const [name, key] of [
    ['PRIVACY_URL', 'privacyUrl'],
    ['TERMS_URL', 'termsOfUseUrl'],
  ]) {
    const url = process.env[name]?.trim();
    if (!url) continue;
    if (!isHttpsUrl(url) || url.length > 2048) fail(`${name} must be an https URL of at most 2048 characters, e.g. https://contoso.com/privacy (got "${url}")`);
    manifest.developer[key] = url;
  }

  const leftover = JSON.stringify(manifest).match(/\$\{\{[^}]*\}\}/);
  if (leftover) fail(`manifest still contains the placeholder ${leftover[0]}`);

  const errors = await schemaErrors(manifest);
  if (errors.length) fail(`manifest.json does not match the Teams schema:\n  ${errors.join('\n  ')}`);

  const icons = [
    { file: manifest.icons?.color, size: 192 },
    { file: manifest.icons?.outline, size: 32 },
  ];
  const iconBuffers = icons.map(({ file, size }) => {
    if (!file || file.includes('/') || file.includes('\\')) fail(`icon path "${file}" must be a file name next to manifest.json`);
    const path = join(manifestDir, file);
    if (!existsSync(path)) fail(`missing icon ${path} (run node scripts/make-icons.mjs)`);
    const buf = readFileSync(path);
    const dim = pngSize(buf);
    if (!dim || dim.width !== size || dim.height !== size) {
      fail(`${path} must be a ${size}x${size} PNG${dim ? ` (is ${dim.width}x${dim.height})` : ''}`);
    }
    return { name: file, buf };
  });

  mkdirSync(dirname(out), { recursive: true });
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'), 'manifest.json', { mtime: ZIP_MTIME });
  for (const { name, buf } of iconBuffers) zip.addBuffer(buf, name, { mtime: ZIP_MTIME });
  zip.end();
  await new Promise((res, rej) => {
    const ws = createWriteStream(out);
    ws.on('close', res);
    ws.on('error', rej);
    zip.outputStream.on('error', rej);
    zip.outputStream.pipe(ws);
  });
  console.log(out);
}

main().catch((err) => fail(err?.stack ?? String(err)));
