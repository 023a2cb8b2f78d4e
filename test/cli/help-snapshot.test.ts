/**
 * `triage --help` into a pipe comes from dist/help.json, rendered at build time. It must
 * be what commander prints; and the snapshot is used only while what it depends on holds.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HELP_SNAPSHOT_FILE, snapshotHelp } from '../../src/cli/help-snapshot.js';
import { ROOT, triage } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'triage-help-snapshot-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the --help snapshot', () => {
  it('prints what commander prints', () => {
    const viaCommander = triage(['--no-color', '--help']);
    expect(viaCommander.code).toBe(0);
    expect(viaCommander.stdout).toContain('Usage: triage');
    for (const flag of ['--help', '-h']) {
      const fast = triage([flag]);
      expect({ code: fast.code, stdout: fast.stdout, stderr: fast.stderr }).toEqual({ code: 0, stdout: viaCommander.stdout, stderr: '' });
    }
  });

  it('is used only for the same version and the same help-topic files', () => {
    const dist = join(root, 'dist');
    const packageRoot = root;
    mkdirSync(dist);
    cpSync(join(ROOT, 'docs', 'help'), join(packageRoot, 'docs', 'help'), { recursive: true });
    const snapshot = JSON.parse(readFileSync(join(ROOT, 'dist', HELP_SNAPSHOT_FILE), 'utf8'));
    writeFileSync(join(dist, HELP_SNAPSHOT_FILE), JSON.stringify(snapshot));
    expect(snapshotHelp(dist, packageRoot, snapshot.version)).toBe(snapshot.text);
    expect(snapshotHelp(dist, packageRoot, `${snapshot.version}-other`)).toBeUndefined();
    writeFileSync(join(packageRoot, 'docs', 'help', 'new-topic.md'), '# New topic\n');
    expect(snapshotHelp(dist, packageRoot, snapshot.version)).toBeUndefined();
    rmSync(join(packageRoot, 'docs', 'help', 'new-topic.md'));
    writeFileSync(join(dist, HELP_SNAPSHOT_FILE), '{"version":');
    expect(snapshotHelp(dist, packageRoot, snapshot.version)).toBeUndefined();
    rmSync(join(dist, HELP_SNAPSHOT_FILE));
    expect(snapshotHelp(dist, packageRoot, snapshot.version)).toBeUndefined();
  });
});
