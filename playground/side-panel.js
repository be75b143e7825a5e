// The side panel: the tenant as the bot's Exchange backend has it, and the bot's audit, read from
// /playground/tenant and /playground/audit after every exchange with the bot. The bot words each audit
// entry (what happened, the result) in the language chosen for cards, as its audit command does.
import { el, replaceChildren } from './dom.js';

const BACKENDS = {
  simulated: 'Simulated tenant (EXCHANGE_BACKEND=simulated): changes stay in the bot\'s data folder.',
  'exchange-online': 'Exchange Online (EXCHANGE_BACKEND=exchange-online): changes are made in the real tenant.',
};

export function createSidePanel({ tenantNode, auditNode, statusNode, cardLocale = () => document.getElementById('locale')?.value ?? 'en-US' }) {
  let pending = null;
  let again = false;

  async function refresh() {
    // One refresh at a time; a request during one runs once more afterwards.
    if (pending) {
      again = true;
      return pending;
    }
    pending = (async () => {
      do {
        again = false;
        await load();
      } while (again);
    })().finally(() => {
      pending = null;
    });
    return pending;
  }

  async function load() {
    try {
      const [tenant, audit] = await Promise.all([getJson('/playground/tenant'), getJson(`/playground/audit?locale=${encodeURIComponent(cardLocale())}`)]);
      renderTenant(tenantNode, tenant);
      renderAudit(auditNode, audit.entries ?? []);
      statusNode.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      statusNode.textContent = `Could not read the tenant: ${err.message}`;
    }
  }

  return { refresh };
}

async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

function renderTenant(node, tenant) {
  const connectors = tenant.connectors ?? [];
  const domains = tenant.acceptedDomains ?? [];
  replaceChildren(
    node,
    el('h3', {}, 'Outbound connectors'),
    connectors.length
      ? el(
          'ul',
          { class: 'items connectors' },
          connectors.map((c) =>
            el(
              'li',
              { class: 'item', dataset: { name: c.name } },
              el('div', { class: 'item-head' }, el('span', { class: 'item-name' }, c.name), el('span', { class: `badge state ${c.enabled ? 'on' : 'off'}` }, c.enabled ? 'Enabled' : 'Disabled')),
              el('div', { class: 'item-detail' }, `Smart hosts: ${(c.smartHosts ?? []).join(', ') || '—'}`),
              el('div', { class: 'item-detail' }, `Recipient domains: ${(c.recipientDomains ?? []).join(', ') || '*'} · TLS: ${c.tlsSettings ?? 'not set'}`),
            ),
          ),
        )
      : el('p', { class: 'empty' }, 'No outbound connectors.'),
    el('h3', {}, 'Accepted domains'),
    domains.length
      ? el(
          'ul',
          { class: 'items domains' },
          domains.map((d) =>
            el(
              'li',
              { class: 'item', dataset: { domain: d.domainName } },
              el('div', { class: 'item-head' }, el('span', { class: 'item-name' }, d.domainName, d.default ? ' (default)' : ''), el('span', { class: `badge type ${d.domainType === 'Authoritative' ? 'on' : 'relay'}` }, d.domainType)),
            ),
          ),
        )
      : el('p', { class: 'empty' }, 'No accepted domains.'),
    el('p', { class: 'backend' }, BACKENDS[tenant.backend] ?? `EXCHANGE_BACKEND=${tenant.backend ?? '?'}`),
  );
}

function renderAudit(node, entries) {
  if (!entries.length) {
    replaceChildren(node, el('p', { class: 'empty' }, 'No remediations yet. Press Fix now on a 4.4.316 card.'));
    return;
  }
  replaceChildren(
    node,
    el(
      'ol',
      { class: 'items audit' },
      entries.map((e) =>
        el(
          'li',
          { class: 'item', dataset: { result: e.result } },
          el('div', { class: 'item-head' }, el('span', { class: 'item-name' }, e.words?.what ?? e.verb), el('span', { class: `badge result ${e.result}` }, e.words?.result ?? e.result)),
          el('div', { class: 'item-detail' }, `${formatTime(e.at)} · ${e.actor?.name || e.actor?.aadObjectId || 'unknown'}`),
          e.powershell ? el('code', { class: 'item-code' }, e.powershell) : null,
          e.words?.detail ? el('div', { class: 'item-detail' }, e.words.detail) : null,
        ),
      ),
    ),
  );
}

function formatTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}
