// Snapshots of the fixture hosts, read once per test file through the real reader.
import { join } from 'node:path';
import { openHost } from '../../src/host/open.ts';
import { readHost } from '../../src/host/reader.ts';
import type { HostSnapshot } from '../../src/model/types.ts';
import { FIXTURES } from './tree.ts';

export async function fixtureSnapshot(name: string): Promise<HostSnapshot> {
  return readAt(join(FIXTURES, name));
}

export async function readAt(root: string): Promise<HostSnapshot> {
  const h = openHost({ root });
  return readHost(h.root, h.runner);
}
