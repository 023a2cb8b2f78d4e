/**
 * The first interactive run: when no agent name is configured, ask once for the agent's name,
 * the company and the sign-off, and store them with conf (the same settings `triage config`
 * edits). The name is required, so the question never comes back; the other two may be left
 * empty. Returns what was stored and where; the command says so.
 */
import type { Prompter } from '../io/prompter.js';
import type { Settings } from '../io/settings-read.js';

/** Ask only when there is no agent name (`triage config set agent.name` also answers it). */
export function needsFirstRun(settings: Settings): boolean {
  return (settings['agent.name'] ?? '').trim() === '';
}

export interface FirstRunAnswers {
  readonly agentName: string;
  readonly companyName?: string;
  readonly signoff?: string;
}

export const DEFAULT_SIGNOFF = 'Best regards';

export async function askFirstRun(prompter: Prompter, current: Settings): Promise<FirstRunAnswers> {
  const text = async (message: string, options: { default?: string; hint?: string; required?: boolean }): Promise<string> => {
    const value = await prompter.text(message, {
      allowBack: false,
      ...(options.default ? { default: options.default } : {}),
      ...(options.hint ? { hint: options.hint } : {}),
      ...(options.required ? { validate: (v: string) => (v.trim() === '' ? 'Your name signs every reply; please type it.' : undefined) } : {}),
    });
    return typeof value === 'string' ? value.trim() : '';
  };
  const agentName = await text('Your name, as customers should see it', { required: true });
  const companyName = await text('Company you support customers for', { default: current['company.name'], hint: 'optional' });
  const signoff = await text('Sign-off before your name in emails', { default: current.signoff ?? DEFAULT_SIGNOFF, hint: 'optional' });
  return { agentName, ...(companyName ? { companyName } : {}), ...(signoff ? { signoff } : {}) };
}

/** Stores the answers with conf; returns the settings file's path. */
export async function saveFirstRun(env: NodeJS.ProcessEnv, answers: FirstRunAnswers): Promise<string> {
  const { openSettings } = await import('../io/settings.js');
  const settings = openSettings(env);
  settings.set('agent.name', answers.agentName);
  if (answers.companyName !== undefined) settings.set('company.name', answers.companyName);
  if (answers.signoff !== undefined) settings.set('signoff', answers.signoff);
  return settings.path;
}
