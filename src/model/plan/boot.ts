// What passthrough needs at boot: the vfio modules loaded, the IOMMU flags on the kernel
// command line of the boot loader this node really uses, and a fresh initramfs.
import {
  addFlags,
  cmdlineWords,
  editGrubCmdline,
  editKernelCmdline,
  grubCmdline,
  removeFlags,
} from '../kernel-cmdline.ts';
import type { HostSnapshot } from '../types.ts';
import type { PlanBuilder } from './builder.ts';
import { OWN, VFIO_MODULES, modulesLoadText } from './files.ts';

/** What the kernel command line needs for the IOMMU, from the firmware table and the kernel. */
export interface IommuBootNeed {
  /** Words to add (e.g. `intel_iommu=on`). */
  add: string[];
  /** Words that switch the IOMMU off and must go (`intel_iommu=off`, `amd_iommu=off`, `iommu=off`). */
  remove: string[];
  /** Why the line changes, for the plan (empty when it does not). */
  reason: string;
  /** Why no flag can help, and what the operator must do instead (null when flags do it). */
  blocker: string | null;
}

/** iommu=pt says what it does wherever it is proposed: it is optional. */
export const IOMMU_PT_REASON =
  'iommu=pt (optional) lets the devices the host keeps skip IOMMU translation (less DMA overhead); devices given to VMs stay isolated';

const OFF_WORDS = { DMAR: ['intel_iommu=off', 'iommu=off'], IVRS: ['amd_iommu=off', 'iommu=off'] } as const;

/**
 * The IOMMU flags a boot command line `line` needs on this node. Chosen from the firmware's ACPI
 * table (DMAR: Intel VT-d, IVRS: AMD-Vi) and whether the kernel has the IOMMU on, never from the
 * CPU vendor: nothing when it is on already; AMD-Vi is on by default and `amd_iommu=on` is not a
 * kernel option ("AMD-Vi: Unknown option - 'on'"), so AMD only ever loses an `=off`.
 */
export function iommuBootNeed(snap: HostSnapshot, line: string): IommuBootNeed {
  const none: IommuBootNeed = { add: [], remove: [], reason: '', blocker: null };
  if (snap.iommu.enabled) return none;
  const fw = snap.iommu.firmware;
  if (!fw) {
    return {
      ...none,
      blocker:
        'the firmware reports no IOMMU (no DMAR or IVRS ACPI table): VT-d / AMD-Vi must be enabled in the BIOS/UEFI setup (and supported by CPU and board); no kernel flag can turn it on',
    };
  }
  const words = cmdlineWords(line);
  const remove = OFF_WORDS[fw].filter((w) => words.includes(w));
  const add = fw === 'DMAR' && !words.includes('intel_iommu=on') ? ['intel_iommu=on'] : [];
  if (!add.length && !remove.length) {
    const bootedWithout = !cmdlineWords(snap.iommu.cmdline).includes('intel_iommu=on');
    return {
      ...none,
      blocker:
        fw === 'DMAR'
          ? bootedWithout
            ? 'intel_iommu=on is on the boot command line already but the running kernel was booted without it: reboot'
            : 'the firmware publishes DMAR and intel_iommu=on is set, yet the kernel has no IOMMU on: see dmesg | grep -e DMAR -e IOMMU'
          : 'the firmware publishes IVRS (AMD-Vi) but the kernel has no IOMMU on, and nothing on the command line switches it off: see dmesg | grep AMD-Vi (amd_iommu=on is not a kernel option)',
    };
  }
  if (!words.includes('iommu=pt')) add.push('iommu=pt');
  const why = [
    ...(remove.length ? [`drop ${remove.join(' ')} (it keeps the IOMMU off)`] : []),
    ...(add.includes('intel_iommu=on')
      ? ['intel_iommu=on turns on VT-d (the firmware has it: DMAR table; this kernel leaves it off)']
      : []),
    ...(add.includes('iommu=pt') ? [IOMMU_PT_REASON] : []),
  ];
  return { add, remove, reason: why.join('; '), blocker: null };
}

/** What turns the IOMMU on here, one sentence: the firmware setup, or which kernel flags. */
export function howToTurnIommuOn(snap: HostSnapshot): string {
  const need = iommuBootNeed(snap, bootCmdline(snap));
  if (need.blocker) return need.blocker;
  const words = [...need.remove.map((w) => `remove ${w}`), ...need.add.map((w) => `add ${w}`)];
  return `${words.join(', ')} on the kernel command line (staging any reservation or assignment here does that), then reboot`;
}

/** The command line the next boot gets: the boot loader's file `text`, else the running one. */
export function bootCmdline(
  snap: HostSnapshot,
  text: string | null = snap.bootloader.path ? (snap.files[snap.bootloader.path] ?? null) : null,
): string {
  const { kind, path } = snap.bootloader;
  if (kind === 'unknown' || !path || text === null) return snap.iommu.cmdline;
  return kind === 'grub' ? (grubCmdline(text) ?? '') : (text.split('\n')[0] ?? '');
}

export function planBootSupport(snap: HostSnapshot, b: PlanBuilder): void {
  const ours = b.read(OWN.modulesLoad);
  const elsewhere = new Set(snap.vfio.modulesAtBoot.map((m) => m.replace(/-/g, '_')));
  const oursList = (ours ?? '').split('\n').filter((l) => l && !l.startsWith('#'));
  const want = VFIO_MODULES.filter((m) => !elsewhere.has(m) || oursList.includes(m));
  b.write(OWN.modulesLoad, want.length ? modulesLoadText(want) : ours, 'load the vfio modules at boot');
  if (b.read(OWN.modulesLoad) !== (snap.files[OWN.modulesLoad] ?? null)) b.reboot('vfio modules load at boot');

  const { kind, path } = snap.bootloader;
  const text = path ? (b.read(path) ?? '') : '';
  const current = bootCmdline(snap, text);
  const need = iommuBootNeed(snap, current);
  if (need.blocker) b.warn('IOMMU', need.blocker);
  if (need.add.length || need.remove.length) {
    if (kind === 'unknown' || !path) {
      b.warn(
        'boot loader',
        `neither /etc/kernel/cmdline nor /etc/default/grub found: ${[...need.remove.map((w) => `remove ${w}`), ...need.add.map((w) => `add ${w}`)].join(', ')} on the kernel command line by hand`,
      );
    } else {
      const edit = (c: string) => addFlags(removeFlags(c, need.remove), need.add);
      const after = kind === 'grub' ? editGrubCmdline(text, edit) : editKernelCmdline(text, edit);
      if (after !== text) {
        b.write(path, after, need.reason);
        b.step(
          'boot',
          kind === 'grub'
            ? { kind: 'command', argv: ['update-grub'], reason: 'write the new kernel command line into grub.cfg' }
            : {
                kind: 'command',
                argv: ['proxmox-boot-tool', 'refresh'],
                reason: 'copy the new kernel command line to every ESP',
              },
        );
        b.reboot(
          `kernel command line ${[need.add.length ? `gains ${need.add.join(' ')}` : '', need.remove.length ? `loses ${need.remove.join(' ')}` : ''].filter(Boolean).join(', ')}`,
        );
      }
    }
  }
  if (cmdlineWords(current).includes('amd_iommu=on')) {
    b.warn(
      'kernel command line',
      'amd_iommu=on is not a kernel option (a 6.1 kernel logs "AMD-Vi: Unknown option - \'on\'"): AMD-Vi is on by default; the word can go',
    );
  }
  if (snap.iommu.interruptRemapping === false)
    b.warn(
      'IOMMU',
      'no interrupt remapping reported by the kernel: passthrough may need allow_unsafe_interrupts and is less safe',
    );
}

/** update-initramfs whenever a file that ends up in the initramfs changed. */
export function planInitramfs(b: PlanBuilder): void {
  const affects = b
    .changed()
    .some(
      (p) =>
        p.startsWith('etc/modprobe.d/') ||
        p.startsWith('etc/modules-load.d/') ||
        p.startsWith('etc/initramfs-tools/') ||
        p === 'etc/modules',
    );
  if (affects)
    b.step('initramfs', {
      kind: 'command',
      argv: ['update-initramfs', '-u', '-k', 'all'],
      reason: 'rebuild the initramfs with the new module options and scripts',
    });
}
