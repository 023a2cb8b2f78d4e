/**
 * The two ways triage redacts, both on the one engine in redact.ts:
 * - secrets only: for text that goes back to the customer (the reply) and for saved sessions,
 *   where the agent still needs the customer's own details;
 * - secrets and personal data: for reports and the case history, which travel to trackers.
 */
import { createRedactor, type Redactor } from './redact.js';

export interface MachineIdentity {
  readonly homePath?: string;
  readonly hostname?: string;
}

export function createSecretsOnlyRedactor(secretValues: readonly string[] = []): Redactor {
  return createRedactor({ personal: false, secretValues });
}

export function createReportRedactor(machine: MachineIdentity = {}, secretValues: readonly string[] = []): Redactor {
  return createRedactor({ personal: { homePath: machine.homePath, hostname: machine.hostname }, secretValues });
}
