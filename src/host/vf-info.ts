// The live VF settings of each SR-IOV PF that has a network interface, as its driver reports
// them (`ip -d -j link show <pf-if>`, through the runner), and every interface's MAC
// (sys/class/net/<if>/address): what the VF settings planner checks a new MAC against.
import { join } from 'node:path';
import { normalizeMac, parseVfInfoJson } from '../model/vf-settings.ts';
import type { HostSnapshot, Notice, PciDevice } from '../model/types.ts';
import { listDir, readTrimmed } from './fsread.ts';
import type { CommandRunner } from './runner.ts';

export async function readVfInfo(
  root: string,
  runner: CommandRunner,
  devices: PciDevice[],
  notices: Notice[],
): Promise<Pick<HostSnapshot, 'vfInfo' | 'netMacs'>> {
  const netMacs: Record<string, string> = {};
  for (const ifname of listDir(join(root, 'sys/class/net')).sort()) {
    const mac = normalizeMac(readTrimmed(join(root, 'sys/class/net', ifname, 'address')) ?? '');
    if (mac) netMacs[ifname] = mac;
  }
  const vfInfo: NonNullable<HostSnapshot['vfInfo']> = {};
  for (const pf of devices) {
    const ifname = pf.netInterfaces[0];
    if (!pf.sriov || !ifname) continue;
    const r = await runner.run(['ip', '-d', '-j', 'link', 'show', ifname]);
    // No ip at all (127): nothing to say on every PF; the details pane shows "not read".
    if (r.exitCode === 127) continue;
    if (r.exitCode !== 0) {
      notices.push({
        where: pf.address,
        message: `ip -d -j link show ${ifname} failed (exit ${r.exitCode}): VF settings not read${r.stderr.trim() ? `: ${r.stderr.trim().split('\n')[0]}` : ''}`,
      });
      continue;
    }
    const parsed = parseVfInfoJson(r.stdout);
    if ('error' in parsed) {
      notices.push({
        where: pf.address,
        message: `ip -d -j link show ${ifname}: ${parsed.error}; VF settings not read`,
      });
      continue;
    }
    vfInfo[pf.address] = { ifname, vfs: parsed.vfs };
  }
  return { vfInfo, netMacs };
}
