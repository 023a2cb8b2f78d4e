import { describe, expect, it } from 'vitest';
import { createLibrary } from '../../src/core/library.js';
import { link, node, outcome, playbook } from '../helpers/playbook-builder.js';

const start = () => [node('start', { choices: [] }), outcome('done', 'resolved', 'Done')];

describe('createLibrary', () => {
  it('finds playbooks by id and lists each id once', () => {
    const a = playbook('a', start());
    const b = playbook('b', start());
    const library = createLibrary([a, b]);
    expect(library.get('a')).toBe(a);
    expect(library.get('b')).toBe(b);
    expect(library.get('c')).toBeUndefined();
    expect(library.all().map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('lets a later playbook with the same id override an earlier one', () => {
    const bundled = playbook('a', start(), { path: '/bundled/a.md', title: 'bundled' });
    const other = playbook('b', start(), { path: '/bundled/b.md' });
    const user = playbook('a', start(), { path: '/user/a.md', title: 'user' });
    const library = createLibrary([bundled, other, user]);
    expect(library.get('a')?.title).toBe('user');
    expect(library.all()).toEqual([user, other]);
  });

  it('does not keep the caller array', () => {
    const list = [playbook('a', start())];
    const library = createLibrary(list);
    list.push(playbook('b', start()));
    expect(library.get('b')).toBeUndefined();
  });
});

describe('resolveLink', () => {
  const from = playbook('export-fails', [node('first'), node('second'), outcome('done', 'resolved', 'Done')], {
    path: '/kb/reports/export-fails.md',
  });
  const refund = playbook('refund-request', [node('intro'), node('some-node')], { path: '/kb/billing/refund-request.md', start: 'intro' });
  const sibling = playbook('sibling', [node('top')], { path: '/kb/reports/sibling.md' });
  const renamed = playbook('other-id', [node('n1')], { path: '/kb/reports/file-name.md' });
  const library = createLibrary([from, refund, sibling, renamed]);

  it('resolves a same-file link to the node', () => {
    expect(library.resolveLink(from, link('#second'))).toEqual({ playbook: from, nodeId: 'second' });
  });

  it('returns undefined for a same-file link to a missing node', () => {
    expect(library.resolveLink(from, link('#nope'))).toBeUndefined();
  });

  it('resolves a file relative to the linking file, at its start node', () => {
    expect(library.resolveLink(from, link('sibling.md'))).toEqual({ playbook: sibling, nodeId: 'top' });
    expect(library.resolveLink(from, link('../billing/refund-request.md'))).toEqual({ playbook: refund, nodeId: 'intro' });
  });

  it('resolves a file with a fragment to that node', () => {
    expect(library.resolveLink(from, link('../billing/refund-request.md#some-node'))).toEqual({ playbook: refund, nodeId: 'some-node' });
  });

  it('finds a file by path even when its id differs from its name', () => {
    expect(library.resolveLink(from, link('file-name.md'))?.playbook.id).toBe('other-id');
    expect(library.resolveLink(from, link('./file-name.md#n1'))?.nodeId).toBe('n1');
  });

  it('falls back to the id equal to the file name when no file is at that path', () => {
    expect(library.resolveLink(from, link('refund-request.md#some-node'))).toEqual({ playbook: refund, nodeId: 'some-node' });
  });

  it('returns undefined for an unknown file or a missing fragment node', () => {
    expect(library.resolveLink(from, link('nowhere.md'))).toBeUndefined();
    expect(library.resolveLink(from, link('sibling.md#nope'))).toBeUndefined();
  });

  it('decodes percent-encoded paths', () => {
    const spaced = playbook('spaced', [node('s')], { path: '/kb/reports/my playbook.md' });
    const lib = createLibrary([from, spaced]);
    expect(lib.resolveLink(from, link('my%20playbook.md'))?.playbook.id).toBe('spaced');
  });

  it('follows an override when the linked file was overridden by id', () => {
    const bundledTarget = playbook('target', [node('t-old')], { path: '/bundled/target.md' });
    const bundledFrom = playbook('from', [node('f')], { path: '/bundled/from.md' });
    const userTarget = playbook('target', [node('t-new')], { path: '/user/target.md' });
    const lib = createLibrary([bundledTarget, bundledFrom, userTarget]);
    expect(lib.resolveLink(bundledFrom, link('target.md'))).toEqual({ playbook: userTarget, nodeId: 't-new' });
  });
});
