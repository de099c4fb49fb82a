// Shared by every sub-command that reads a host: resolve --root, open it, read it, and turn
// an unreadable root into a clear message instead of a stack trace.
import { existsSync, statSync } from 'node:fs';
import { openHost, type HostHandle } from '../host/open.ts';
import { readHost } from '../host/reader.ts';
import type { HostSnapshot } from '../model/types.ts';

export async function loadHost(root: string): Promise<{ handle: HostHandle; snapshot: HostSnapshot }> {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`root ${root} is not a readable directory`);
  const handle = openHost({ root });
  const snapshot = await readHost(handle.root, handle.runner);
  return { handle, snapshot };
}
