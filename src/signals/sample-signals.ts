/**
 * The built-in simulated tenant's message trace and service health, in Graph's own JSON shapes, placed in
 * time relative to when the bot started: mail for the on-premises server has been refused for hours, two
 * messages for the partner wait on its certificate, and Microsoft has an open Exchange incident. So
 * `queue`, `health` and the watch have something to show in the playground from the first minute.
 */
import type { SimulatedSignalsState } from './simulated-signals';

const MINUTE = 60_000;

export function sampleSignals(anchor: Date): SimulatedSignalsState {
  const at = (minutesAgo: number) => new Date(anchor.getTime() - minutesAgo * MINUTE).toISOString();
  const refused = (minutesAgo: number) =>
    `Reason: [{LED=450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]};{FQDN=mail.contoso.com};{IP=203.0.113.5};{LRT=${at(minutesAgo)}}]`;
  const certificate = (minutesAgo: number) =>
    `Reason: [{LED=451 4.7.320 Certificate validation failed [Message=SubjectMismatch] [LastAttemptedServerName=smtp.fabrikam.com] [LastAttemptedIP=198.51.100.20:25]};{FQDN=smtp.fabrikam.com};{IP=198.51.100.20};{LRT=${at(minutesAgo)}}]`;
  const pending = (n: number, minutesAgo: number, sender: string, recipient: string, toIP: string, reason: (m: number) => string) => ({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    messageId: `<sample-${n}@contoso.onmicrosoft.com>`,
    senderAddress: sender,
    recipientAddress: recipient,
    subject: `Sample message ${n}`,
    status: 'pending',
    receivedDateTime: at(minutesAgo),
    fromIP: '40.107.22.10',
    toIP,
    size: 24_000 + n * 100,
    details: [
      { id: `r${n}`, event: 'Receive', action: '', description: 'Message received by: AM0PR01MB1234.eurprd01.prod.outlook.com', dateTime: at(minutesAgo) },
      { id: `d${n}`, event: 'Defer', action: '', description: reason(Math.max(1, minutesAgo - 60)), dateTime: at(Math.max(1, minutesAgo - 60)) },
    ],
  });
  return {
    messageTraces: [
      pending(1, 190, 'adele.vance@contoso.onmicrosoft.com', 'megan.bowen@contoso.com', '203.0.113.5', refused),
      pending(2, 150, 'alex.wilber@contoso.onmicrosoft.com', 'megan.bowen@contoso.com', '203.0.113.5', refused),
      pending(3, 95, 'adele.vance@contoso.onmicrosoft.com', 'lynne.robbins@contoso.com', '203.0.113.5', refused),
      pending(4, 70, 'isaiah.langer@contoso.onmicrosoft.com', 'diego.siciliani@contoso.com', '203.0.113.5', refused),
      pending(5, 40, 'nestor.wilke@contoso.onmicrosoft.com', 'megan.bowen@contoso.com', '203.0.113.5', refused),
      pending(6, 25, 'joni.sherman@contoso.onmicrosoft.com', 'orders@fabrikam.com', '198.51.100.20', certificate),
      pending(7, 18, 'joni.sherman@contoso.onmicrosoft.com', 'billing@fabrikam.com', '198.51.100.20', certificate),
      {
        id: '00000000-0000-4000-8000-000000000099',
        messageId: '<sample-99@contoso.onmicrosoft.com>',
        senderAddress: 'adele.vance@contoso.onmicrosoft.com',
        recipientAddress: 'someone@example.org',
        subject: 'Delivered sample',
        status: 'delivered',
        receivedDateTime: at(30),
        toIP: '192.0.2.80',
      },
    ],
    serviceHealthIssues: [
      {
        id: 'EX900001',
        title: 'Some users may see delays when sending email to external recipients',
        impactDescription: 'Users may notice that messages to some external recipients are delayed. (A sample incident of the simulated tenant.)',
        classification: 'incident',
        origin: 'microsoft',
        status: 'serviceDegradation',
        service: 'Exchange Online',
        feature: 'Mailflow - delayed delivery to Internet',
        featureGroup: 'E-Mail timely delivery',
        isResolved: false,
        startDateTime: at(120),
        lastModifiedDateTime: at(20),
        posts: [
          {
            createdDateTime: at(20),
            postType: 'regular',
            description: {
              contentType: 'html',
              content: '<p>Current status: We are reviewing outbound queues in the affected infrastructure to find why some messages are delayed.</p>',
            },
          },
        ],
      },
    ],
  };
}
