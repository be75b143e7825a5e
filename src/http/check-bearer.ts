/**
 * A cheap first look at the Authorization header, before botbuilder's full validation: a missing,
 * malformed, expired or wrongly addressed token is refused at once, without fetching signing keys
 * from Microsoft (which may be unreachable). What passes here is still fully validated by botbuilder.
 * Rules (Bot Framework "Connector to bot" authentication):
 *   1. The header is "Bearer <JWT>" with three base64url parts.
 *   2. The header names an RSA algorithm (RS256/384/512) and a key id.
 *   3. aud is the bot's Microsoft App ID.
 *   4. exp is in the future and nbf in the past, allowing 5 minutes of clock skew.
 */
export function checkBearer(authorization: string | undefined, appId: string, now = Date.now()): string | undefined {
  if (!authorization) return 'missing Authorization header';
  const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/.exec(authorization.trim());
  if (!m || authorization.length > 16384) return 'Authorization is not a Bearer JWT';
  const header = decodePart(m[1]);
  const claims = decodePart(m[2]);
  if (!header || !claims) return 'token is not readable';
  if (!['RS256', 'RS384', 'RS512'].includes(String(header.alg)) || typeof header.kid !== 'string') return 'token algorithm or key id not accepted';
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(appId)) return 'token audience is not this bot';
  const skew = 300;
  const nowS = Math.floor(now / 1000);
  if (typeof claims.exp !== 'number' || claims.exp + skew < nowS) return 'token expired';
  if (typeof claims.nbf === 'number' && claims.nbf - skew > nowS) return 'token not yet valid';
  return undefined;
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}
