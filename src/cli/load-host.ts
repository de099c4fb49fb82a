// Shared by every sub-command that reads a host: open the root (checked by rootArg when it
// came from --root), read it.
import { openHost, type HostHandle } from '../host/open.ts';
import { readHost } from '../host/reader.ts';
import type { HostSnapshot } from '../model/types.ts';

/** With `warn`, an interrupted apply on the host is said on it (stderr) before anything else. */
export async function loadHost(
  root: string,
  warn?: NodeJS.WritableStream,
): Promise<{ handle: HostHandle; snapshot: HostSnapshot }> {
  const handle = openHost({ root });
  const snapshot = await readHost(handle.root, handle.runner);
  if (warn && snapshot.interruptedApply) warn.write(`pve-passthrough: warning: ${snapshot.interruptedApply.message}\n`);
  return { handle, snapshot };
}
