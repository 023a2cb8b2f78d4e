/**
 * liquidjs's messages, said the way a playbook author can act on: "undefined filter: x" reads like
 * a value that is missing, and the limits name their internals.
 */
export function liquidMessage(message: string): string {
  return message
    .replace(/\bundefined filter: (\S+)/g, 'unknown filter `$1`')
    .replace(/\btag "([^"]*)" not found/g, 'unknown tag `$1`')
    .replace(/\bmemory alloc limit exceeded\b/g, 'memory limit exceeded: the template would produce too much (a loop, or a text that keeps growing); keep loops small')
    .replace(/\b(?:template )?render limit exceeded\b/g, 'time limit exceeded: the template took too long to render; keep loops small')
    .replace(/\bMaximum call stack size exceeded\b/g, 'the template is nested too deeply')
    .replace(/\.+$/, '');
}

/** Longest template source accepted, in characters (lint and run alike); playbook blocks are a few hundred. */
export const TEMPLATE_PARSE_LIMIT = 200_000;

/** `{{ "now" | date: … }}`: refused at render time (output must be reproducible), so lint says so too. */
export const CLOCK_DATE = /(["'])\s*(now|today)\s*\1\s*\|\s*date\b/i;
