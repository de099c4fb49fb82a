// The live VF settings of each SR-IOV PF that has a network interface, as its driver reports
// them (`ip -d -j link show <pf-if>`, or one `ip -d -j link show` for all above a few PFs,
// through the runner), and every interface's MAC
// (sys/class/net/<if>/address): what the VF settings planner checks a new MAC against.
import { join } from 'node:path';
import { parseIpLinkJson } from '../model/ip-link-json.ts';
import { normalizeMac, vfInfoOf } from '../model/vf-settings.ts';
import type { HostSnapshot, Notice, PciDevice } from '../model/types.ts';
import { listDir, readTrimmed } from './fsread.ts';
import type { CommandRunner, RunResult } from './runner.ts';

export async function readVfInfo(
  root: string,
  runner: CommandRunner,
  devices: PciDevice[],
  notices: Notice[],
  { perPfUpTo = PER_PF_UP_TO, signal }: { perPfUpTo?: number; signal?: AbortSignal } = {},
): Promise<Pick<HostSnapshot, 'vfInfo' | 'netMacs'>> {
  const netMacs: Record<string, string> = {};
  for (const ifname of listDir(join(root, 'sys/class/net')).sort()) {
    const mac = normalizeMac(readTrimmed(join(root, 'sys/class/net', ifname, 'address')) ?? '');
    if (mac) netMacs[ifname] = mac;
  }
  const vfInfo: NonNullable<HostSnapshot['vfInfo']> = {};
  const pfs = devices.flatMap((pf) => {
    const ifname = pf.netInterfaces[0];
    return pf.sriov && ifname ? [{ pf, ifname }] : [];
  });
  // One ip process per PF, all started at once; above a few PFs, one that lists every link (a
  // process per PF would cost more than the rest of the read). Answers are taken in device
  // order, so the notices keep their order; each answer is parsed once. Promise.all: a runner
  // that throws fails the read as before.
  const all = pfs.length > perPfUpTo ? runner.run(IP, { signal }) : null;
  const answers = await Promise.all(pfs.map(({ ifname }) => all ?? runner.run([...IP, ifname], { signal })));
  const parsed = new Map<RunResult, ReturnType<typeof parseIpLinkJson>>();
  for (const [k, { pf, ifname }] of pfs.entries()) {
    const r = answers[k]!;
    // No ip at all (127): nothing to say on every PF; the details pane shows "not read".
    if (r.exitCode === 127) continue;
    const asked = r.argv.join(' ');
    const fail = (what: string) => notices.push({ where: pf.address, message: `${what}; VF settings not read` });
    if (r.exitCode !== 0) {
      fail(`${asked} failed (exit ${r.exitCode})${firstLine(r.stderr)}`);
      continue;
    }
    if (!parsed.has(r)) parsed.set(r, parseIpLinkJson(r.stdout));
    const got = vfInfoOf(parsed.get(r)!, all ? ifname : null);
    if ('error' in got) fail(`${asked}: ${got.error}`);
    else vfInfo[pf.address] = got;
  }
  return { vfInfo, netMacs };
}

const IP = ['ip', '-d', '-j', 'link', 'show'];
/** Up to this many SR-IOV PFs, one `ip ... link show <pf-if>` each (as the Monitor does). */
export const PER_PF_UP_TO = 4;
const firstLine = (stderr: string) => (stderr.trim() ? `: ${stderr.trim().split('\n')[0]}` : '');
