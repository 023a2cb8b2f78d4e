import { describe, expect, it } from 'vitest';
import { triagePaths } from '../../src/io/paths.js';

describe('triagePaths', () => {
  it('follows the environment it is given, not only the process environment', () => {
    const paths = triagePaths({ XDG_CONFIG_HOME: '/tmp/h/c', XDG_DATA_HOME: '/tmp/h/d', XDG_CACHE_HOME: '/tmp/h/x' });
    expect(paths).toEqual({ config: '/tmp/h/c/triage', data: '/tmp/h/d/triage', cache: '/tmp/h/x/triage' });
  });

  it('lets TRIAGE_*_DIR win over the XDG variables', () => {
    expect(triagePaths({ XDG_DATA_HOME: '/tmp/h/d', TRIAGE_DATA_DIR: '/tmp/portable/data' }).data).toBe('/tmp/portable/data');
  });
});
