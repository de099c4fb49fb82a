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
  // One ip process per PF, all started at once (this read is before the first frame); the
  // answers are taken in device order, so the notices keep their order.
  const asked = devices.flatMap((pf) => {
    const ifname = pf.netInterfaces[0];
    return pf.sriov && ifname ? [{ pf, ifname, answer: runner.run(['ip', '-d', '-j', 'link', 'show', ifname]) }] : [];
  });
  // Promise.all: a runner that throws fails the read as before, never an unhandled rejection.
  const answers = await Promise.all(asked.map((a) => a.answer));
  for (const [k, { pf, ifname }] of asked.entries()) {
    const r = answers[k]!;
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
