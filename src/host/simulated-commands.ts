// Commands whose effect on a fixture or demo tree is simulated, so a commit there is visible:
// `qm set` edits the VM config exactly as the planner predicted (same function), and the boot
// tools succeed without doing anything (they only matter on a real node).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { applyMappingCall, MAPPING_API, MAPPING_FILE, parsePveshArgv } from '../model/mapping-config.ts';
import { applyQmSet, parseQmSetArgv } from '../model/plan/qm-set.ts';
import { realFs } from './atomic.ts';
import { resolveInRoot } from './rooted.ts';
import type { Response } from './runner.ts';

export function simulatedCommands(root: string): Record<string, Response> {
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
    // Resource mappings: pci.cfg written as Proxmox's SectionConfig writes it (the planner's function).
    pvesh: (argv) => {
      const c = parsePveshArgv(argv);
      if (!c) return { exitCode: 2, stderr: `pvesh: only mapping writes under ${MAPPING_API} are simulated on a fixture host\n` };
      let path: string;
      try {
        path = resolveInRoot(root, MAPPING_FILE);
      } catch (e) {
        return { exitCode: 2, stderr: `pvesh: ${(e as Error).message}\n` };
      }
      try {
        const after = applyMappingCall(realFs.read(path) ?? '', c);
        if (!existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true });
        realFs.writeAtomic(path, after);
      } catch (e) {
        return { exitCode: 255, stderr: `${(e as Error).message}\n` };
      }
      return ok;
    },
    'update-initramfs': ok,
    'proxmox-boot-tool': ok,
    'update-grub': ok,
    // The recovery hook mounts the ESPs of a real node; a fixture has none.
    '/etc/kernel/postinst.d/zz-pve-passthrough-recovery': ok,
  };
}
