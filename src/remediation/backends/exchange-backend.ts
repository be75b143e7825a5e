/**
 * The one way the bot reaches Exchange. The simulated backend ships now; the Exchange Online backend
 * (InvokeCommand REST) implements the same interface later. Names and values follow the cmdlets'
 * output (Get-OutboundConnector, Get-AcceptedDomain) so that cards and PowerShell lines match.
 */
export type TlsSettings = 'EncryptionOnly' | 'CertificateValidation' | 'DomainValidation' | null;
export type AcceptedDomainType = 'Authoritative' | 'InternalRelay' | 'ExternalRelay';

export interface OutboundConnector {
  name: string;
  enabled: boolean;
  smartHosts: string[];
  recipientDomains: string[];
  tlsSettings: TlsSettings;
  tlsDomain?: string | null;
  connectorType?: 'OnPremises' | 'Partner';
}

export interface AcceptedDomain {
  domainName: string;
  domainType: AcceptedDomainType;
  default?: boolean;
}

/**
 * One task of Validate-OutboundConnector as Exchange reported it (TaskName, IsTaskSuccessful [3p]); `ok` is
 * null when the answer did not say whether it passed.
 */
export interface ValidationTask {
  name: string;
  ok: boolean | null;
  detail: string;
}

/**
 * Validate-OutboundConnector's answer, read leniently: its output shape is undocumented, so whatever was not
 * recognised as a task is kept as it came (JSON text, bounded), to be shown rather than dropped.
 */
export interface ValidationResult {
  tasks: ValidationTask[];
  unrecognised: string[];
  /** The cmdlet's non-terminating errors and warnings, in Exchange's words. */
  messages: string[];
}

export interface ExchangeBackend {
  readonly kind: 'simulated' | 'exchange-online';
  listOutboundConnectors(): Promise<OutboundConnector[]>;
  listAcceptedDomains(): Promise<AcceptedDomain[]>;
  /**
   * Validate-OutboundConnector -Identity <name> -Recipients <addresses>: Microsoft 365 tests SMTP to each smart
   * host and sends real test mail to the recipients. It changes no setting (not even IsValidated).
   */
  validateOutboundConnector(name: string, recipients: string[]): Promise<ValidationResult>;
  /** Set-OutboundConnector -Identity <name> -Enabled <enabled>; returns the connector as it is afterwards. */
  setOutboundConnectorEnabled(name: string, enabled: boolean): Promise<OutboundConnector>;
  /** Set-OutboundConnector -Identity <name> -TlsDomain <domain or $null>; returns the connector as it is afterwards. */
  setOutboundConnectorTlsDomain(name: string, tlsDomain: string | null): Promise<OutboundConnector>;
  /** Set-AcceptedDomain -Identity <domain> -DomainType <type>; returns the domain as it is afterwards. */
  setAcceptedDomainType(domainName: string, domainType: AcceptedDomainType): Promise<AcceptedDomain>;
  /** The HTTP call that would run a cmdlet, without token or secret, for dry runs; absent when none is made (simulated). */
  describeCall?(cmdletName: string, parameters: Record<string, unknown>): { method: string; url: string; headers: Record<string, string>; body: string };
}

/** Exchange said no, in words an admin can act on (object not found, missing role, ...). */
export class ExchangeError extends Error {
  constructor(
    readonly code: 'not_found' | 'forbidden' | 'unavailable' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}
