/**
 * `triage help`: commander's help for commands still works (`help <command>`, nested too), and
 * topics from docs/help render as plain, wrapped text in a pipe. Every topic an error points at
 * exists, and errors that mention a concept print `more: triage help <topic>`.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../src/render/style.js';
import { renderHelpTopic } from '../../src/render/help-topic.js';
import { makeHome, ROOT, triage } from '../helpers/cli.js';

const COLOR = new Chalk({ level: 1 });

const TOPICS = ['answers', 'checks', 'exit-codes', 'format', 'helpdesk', 'redaction', 'shell-completion', 'templates', 'trust'];
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('triage help <topic>', () => {
  it('has the topics, listed in the main help', () => {
    const names = readdirSync(join(ROOT, 'docs', 'help')).map((n) => n.replace(/\.md$/, '')).sort();
    expect(names).toEqual(expect.arrayContaining(TOPICS));
    const help = triage(['--help']);
    expect(help.stdout).toContain(`Help topics (triage help <topic>): ${names.join(', ')}`);
  });

  it.each(TOPICS)('renders %s as plain text, wrapped to 80 columns in a pipe', (topic) => {
    const result = triage(['help', topic]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stdout).not.toMatch(/^#+ /m);
    for (const line of result.stdout.split('\n')) {
      if (line.startsWith('    ')) continue; // code blocks are shown as written
      expect(line.length, line).toBeLessThanOrEqual(80);
    }
  });

  it('explains the exit codes', () => {
    const text = triage(['help', 'exit-codes']).stdout;
    expect(text).toMatch(/^EXIT CODES\n=+\n/);
    for (const code of ['0', '1', '2', '3', '130']) expect(text).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    expect(text).toContain('--fail-on');
  });

  it('format and templates teach by example', () => {
    const format = triage(['help', 'format']).stdout;
    expect(format).toContain('    id: export-fails');
    expect(format).toContain('Resolved:');
    const templates = triage(['help', 'templates']).stdout;
    expect(templates).toContain('customer.name');
    expect(templates).toContain('{{ customer.name | default: "there" }}');
  });

  it('a topic that is also a command points at the command\'s options', () => {
    const trust = triage(['help', 'trust']);
    expect(trust.stdout).toMatch(/^TRUSTING PLAYBOOK DIRECTORIES/);
    expect(trust.stdout).toContain("For the command's options: triage trust --help");
  });

  it('an unknown topic is a usage error that lists the topics and guesses', () => {
    const result = triage(['help', 'exit-code']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('There is no command or help topic called "exit-code"');
    expect(result.stderr).toContain('Did you mean `triage help exit-codes`?');
    expect(result.stderr).toContain(`Topics: ${TOPICS.join(', ')}`);
  });
});

describe('triage help <command>', () => {
  it('is the command\'s --help, nested commands included', () => {
    for (const args of [['run'], ['handoff'], ['cases', 'show'], ['config', 'set']]) {
      const viaHelp = triage(['help', ...args]);
      const viaFlag = triage([...args, '--help']);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe(viaFlag.stdout);
      expect(viaHelp.stdout).toContain(`Usage: triage ${args.join(' ')}`);
    }
  });

  it('without a name is the main help', () => {
    const help = triage(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(triage(['--help']).stdout);
  });
});

describe('errors point at their topic', () => {
  it('every topic named in the source exists', () => {
    const named = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\btopic: '([a-z-]+)'/g)) named.add(match[1]!);
    }
    expect([...named].length).toBeGreaterThan(3);
    for (const topic of named) expect(TOPICS, `topic "${topic}"`).toContain(topic);
  });

  it('a missing answer points at `triage help answers`', () => {
    const result = triage(['run', 'upload-or-export-fails', '--no-input']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('more: triage help answers');
  });

  it('an invalid playbook points at `triage help format`', () => {
    const home = makeHome();
    const dir = join(home, 'broken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'broken.md'), '---\nid: broken\ntitle: Broken\nversion: 1.0.0\n---\n\n## Start\n\n- [Go](#nowhere)\n');
    const result = triage(['--playbooks', dir, 'run', 'broken', '--no-input'], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('more: triage help format');
  });
});

describe('renderHelpTopic', () => {
  it('wraps paragraphs and list items with a hanging indent, keeps code as written', () => {
    const text = renderHelpTopic(
      '# Title\n\nA paragraph that is long enough to need wrapping at forty columns, really.\n\n- An item that also needs wrapping at forty columns here.\n\n```sh\ntriage run x --answer a=b --answer c=d --answer e=f\n```\n',
      { width: 40, style: PLAIN },
    );
    expect(text).toBe(
      [
        'TITLE',
        '=====',
        '',
        'A paragraph that is long enough to need',
        'wrapping at forty columns, really.',
        '',
        '  • An item that also needs wrapping at',
        '    forty columns here.',
        '',
        '    triage run x --answer a=b --answer c=d --answer e=f',
        '',
      ].join('\n'),
    );
  });

  it('colours headings and code only when asked', () => {
    const text = renderHelpTopic('## Section\n\nUse `triage run` and **care**.\n', { width: 80, style: COLOR });
    expect(text).toContain('\u001b[1mSection\u001b[22m');
    expect(text).toContain('\u001b[36mtriage run\u001b[39m');
    expect(renderHelpTopic('Use `triage run` and **care**.\n', { width: 80, style: PLAIN })).toBe('Use `triage run` and care.\n');
  });

  it('shows tables as columns when they fit and as a list when they do not', () => {
    const table = '| key | meaning |\n| --- | --- |\n| a | first |\n| bb | second |\n';
    expect(renderHelpTopic(table, { width: 80, style: PLAIN })).toBe('  key  meaning\n  a    first\n  bb   second\n');
    const wide = `| code | meaning |\n| --- | --- |\n| 0 | ${'word '.repeat(20).trim()} |\n`;
    const lines = renderHelpTopic(wide, { width: 40, style: PLAIN }).split('\n');
    expect(lines.slice(0, 2)).toEqual(['  0     word word word word word word', '        word word word word word word']);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
  });
});
