/**
 * The helpdesk clients behind one factory: the app asks for a provider's client with the
 * connection from the settings and gets a HelpdeskClient.
 */
import { EXIT, TriageError } from '../../core/errors.js';
import { HELPDESK_NAMES, type HelpdeskClient, type HelpdeskProvider } from '../../core/helpdesk.js';
import type { HelpdeskConnection } from './http.js';
import { createRtClient } from './rt.js';

export type { HelpdeskConnection } from './http.js';

/** The client for `provider`; throws `helpdesk/bad-url` (exit 2) when the connection's URL is bad. */
export function createHelpdeskClient(provider: HelpdeskProvider, connection: HelpdeskConnection): HelpdeskClient {
  switch (provider) {
    case 'rt':
      return createRtClient(connection);
    case 'zendesk':
    case 'freshdesk':
      throw new TriageError('helpdesk/unsupported', `This triage cannot connect to ${HELPDESK_NAMES[provider]} yet.`, {
        exitCode: EXIT.usage,
        hint: 'Use a Request Tracker ticket (rt:<number>).',
      });
  }
}
