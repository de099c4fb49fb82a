// Shared by every sub-command that reads a host: open the root (checked by rootArg when it
// came from --root), read it.
import { openHost, type HostHandle } from '../host/open.ts';
import { readHost } from '../host/reader.ts';
import type { HostSnapshot } from '../model/types.ts';

export async function loadHost(root: string): Promise<{ handle: HostHandle; snapshot: HostSnapshot }> {
  const handle = openHost({ root });
  const snapshot = await readHost(handle.root, handle.runner);
  return { handle, snapshot };
}
