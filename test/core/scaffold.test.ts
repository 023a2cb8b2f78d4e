import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lintPlaybooks } from '../../src/app/lint.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import { scaffoldPlaybook } from '../../src/core/scaffold.js';

const root = mkdtempSync(join(tmpdir(), 'triage-scaffold-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** Lints the text as a file through the real lint use case (parser, validator, reply-craft rules). */
function lint(id: string, text: string) {
  // A directory per call, so files never meet in one library.
  const dir = join(root, String(count++));
  const file = join(dir, `${id}.md`);
  mkdirSync(dir);
  writeFileSync(file, text);
  return lintPlaybooks({ packageRoot: join(root, 'no-package'), cwd: dir, env: { TRIAGE_CONFIG_DIR: join(root, 'no-config') }, flagDirs: [] }, [file]);
}

function parse(id: string, text: string) {
  return parsePlaybook(text, { path: `/p/${id}.md`, dir: '/p' });
}

describe('scaffoldPlaybook', () => {
  it('lints clean: no errors and no warnings', () => {
    const result = lint('my-issue', scaffoldPlaybook('my-issue'));
    expect(result.diagnostics).toEqual([]);
    expect(result.fileCount).toBe(1);
  });

  it('teaches the format by example: env ask and detect, a script, an ask block, choices, an action, three outcome kinds, reply and report blocks', () => {
    const { playbook } = parse('login-loop', scaffoldPlaybook('login-loop'));
    expect(playbook).toBeDefined();
    const pb = playbook!;
    expect(pb).toMatchObject({ id: 'login-loop', title: 'Login loop', version: '1.0.0' });
    expect(pb.env.map((f) => [f.key, f.source.kind])).toEqual([
      ['browser', 'ask'],
      ['os', 'detect'],
    ]);
    expect(pb.nodes.some((n) => n.script.length > 0)).toBe(true);
    expect(pb.nodes.flatMap((n) => n.asks).map((a) => a.key)).toEqual(['error_text']);
    expect(pb.nodes.filter((n) => n.outcome).map((n) => n.outcome!.kind)).toEqual(['resolved', 'resolved', 'workaround', 'bug']);
    expect(pb.nodes.filter((n) => n.reply)).toHaveLength(4);
    expect(pb.nodes.flatMap((n) => n.actions ?? [])).toMatchObject([{ key: 'reset_sessions', targets: { done: 'does-it-work-after-signing-in-again', failed: 'bug-fails-every-time' } }]);
    expect(pb.nodes.find((n) => n.report)?.report).toMatchObject({ severity: 'medium', component: 'example', labels: ['example'] });
  });

  it('derives the title from the id, or uses the one given', () => {
    expect(parse('a-b-c', scaffoldPlaybook('a-b-c')).playbook?.title).toBe('A b c');
    expect(parse('x', scaffoldPlaybook('x', 'Exports: "stuck" at 99%')).playbook?.title).toBe('Exports: "stuck" at 99%');
  });

  it('turns a multi-line title into one line (a title is one line)', () => {
    expect(parse('x', scaffoldPlaybook('x', 'first\nsecond\r\n third')).playbook?.title).toBe('first second third');
  });

  it('any printable title round-trips and the scaffold still lints clean (YAML, Markdown and Liquid specials included)', () => {
    const special = fc.constantFrom(':', '"', "'", '#', '{{', '}}', '{%', '%}', '|', '>', '-', '[', ']', '*', '&', '!', '@', '`', '\\', ' ');
    const title = fc
      .array(fc.oneof(special, fc.string({ minLength: 1, maxLength: 6 })), { minLength: 1, maxLength: 8 })
      .map((parts) => parts.join(''))
      .filter((t) => t.replace(/\s+/g, ' ').trim() !== '' && !/[\u0000-\u001f\u007f]/.test(t.replace(/[\t\n\r]/g, ' ')));
    fc.assert(
      fc.property(title, (t) => {
        const text = scaffoldPlaybook('prop-test', t);
        expect(parse('prop-test', text).playbook?.title).toBe(t.replace(/\s+/g, ' ').trim());
        const errors = lint('prop-test', text).diagnostics.filter((d) => d.severity === 'error');
        expect(errors).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
