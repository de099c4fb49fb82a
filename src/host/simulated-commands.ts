// Commands whose effect on a fixture or demo tree is simulated, so a commit there is visible:
// `qm set` edits the VM config exactly as the planner predicted (same function), and the boot
// tools succeed without doing anything (they only matter on a real node).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyQmSet, parseQmSetArgv } from '../model/plan/qm-set.ts';
import { realFs } from './atomic.ts';
import { resolveInRoot } from './rooted.ts';
import type { Response } from './runner.ts';
import { simulatedIp } from './simulated-ip.ts';

export function simulatedCommands(root: string, canned: Record<string, Response> = {}): Record<string, Response> {
  const ok = { exitCode: 0, stdout: '', stderr: '' };
  return {
    qm: (argv) => {
      const parsed = parseQmSetArgv(argv);
      if (!parsed) return { exitCode: 2, stderr: `qm: only 'qm set' is simulated on a fixture host\n` };
      // Resolved like every write of the program: a symlinked config never leads out of the root.
      let path: string;
      try {
        path = resolveInRoot(root, `etc/pve/qemu-server/${parsed.vmid}.conf`);
      } catch (e) {
        return { exitCode: 2, stderr: `qm: ${(e as Error).message}\n` };
      }
      const text = realFs.read(path);
      if (text === null) return { exitCode: 2, stderr: `Configuration file 'nodes/localhost/qemu-server/${parsed.vmid}.conf' does not exist\n` };
      const pid = join(root, 'run/qemu-server', `${parsed.vmid}.pid`);
      const running = existsSync(pid) && existsSync(join(root, 'proc', readFileSync(pid, 'utf8').trim()));
      realFs.writeAtomic(path, applyQmSet(text, parsed.args, running));
      return { ...ok, stdout: running ? 'update VM: changes queued as pending (VM is running)\n' : '' };
    },
    // VF settings go into the recorded `ip -d -j link show` answer (simulated-ip.ts).
    ip: simulatedIp(root, canned),
    'update-initramfs': ok,
    'proxmox-boot-tool': ok,
    'update-grub': ok,
    // The recovery hook mounts the ESPs of a real node; a fixture has none.
    '/etc/kernel/postinst.d/zz-pve-passthrough-recovery': ok,
  };
}
