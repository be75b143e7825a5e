import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, startupWarnings } from '../../src/config';
import { playgroundUrl } from '../../src/playground/playground-url';

const CREDENTIALS = {
  MicrosoftAppId: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  MicrosoftAppPassword: 'p',
  ALLOWED_TENANTS: '3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
};

describe('PLAYGROUND', () => {
  it('is on in local mode, and npm start prints its address', () => {
    const c = loadConfig({});
    expect(c.playground).toBe(true);
    expect(playgroundUrl(c, 3978)).toBe('http://localhost:3978/');
  });

  it('is off once MicrosoftAppId is set, and nothing is printed', () => {
    const c = loadConfig(CREDENTIALS);
    expect(c.playground).toBe(false);
    expect(playgroundUrl(c, 3978)).toBeNull();
  });

  it('can be turned off in local mode and on with credentials, which start-up warns about', () => {
    expect(loadConfig({ PLAYGROUND: 'false' }).playground).toBe(false);
    const on = loadConfig({ ...CREDENTIALS, PLAYGROUND: 'true' });
    expect(on.playground).toBe(true);
    expect(startupWarnings(on).join('\n')).toMatch(/PLAYGROUND=true with MicrosoftAppId set.*WITHOUT authentication/);
    expect(startupWarnings(loadConfig({})).join('\n')).not.toContain('PLAYGROUND');
  });

  it('names a value that is neither true nor false', () => {
    expect(() => loadConfig({ PLAYGROUND: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ PLAYGROUND: 'maybe' })).toThrow(/PLAYGROUND is "maybe"; use true or false/);
  });
});
