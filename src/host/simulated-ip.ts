// `ip link set <pf-if> vf N ...` on a fixture or demo tree: the VF settings land in the recorded
// `ip -d -j link show <pf-if>` answer (in memory and in .fixture/commands.json), so a re-read
// after a commit shows them, as on a node. `ip [-s] -d -j link show` (every link) answers with
// the recorded links together. Nothing else of ip is simulated.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseVfSettingsWords } from '../model/vf-settings.ts';
import type { Response } from './runner.ts';

type Canned = Record<string, Response>;

export function simulatedIp(root: string, canned: Canned): Response {
  return (argv) => {
    if (/^ip (?:-s )?-d -j link show$/.test(argv.join(' '))) return allLinks(canned, argv.join(' '));
    if (argv[1] !== 'link' || argv[2] !== 'set')
      return { exitCode: 127, stderr: 'ip: not available on this fixture host\n' };
    const [ifname, vfWord, n, ...words] = argv.slice(argv[3] === 'dev' ? 4 : 3);
    const settings = vfWord === 'vf' ? parseVfSettingsWords(words) : null;
    if (!ifname || !settings || !/^\d+$/.test(n ?? ''))
      return { exitCode: 1, stderr: 'ip: only ip link set <if> vf N ... is simulated on a fixture host\n' };
    const answer = canned[`ip -d -j link show ${ifname}`];
    if (!answer || typeof answer === 'function' || !answer.stdout) return { exitCode: 0 }; // no recorded state to keep
    let links: Array<{ vfinfo_list?: Array<Record<string, unknown>> }>;
    try {
      links = JSON.parse(answer.stdout) as typeof links;
    } catch {
      return { exitCode: 0 };
    }
    const vf = links[0]?.vfinfo_list?.find((v) => v.vf === Number(n));
    if (!vf) return { exitCode: 2, stderr: 'RTNETLINK answers: Invalid argument\n' };
    if (settings.mac !== undefined) vf.address = settings.mac;
    if (settings.vlan !== undefined || settings.qos !== undefined) {
      const tag: Record<string, number> = {};
      if (settings.vlan) tag.vlan = settings.vlan;
      if (settings.qos) tag.qos = settings.qos;
      vf.vlan_list = [tag];
    }
    if (settings.trust !== undefined) vf.trust = settings.trust;
    if (settings.spoofchk !== undefined) vf.spoofchk = settings.spoofchk;
    if (settings.state !== undefined) vf.link_state = settings.state;
    answer.stdout = `${JSON.stringify(links)}\n`;
    writeFileSync(join(root, '.fixture/commands.json'), `${JSON.stringify(canned, null, 2)}\n`);
    return { exitCode: 0 };
  };
}

/** Every recorded `<asked> <if>` answer as one list, as `<asked>` (ip ... link show) lists all links. */
function allLinks(canned: Canned, asked: string): { exitCode: number; stdout?: string; stderr?: string } {
  const links: unknown[] = [];
  for (const [line, answer] of Object.entries(canned)) {
    const ifname = line.startsWith(`${asked} `) ? line.slice(asked.length + 1) : '';
    if (!/^\S+$/.test(ifname) || typeof answer === 'function' || !answer.stdout) continue;
    try {
      links.push(...(JSON.parse(answer.stdout) as unknown[]));
    } catch {
      // a recorded answer that is not JSON: left out, as ip would not print it
    }
  }
  return links.length
    ? { exitCode: 0, stdout: `${JSON.stringify(links)}\n` }
    : { exitCode: 127, stderr: 'ip: not available on this fixture host\n' };
}
