import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../src/render/style.js';
import type { Diagnostic } from '../../src/core/model.js';
import {
  formatDiagnostic,
  relativeDiagnostics,
  renderDiagnosticsGithub,
  renderDiagnosticsJson,
  renderDiagnosticsText,
} from '../../src/render/diagnostics.js';

const COLOR = new Chalk({ level: 1 });

const error: Diagnostic = { file: '/repo/playbooks/login.md', line: 12, column: 3, severity: 'error', rule: 'link/missing-node', message: 'Link to #nowhere: no node with that id.' };
const warning: Diagnostic = { file: '/repo/playbooks/login.md', line: 20, column: 1, severity: 'warning', rule: 'node/unreachable', message: 'Node `Old` cannot be reached.' };

describe('text', () => {
  it('prints file:line:col, severity, message and rule, then a summary', () => {
    expect(renderDiagnosticsText([error, warning], { style: PLAIN, fileCount: 3 })).toBe(
      [
        '/repo/playbooks/login.md:12:3  error  Link to #nowhere: no node with that id.  link/missing-node',
        '/repo/playbooks/login.md:20:1  warning  Node `Old` cannot be reached.  node/unreachable',
        '3 playbooks checked: 1 error, 1 warning.',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to report, in the singular for one file', () => {
    expect(renderDiagnosticsText([], { style: PLAIN, fileCount: 1 })).toBe('1 playbook checked, no problems.\n');
    expect(renderDiagnosticsText([warning, warning], { style: PLAIN, fileCount: 2 })).toMatch(/2 playbooks checked: 0 errors, 2 warnings\.\n$/);
  });

  it('colours severity and rule only when asked', () => {
    expect(formatDiagnostic(error, { style: PLAIN })).not.toMatch(/\u001b\[/);
    const coloured = formatDiagnostic(error, { style: COLOR });
    expect(coloured).toContain('\u001b[31merror\u001b[39m');
    expect(coloured).toContain('\u001b[2mlink/missing-node\u001b[22m');
    expect(formatDiagnostic(warning, { style: COLOR })).toContain('\u001b[33mwarning\u001b[39m');
  });
});

describe('JSON', () => {
  it('is one versioned object holding the diagnostics as they are', () => {
    const parsed = JSON.parse(renderDiagnosticsJson([error, warning]));
    expect(parsed).toEqual({ schema: 'triage.lint/v1', diagnostics: [error, warning] });
  });
});

describe('GitHub annotations', () => {
  it('prints ::error / ::warning with file, line, col and the rule as title', () => {
    expect(renderDiagnosticsGithub([error, warning])).toBe(
      [
        '::error file=/repo/playbooks/login.md,line=12,col=3,title=link/missing-node::Link to #nowhere: no node with that id.',
        '::warning file=/repo/playbooks/login.md,line=20,col=1,title=node/unreachable::Node `Old` cannot be reached.',
        '',
      ].join('\n'),
    );
  });

  it('escapes % and LF in the message, and also : and , in properties (workflow-command rules)', () => {
    const nasty: Diagnostic = { ...error, file: 'dir,with:odd%chars/a.md', message: '100% broken:\nsecond line, still: here' };
    expect(renderDiagnosticsGithub([nasty])).toBe(
      '::error file=dir%2Cwith%3Aodd%25chars/a.md,line=12,col=3,title=link/missing-node::100%25 broken:%0Asecond line, still: here\n',
    );
  });

  it('keeps one annotation per line whatever the message holds (CR, CRLF, escape sequences)', () => {
    const out = renderDiagnosticsGithub([{ ...error, message: 'a\r\nb\rc\u001b[31md' }, warning]);
    expect(out.split('\n')).toHaveLength(3);
    expect(out).not.toMatch(/[\r\u001b]/);
  });

  it('prints nothing at all when there is nothing to report', () => {
    expect(renderDiagnosticsGithub([])).toBe('');
  });
});

describe('relativeDiagnostics', () => {
  it('shortens paths inside the base directory and leaves the rest absolute', () => {
    const outside: Diagnostic = { ...error, file: '/elsewhere/x.md' };
    expect(relativeDiagnostics([error, outside], '/repo').map((d) => d.file)).toEqual(['playbooks/login.md', '/elsewhere/x.md']);
    // A sibling that merely shares a prefix is outside.
    expect(relativeDiagnostics([{ ...error, file: '/repo-other/a.md' }], '/repo')[0]!.file).toBe('/repo-other/a.md');
  });

  it('changes nothing but the path', () => {
    const [d] = relativeDiagnostics([error], '/repo/playbooks');
    expect(d).toEqual({ ...error, file: 'login.md' });
  });
});
