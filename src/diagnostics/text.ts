import { MAX_DETAIL_CHARS } from './limits';

/** Bounds text for a step detail; the card shows it as data, so only the length matters here. */
export function clip(text: string, max = MAX_DETAIL_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `ECONNRESET: read ECONNRESET` from any thrown value, without a stack. */
export function describeError(err: unknown): string {
  if (err && typeof err === 'object') {
    const { code, message } = err as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : '';
    return clip(typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text || String(code ?? 'unknown error'));
  }
  return clip(String(err));
}

export function errorCode(err: unknown): string | undefined {
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
