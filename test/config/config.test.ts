import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, startupWarnings } from '../../src/config';

const GUID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const TENANT = '3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

describe('loadConfig', () => {
  it('runs in local mode with embedded defaults and no variables at all', () => {
    const c = loadConfig({}, '/srv/bot');
    expect(c.localMode).toBe(true);
    expect(c.port).toBe(3978);
    expect(c.dataDir).toBe('/srv/bot/data');
    expect(c.exchangeBackend).toBe('simulated');
    expect(c.adminUsers).toBe('*');
    expect(c.readerUsers).toBe('*');
    expect(c.allowedTenants).toBe('*');
    expect(startupWarnings(c).join('\n')).toContain('NOT authenticated');
  });

  it('makes nobody an admin or a reader by default once credentials are set, and says so', () => {
    const c = loadConfig({ MicrosoftAppId: GUID, MicrosoftAppPassword: 'p', ALLOWED_TENANTS: TENANT });
    expect(c.localMode).toBe(false);
    expect(c.adminUsers).toEqual([]);
    expect(c.readerUsers).toEqual([]);
    expect(startupWarnings(c).join('\n')).toContain('Nobody is an admin');
  });

  it('reads the Microsoft signal endpoints and the alert webhook settings, and says when the simulated tenant cannot take alerts', () => {
    const c = loadConfig({ M365_ENDPOINTS_URL: 'http://127.0.0.1:9/', MICROSOFT_ALERTS_AUTH_ID: 'a-long-enough-auth-id' });
    expect(c.microsoft.endpointsUrl).toBe('http://127.0.0.1:9');
    expect(c.microsoft.graphApiUrl).toBe('https://graph.microsoft.com');
    expect(startupWarnings(c).join('\n')).toContain('POST /api/alerts/microsoft refuses every notification');
    expect(() => loadConfig({ M365_ENDPOINTS_URL: 'http://endpoints.example' })).toThrow(/M365_ENDPOINTS_URL/);
    expect(() => loadConfig({ MICROSOFT_ALERTS_AUTH_ID: 'short' })).toThrow(/MICROSOFT_ALERTS_AUTH_ID must be at least 16/);
    expect(() => loadConfig({ MICROSOFT_ALERTS_SUBSCRIBE: 'true' })).toThrow(/MICROSOFT_ALERTS_SUBSCRIBE=true needs/);
  });

  it("serves a single-tenant app's own tenant by default, and needs ALLOWED_TENANTS for a multi-tenant one", () => {
    const single = loadConfig({
      MicrosoftAppId: GUID,
      MicrosoftAppPassword: 'p',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: TENANT.toUpperCase(),
    });
    expect(single.allowedTenants).toEqual([TENANT]);
    expect(() => loadConfig({ MicrosoftAppId: GUID, MicrosoftAppPassword: 'p' })).toThrow(/ALLOWED_TENANTS is missing while MicrosoftAppType is MultiTenant/);
    const every = loadConfig({ MicrosoftAppId: GUID, MicrosoftAppPassword: 'p', ALLOWED_TENANTS: '*' });
    expect(every.allowedTenants).toBe('*');
    expect(startupWarnings(every).join('\n')).toContain('every Microsoft 365 organization');
    expect(() => loadConfig({ MicrosoftAppId: GUID, MicrosoftAppPassword: 'p', ALLOWED_TENANTS: 'contoso.com' })).toThrow(
      /ALLOWED_TENANTS has entries that are not tenant ids/,
    );
  });

  it('reads admins from ADMIN_USERS, or from its older name, and readers from READER_USERS', () => {
    const other = GUID.replace('6f', '7f');
    expect(loadConfig({ ADMIN_USERS: GUID, READER_USERS: other })).toMatchObject({ adminUsers: [GUID], readerUsers: [other] });
    expect(loadConfig({ REMEDIATION_ALLOWED_USERS: GUID }).adminUsers).toEqual([GUID]);
    expect(loadConfig({ ADMIN_USERS: other, REMEDIATION_ALLOWED_USERS: GUID }).adminUsers).toEqual([other]);
  });

  it('reads ALLOWED_HOSTS as host names without port, and refuses URLs and ports with how to write them', () => {
    expect(loadConfig({}).allowedHosts).toEqual([]);
    expect(loadConfig({ ALLOWED_HOSTS: 'DevBox.contoso.com, 192.0.2.10,[2001:db8::1]' }).allowedHosts).toEqual([
      'devbox.contoso.com',
      '192.0.2.10',
      '[2001:db8::1]',
    ]);
    expect(() => loadConfig({ ALLOWED_HOSTS: 'http://devbox.contoso.com,devbox:3978' })).toThrow(
      /ALLOWED_HOSTS has entries that are not host names: http:\/\/devbox\.contoso\.com, devbox:3978\. List names or addresses without scheme or port/,
    );
  });

  it('lists every problem in one error, each with how to fix it', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        MicrosoftAppId: 'not-a-guid',
        MicrosoftAppType: 'SingleTenant',
        REMEDIATION_ALLOWED_USERS: 'bob',
        EXCHANGE_BACKEND: 'carrier-pigeon',
        EXCHANGE_SIM_STATE: '/nope/tenant.json',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.join('\n')).toMatch(/PORT is "eighty"/);
    expect(problems.join('\n')).toMatch(/MicrosoftAppId is not a GUID/);
    expect(problems.join('\n')).toMatch(/MicrosoftAppPassword is missing while MicrosoftAppId is set/);
    expect(problems.join('\n')).toMatch(/MicrosoftAppTenantId is required/);
    expect(problems.join('\n')).toMatch(/REMEDIATION_ALLOWED_USERS/);
    expect(problems.join('\n')).toMatch(/EXCHANGE_BACKEND/);
    expect(problems.join('\n')).toMatch(/EXCHANGE_SIM_STATE/);
    expect(problems).toHaveLength(7);
  });

  it('keeps the password out of the error message', () => {
    expect(() => loadConfig({ MicrosoftAppPassword: 'hunter2-secret' })).toThrow(/MicrosoftAppPassword is set but MicrosoftAppId is empty/);
    try {
      loadConfig({ MicrosoftAppPassword: 'hunter2-secret' });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2-secret');
    }
  });

  it('reads a list of allowed AAD object ids, case-insensitively', () => {
    const c = loadConfig({ REMEDIATION_ALLOWED_USERS: ` ${GUID.toUpperCase()} ,${GUID.replace('6f', '7f')}` });
    expect(c.adminUsers).toEqual([GUID, GUID.replace('6f', '7f')]);
  });

  it('refuses to change a real tenant from an unauthenticated local bot unless told it is dangerous', () => {
    const eo = { EXCHANGE_BACKEND: 'exchange-online', EXCHANGE_TENANT_ID: GUID, EXCHANGE_CLIENT_ID: GUID, EXCHANGE_CLIENT_SECRET: 's' };
    expect(() => loadConfig(eo)).toThrow(/exchange-online needs MicrosoftAppId/);
    const risky = loadConfig({ ...eo, DANGEROUSLY_ALLOW_UNAUTHENTICATED_REMEDIATION: 'true' });
    expect(startupWarnings(risky).join('\n')).toContain('unauthenticated endpoint');
    expect(loadConfig({ ...eo, MicrosoftAppId: GUID, MicrosoftAppPassword: 'p', ALLOWED_TENANTS: TENANT }).exchangeBackend).toBe('exchange-online');
  });

  it('listens on loopback only in local mode, on every interface with credentials', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ MicrosoftAppId: GUID, MicrosoftAppPassword: 'p', ALLOWED_TENANTS: TENANT }).host).toBe('0.0.0.0');
    expect(startupWarnings(loadConfig({ HOST: '0.0.0.0' })).join('\n')).toContain('reachable from other machines');
  });
});
