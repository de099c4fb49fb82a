// Commands whose effect on a fixture or demo tree is simulated, so a commit there is visible:
// `qm set` edits the VM config exactly as the planner predicted (same function), the boot
// loader's one-shot and default settings land where the real tools put them (grubenv, efivarfs
// files; bootctl refuses without LoaderInfo as the real one does), `systemctl enable|disable`
// makes or removes the wants link, `pvesh` writes mappings as Proxmox would, and the other boot
// tools succeed without doing anything.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseGrubenv } from '../model/plan/trial.ts';
import { applyMappingCall, MAPPING_API, MAPPING_FILE, parsePveshArgv } from '../model/mapping-config.ts';
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
      if (text === null)
        return {
          exitCode: 2,
          stderr: `Configuration file 'nodes/localhost/qemu-server/${parsed.vmid}.conf' does not exist\n`,
        };
      const pid = join(root, 'run/qemu-server', `${parsed.vmid}.pid`);
      const running = existsSync(pid) && existsSync(join(root, 'proc', readFileSync(pid, 'utf8').trim()));
      realFs.writeAtomic(path, applyQmSet(text, parsed.args, running));
      return { ...ok, stdout: running ? 'update VM: changes queued as pending (VM is running)\n' : '' };
    },
    'grub-editenv': (argv) => editGrubenv(root, argv.slice(1)),
    'grub-set-default': (argv) => editGrubenv(root, ['/boot/grub/grubenv', 'set', `saved_entry=${argv[1] ?? ''}`]),
    'grub-reboot': (argv) => editGrubenv(root, ['/boot/grub/grubenv', 'set', `next_entry=${argv[1] ?? ''}`]),
    bootctl: (argv) => setLoaderVariable(root, argv.slice(1)),
    systemctl: (argv) => {
      const [verb, unit] = argv.slice(1);
      // The folder resolved inside the root, not the link: that points at the unit file itself.
      const link = join(resolveInRoot(root, 'etc/systemd/system/multi-user.target.wants'), unit ?? '');
      if (!unit || unit.includes('/')) return { exitCode: 1, stderr: `systemctl: bad unit name\n` };
      if (verb === 'enable' && unit) {
        if (!existsSync(resolveInRoot(root, `etc/systemd/system/${unit}`)))
          return { exitCode: 1, stderr: `Failed to enable unit: Unit file ${unit} does not exist.\n` };
        mkdirSync(dirname(link), { recursive: true });
        rmSync(link, { force: true });
        symlinkSync(`/etc/systemd/system/${unit}`, link);
        return {
          ...ok,
          stderr: `Created symlink /etc/systemd/system/multi-user.target.wants/${unit} -> /etc/systemd/system/${unit}.\n`,
        };
      }
      if (verb === 'disable' && unit) {
        rmSync(link, { force: true });
        return ok;
      }
      return { exitCode: 1, stderr: `systemctl: only enable and disable are simulated on a fixture host\n` };
    },
    // VF settings go into the recorded `ip -d -j link show` answer (simulated-ip.ts).
    ip: simulatedIp(root, canned),
    // Resource mappings: pci.cfg written as Proxmox's SectionConfig writes it (the planner's function).
    pvesh: (argv) => {
      const c = parsePveshArgv(argv);
      if (!c)
        return {
          exitCode: 2,
          stderr: `pvesh: only mapping writes under ${MAPPING_API} are simulated on a fixture host\n`,
        };
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

/** grub-editenv FILE set NAME=VALUE... | unset NAME...: the 1024-byte block GRUB reads. */
function editGrubenv(root: string, args: string[]): { exitCode: number; stdout?: string; stderr?: string } {
  const [file, verb, ...names] = args;
  if (!file || (verb !== 'set' && verb !== 'unset'))
    return { exitCode: 1, stderr: 'grub-editenv: only set and unset are simulated\n' };
  const path = resolveInRoot(root, file.replace(/^\/+/, ''));
  const env = parseGrubenv(realFs.read(path));
  for (const n of names) {
    if (verb === 'unset') env.delete(n);
    else {
      const i = n.indexOf('=');
      if (i <= 0) return { exitCode: 1, stderr: `grub-editenv: invalid parameter ${n}\n` };
      env.set(n.slice(0, i), n.slice(i + 1));
    }
  }
  const body = `# GRUB Environment Block\n${[...env].map(([k, v]) => `${k}=${v}\n`).join('')}`;
  mkdirSync(dirname(path), { recursive: true });
  realFs.writeAtomic(path, body.padEnd(1024, '#'));
  return { exitCode: 0 };
}

const LOADER_GUID = '4a67b082-0a4c-41cf-b6c7-440b29bb8c4f';

/** bootctl set-default|set-oneshot ID: the efivarfs file (attributes, UTF-16LE, NUL); '' removes it. */
function setLoaderVariable(root: string, args: string[]): { exitCode: number; stderr?: string } {
  const [verb, id] = args;
  const name = verb === 'set-default' ? 'LoaderEntryDefault' : verb === 'set-oneshot' ? 'LoaderEntryOneShot' : null;
  if (!name || id === undefined)
    return { exitCode: 1, stderr: 'bootctl: only set-default and set-oneshot are simulated\n' };
  const dir = resolveInRoot(root, 'sys/firmware/efi/efivars');
  if (!existsSync(join(dir, `LoaderInfo-${LOADER_GUID}`)))
    return { exitCode: 1, stderr: 'Not booted with a supported boot loader.\n' };
  const path = join(dir, `${name}-${LOADER_GUID}`);
  if (id === '') rmSync(path, { force: true });
  else realFs.writeAtomic(path, Buffer.concat([Buffer.from([7, 0, 0, 0]), Buffer.from(`${id}\0`, 'utf16le')]));
  return { exitCode: 0 };
}
