/**
 * Sessions on disk never hold a secret: answers to `secret: true` asks become `[REDACTED]`, and
 * anything the redactor recognises as a token, password, key or card number is removed from
 * every answer and from check output. Personal data stays: the agent still needs it to resume.
 */
import { viewFlow } from '../core/flow-engine.js';
import type { FlowInput, FlowState, PlaybookLibrary } from '../core/flow-types.js';
import { createSecretsOnlyRedactor } from '../core/redaction-profiles.js';

export const REDACTED = '[REDACTED]';

export function redactSessionInputs(library: PlaybookLibrary, state: FlowState): FlowInput[] {
  const view = viewFlow(library, state);
  const secretKeys = new Set(view.secretKeys);
  // The secret answers' own values too: a check that echoes one must not store it.
  const secretValues = view.secretKeys.map((k) => view.answers[k]).filter((v): v is string => typeof v === 'string' && v.length >= 3);
  const redactor = createSecretsOnlyRedactor(secretValues);
  return state.inputs.map((input): FlowInput => {
    switch (input.kind) {
      case 'ask':
        return { ...input, value: secretKeys.has(input.key) ? REDACTED : redactor.redactDeep(input.value) };
      case 'env':
        return { ...input, value: redactor.redactText(input.value) };
      case 'check':
        return { ...input, result: { ...input.result, stdout: redactor.redactText(input.result.stdout), stderr: redactor.redactText(input.result.stderr) } };
      case 'probes':
        return { ...input, values: redactor.redactDeep(input.values) };
      case 'action':
        return input.reference === undefined ? input : { ...input, reference: redactor.redactText(input.reference) };
      case 'choice':
        return input;
    }
  });
}
