#!/usr/bin/env node
// Draws the Teams app icons with plain Node (no image libraries):
//   manifest/color.png   192x192, white symbol in the central 96x96 area (48 px padding)
//                        on a solid accent-colour square (manifest accentColor), no rounded corners
//   manifest/outline.png 32x32, white (255,255,255) symbol on a fully transparent background
// The symbol is an envelope with a heartbeat/pulse line inside it ("mail flow" + "doctor").
// Run: node scripts/make-icons.mjs   (writes both PNGs next to manifest/manifest.json)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestDir = join(root, 'manifest');

// ---------------------------------------------------------------- tiny PNG encoder (RGBA 8-bit)
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([len, typeAndData, crc]);
}

/** @param {number} width @param {number} height @param {Uint8Array} rgba width*height*4 bytes */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type 0 (None)
    Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- symbol geometry
// Coordinates are in the unit square [0,1]x[0,1] of the symbol area (y grows downwards).

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return Math.sqrt(cx * cx + cy * cy);
}

function distToPolyline(px, py, pts) {
  let d = Infinity;
  for (let i = 0; i + 1 < pts.length; i++) {
    d = Math.min(d, distToSegment(px, py, pts[i][0], pts[i][1], pts[i + 1][0], pts[i + 1][1]));
  }
  return d;
}

/** Signed distance to a rounded rectangle (negative inside). */
function sdRoundRect(px, py, x0, y0, x1, y1, r) {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const qx = Math.abs(px - cx) - ((x1 - x0) / 2 - r);
  const qy = Math.abs(py - cy) - ((y1 - y0) / 2 - r);
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0) - r;
}

/**
 * Build the inside-test of the symbol: a filled, slightly rounded envelope with the flap and a
 * heartbeat trace cut out of it. `cut` is the width of the cut-out lines (unit-square units);
 * small icons get wider cuts so the lines survive at 32 px.
 */
function makeSymbol({ cut, pulseCut = cut }) {
  const env = { x0: 0.02, y0: 0.15, x1: 0.98, y1: 0.85, r: 0.08 };
  // Envelope flap: a V from the top corners down to the middle.
  const flap = [
    [env.x0 - 0.02, env.y0 - 0.02],
    [0.5, 0.45],
    [env.x1 + 0.02, env.y0 - 0.02],
  ];
  // Heartbeat trace across the lower part of the envelope, beyond both side edges.
  const pulse = [
    [-0.1, 0.66],
    [0.3, 0.66],
    [0.4, 0.52],
    [0.52, 0.78],
    [0.61, 0.66],
    [1.1, 0.66],
  ];
  return (x, y) => {
    if (sdRoundRect(x, y, env.x0, env.y0, env.x1, env.y1, env.r) > 0) return false;
    if (distToPolyline(x, y, flap) <= cut / 2) return false;
    return distToPolyline(x, y, pulse) > pulseCut / 2;
  };
}

/** Coverage (0..1) of each pixel of a size x size area, by SS x SS supersampling. */
function rasterize(size, inside, ss = 8) {
  const cov = new Float64Array(size * size);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (px + (sx + 0.5) / ss) / size;
          const y = (py + (sy + 0.5) / ss) / size;
          if (inside(x, y)) hits++;
        }
      }
      cov[py * size + px] = hits / (ss * ss);
    }
  }
  return cov;
}

function hexToRgb(hex) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`accentColor ${hex} is not #RRGGBB`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

// ---------------------------------------------------------------- icons
export function drawColorIcon(accentHex) {
  const size = 192;
  const pad = 48;
  const symbolSize = 96;
  const [br, bg, bb] = hexToRgb(accentHex);
  const cov = rasterize(symbolSize, makeSymbol({ cut: 0.07 }));
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sx = x - pad;
      const sy = y - pad;
      const a = sx >= 0 && sy >= 0 && sx < symbolSize && sy < symbolSize ? cov[sy * symbolSize + sx] : 0;
      const i = (y * size + x) * 4;
      rgba[i] = Math.round(br + (255 - br) * a);
      rgba[i + 1] = Math.round(bg + (255 - bg) * a);
      rgba[i + 2] = Math.round(bb + (255 - bb) * a);
      rgba[i + 3] = 255;
    }
  }
  return encodePng(size, size, rgba);
}

export function drawOutlineIcon() {
  const size = 32;
  const cov = rasterize(size, makeSymbol({ cut: 0.08 }));
  const rgba = new Uint8Array(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    const a = Math.round(cov[p] * 255);
    // White only where something is drawn; everything else fully transparent (0,0,0,0 is also alpha 0).
    rgba[p * 4] = a ? 255 : 0;
    rgba[p * 4 + 1] = a ? 255 : 0;
    rgba[p * 4 + 2] = a ? 255 : 0;
    rgba[p * 4 + 3] = a;
  }
  return encodePng(size, size, rgba);
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const manifest = JSON.parse(readFileSync(join(manifestDir, 'manifest.json'), 'utf8'));
  const colorPath = join(manifestDir, manifest.icons?.color ?? 'color.png');
  const outlinePath = join(manifestDir, manifest.icons?.outline ?? 'outline.png');
  writeFileSync(colorPath, drawColorIcon(manifest.accentColor));
  writeFileSync(outlinePath, drawOutlineIcon());
  console.log(`wrote ${colorPath}\nwrote ${outlinePath}`);
}
