// What passthrough needs at boot: the vfio modules loaded, the IOMMU flags on the kernel
// command line of the boot loader this node really uses, and a fresh initramfs.
import { addFlags, cmdlineWords, editGrubCmdline, editKernelCmdline, grubCmdline } from '../kernel-cmdline.ts';
import type { HostSnapshot } from '../types.ts';
import type { PlanBuilder } from './builder.ts';
import { OWN, VFIO_MODULES, modulesLoadText } from './files.ts';

export function iommuFlags(snap: HostSnapshot): string[] {
  const vendor = snap.cpuVendor === 'amd' ? ['amd_iommu=on'] : snap.cpuVendor === 'intel' ? ['intel_iommu=on'] : [];
  return [...vendor, 'iommu=pt'];
}

export function planBootSupport(snap: HostSnapshot, b: PlanBuilder): void {
  const ours = b.read(OWN.modulesLoad);
  const elsewhere = new Set(snap.vfio.modulesAtBoot.map((m) => m.replace(/-/g, '_')));
  const oursList = (ours ?? '').split('\n').filter((l) => l && !l.startsWith('#'));
  const want = VFIO_MODULES.filter((m) => !elsewhere.has(m) || oursList.includes(m));
  b.write(OWN.modulesLoad, want.length ? modulesLoadText(want) : ours, 'load the vfio modules at boot');
  if (b.read(OWN.modulesLoad) !== (snap.files[OWN.modulesLoad] ?? null)) b.reboot('vfio modules load at boot');

  const flags = iommuFlags(snap);
  if (!snap.cpuVendor) b.warn('proc/cpuinfo', 'CPU vendor unknown: add intel_iommu=on or amd_iommu=on to the kernel command line by hand');
  const { kind, path } = snap.bootloader;
  if (kind === 'unknown' || !path) {
    b.warn('boot loader', 'neither /etc/kernel/cmdline nor /etc/default/grub found: check the IOMMU flags by hand');
  } else {
    const text = b.read(path) ?? '';
    const current = kind === 'grub' ? grubCmdline(text) ?? '' : text.split('\n')[0] ?? '';
    const missing = flags.filter((f) => !cmdlineWords(current).includes(f));
    if (missing.length) {
      const after = kind === 'grub' ? editGrubCmdline(text, (c) => addFlags(c, missing)) : editKernelCmdline(text, (c) => addFlags(c, missing));
      b.write(path, after, `add ${missing.join(' ')} to the kernel command line`);
      b.step('boot', kind === 'grub'
        ? { kind: 'command', argv: ['update-grub'], reason: 'write the new kernel command line into grub.cfg' }
        : { kind: 'command', argv: ['proxmox-boot-tool', 'refresh'], reason: 'copy the new kernel command line to every ESP' });
      b.reboot(`kernel command line gains ${missing.join(' ')}`);
    }
  }
  if (!snap.iommu.enabled) b.warn('IOMMU', 'IOMMU is off now: after the reboot groups appear only if VT-d / AMD-Vi is enabled in the firmware setup too');
  if (snap.iommu.interruptRemapping === false) b.warn('IOMMU', 'no interrupt remapping reported by the kernel: passthrough may need allow_unsafe_interrupts and is less safe');
}

/** update-initramfs whenever a file that ends up in the initramfs changed. */
export function planInitramfs(b: PlanBuilder): void {
  const affects = b.changed().some((p) => p.startsWith('etc/modprobe.d/') || p.startsWith('etc/modules-load.d/') || p.startsWith('etc/initramfs-tools/') || p === 'etc/modules');
  if (affects) b.step('initramfs', { kind: 'command', argv: ['update-initramfs', '-u', '-k', 'all'], reason: 'rebuild the initramfs with the new module options and scripts' });
}
