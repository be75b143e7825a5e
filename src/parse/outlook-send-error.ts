import { MAX_HOST_CHARS } from './limits';

/**
 * Outlook's send error (0x800CCC78, 0x800CCC79, …) quotes the outgoing server's reply after naming it:
 * "… Account: 'Work', Server: 'smtp.contoso.com', Protocol: SMTP, Server Response: '553 … (#5.7.1)', Port: 25,
 * Secure (SSL): No, Server Error: 553, Error Number: 0x800CCC79". The reply is that server's own, and the
 * server is the one named in `Server: '…'` (some copies write `Servers:`) earlier in the same sentence; Outlook in
 * other languages writes `Servidor: '…', … Respuesta del servidor: '550 …'`, `Serveur : '…', … Réponse du serveur : '…'`.
 * A blog's typography may open a value with a closing quote (`Risposta del server: ’553 …‘`). Reads the look-back window only.
 */
const RESPONSE_LEAD =
  /(?:server response|respuesta del servidor|resposta do servidor|r\u00e9ponse du serveur|risposta del server|serverantwort|serverreactie|odpowied\u017a serwera|\u043e\u0442\u0432\u0435\u0442 \u0441\u0435\u0440\u0432\u0435\u0440\u0430)[ \t]?:[ \t]{0,2}['"\u2018\u2019\u201c\u201d]$/;
/** `Server: '…'` as Outlook writes it in its languages (`Servidor:`, `Serveur :`, `Serwer:`, `Сервер:`); some copies write `Servers:`. */
const SERVER_FIELD = /(?:^|[\s,;])(?:servers?|servidor|serveur|serwer|\u0441\u0435\u0440\u0432\u0435\u0440)[ \t]?:[ \t]?['"\u2018\u2019\u201c\u201d]/gi;
/** The words around the server field that say the sentence is Outlook's: `Account:`, `Protocol:` and their translations. */
const OUTLOOK_FIELDS = ['account:', 'protocol:', 'cuenta:', 'protocolo:', 'compte :', 'protocole :', 'konto:', 'protokoll:', 'conta:', 'protocollo:'];

export function readOutlookSendError(w: string, lw: string): { host?: string } | undefined {
  const tail = lw.slice(-40);
  const lead = RESPONSE_LEAD.exec(tail);
  if (!lead) return undefined;
  const host = readServerField(w, lw.length - tail.length + lead.index);
  return host ? { host } : {};
}

/**
 * Outlook wraps its sentence when it is copied from the dialog: `Account: 'x', Server: 'smtp.contoso.com', Protocol: SMTP,`
 * on one line and `Server Response: '550 …'` on the next. A line naming the account's server is kept for the reply below it.
 */
export function readOutlookServerLine(line: string, lower: string): string | undefined {
  if (!OUTLOOK_FIELDS.some((field) => lower.includes(field))) return undefined;
  const response = lower.includes('server response:') ? lower.lastIndexOf('server response:') : lower.length;
  return readServerField(line, response);
}

/** The value of the last `Server: '…'` field before `before`, when it is a host name. */
function readServerField(w: string, before: number): string | undefined {
  let valueStart = -1;
  const head = w.slice(0, before);
  SERVER_FIELD.lastIndex = 0;
  for (let m = SERVER_FIELD.exec(head); m; m = SERVER_FIELD.exec(head)) valueStart = m.index + m[0].length;
  if (valueStart < 0) return undefined;
  const close = w.slice(valueStart, valueStart + MAX_HOST_CHARS + 2).search(/['"\u2019\u201d]/);
  const host = close > 0 ? w.slice(valueStart, valueStart + close).trim() : '';
  return host.includes('.') && !/\s/.test(host) ? host : undefined;
}
