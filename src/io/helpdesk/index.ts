/**
 * The helpdesk clients behind one factory: the app asks for a provider's client with the
 * connection from the settings and gets a HelpdeskClient.
 */
import type { HelpdeskClient, HelpdeskProvider } from '../../core/helpdesk.js';
import type { HelpdeskConnection } from './http.js';
import { createFreshdeskClient } from './freshdesk.js';
import { createRtClient } from './rt.js';
import { createZendeskClient } from './zendesk.js';

export type { HelpdeskConnection } from './http.js';

/**
 * The client for `provider`; throws `helpdesk/bad-url` (exit 2) when the connection's URL is bad,
 * and `helpdesk/missing-setting` (exit 2) for Zendesk without the agent's e-mail.
 */
export function createHelpdeskClient(provider: HelpdeskProvider, connection: HelpdeskConnection): HelpdeskClient {
  switch (provider) {
    case 'rt':
      return createRtClient(connection);
    case 'zendesk':
      return createZendeskClient(connection);
    case 'freshdesk':
      return createFreshdeskClient(connection);
  }
}
