// Kernel lab, booting through a real boot loader: OVMF (Debian's `ovmf`) with a writable copy of
// its variable store per scenario (the EFI variables bootctl writes survive the reboots), and an
// ESP laid out as proxmox-boot-tool leaves it (zz-proxmox-boot, copy_and_config_kernels()):
// systemd-boot (Debian's `systemd-boot-efi`) as EFI/BOOT/BOOTX64.EFI, loader/loader.conf with
// `default proxmox-*`, EFI/proxmox/<kver>/{vmlinuz,initrd.img}-<kver> and
// loader/entries/proxmox-<kver>.conf. The ESP is a FAT image made with mkfs.vfat and mtools,
// nothing mounted on this side. Its volume id is fixed: the guest names it in
// /etc/kernel/proxmox-boot-uuids, and the program's recovery hook mounts it by that UUID.
// bootctl itself is in Debian's `systemd-boot` package, which is not installed here (its postinst
// runs `bootctl install` on a machine with an ESP): `apt-get download` of the version matching the
// guest's systemd, unpacked with dpkg-deb into the image's cache folder.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The ESP's FAT volume id, and the UUID udev gives it (/dev/disk/by-uuid). */
export const ESP_VOLUME_ID = '5ce50001';
export const ESP_UUID = '5CE5-0001';
export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';
export const SYSTEMD_BOOT_EFI = '/usr/lib/systemd/boot/efi/systemd-bootx64.efi';

/** What proxmox-boot-tool writes for a kernel (title, version, options, linux, initrd). */
export function proxmoxEntry(kver: string, cmdline: string): string {
  return `title    Proxmox Virtual Environment
version  ${kver}
options  ${cmdline}
linux    /EFI/proxmox/${kver}/vmlinuz-${kver}
initrd   /EFI/proxmox/${kver}/initrd.img-${kver}
`;
}

function need(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`kernel lab (EFI): ${path} not found (apt-get install ${pkg})`);
}

/** bootctl of the guest's systemd version, unpacked once into the image's cache folder. */
export function bootctlFor(imageDir: string): string {
  const versions = readFileSync(join(imageDir, 'versions'), 'utf8');
  const v = /(?:^| )systemd=(\S+)/.exec(versions)?.[1];
  if (!v) throw new Error(`kernel lab (EFI): no systemd version in ${imageDir}/versions`);
  const dir = join(imageDir, `systemd-boot-${v}`);
  const bin = join(dir, 'usr/bin/bootctl');
  if (existsSync(bin)) return bin;
  const dl = `${dir}.download`;
  rmSync(dl, { recursive: true, force: true });
  mkdirSync(dl, { recursive: true });
  execFileSync('apt-get', ['download', `systemd-boot=${v}`], { cwd: dl, stdio: ['ignore', 'ignore', 'inherit'] });
  const deb = execFileSync('sh', ['-c', 'ls systemd-boot_*.deb'], { cwd: dl, encoding: 'utf8' }).trim();
  execFileSync('dpkg-deb', ['-x', join(dl, deb), dir]);
  rmSync(dl, { recursive: true, force: true });
  return bin;
}

export class Esp {
  readonly image: string;
  readonly vars: string;

  constructor(
    dir: string,
    readonly cmdline: string,
  ) {
    need(OVMF_CODE, 'ovmf');
    need(OVMF_VARS, 'ovmf');
    need(SYSTEMD_BOOT_EFI, 'systemd-boot-efi');
    this.image = join(dir, 'esp.img');
    this.vars = join(dir, 'OVMF_VARS.fd');
    copyFileSync(OVMF_VARS, this.vars);
    // 256 MiB: kernel and initrd of one version with room to spare, as proxmox-boot-tool format makes 512M.
    execFileSync('mkfs.vfat', ['-F', '32', '-i', ESP_VOLUME_ID, '-n', 'ESP', '-C', this.image, String(256 * 1024)], {
      stdio: 'ignore',
    });
    for (const d of ['::EFI', '::EFI/BOOT', '::EFI/systemd', '::EFI/proxmox', '::loader', '::loader/entries'])
      this.mtools('mmd', [d]);
    this.copy(SYSTEMD_BOOT_EFI, '::EFI/BOOT/BOOTX64.EFI');
    this.copy(SYSTEMD_BOOT_EFI, '::EFI/systemd/systemd-bootx64.efi');
    // timeout 0: no menu, the default (or the one-shot) boots at once.
    this.write(dir, 'loader.conf', 'timeout 0\ndefault proxmox-*\neditor no\n', '::loader/loader.conf');
  }

  private mtools(cmd: string, args: string[]): string {
    return execFileSync(cmd, ['-i', this.image, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private copy(from: string, to: string): void {
    this.mtools('mcopy', ['-o', from, to]);
  }

  private write(dir: string, name: string, text: string, to: string): void {
    const tmp = join(dir, name);
    writeFileSync(tmp, text);
    this.copy(tmp, to);
    rmSync(tmp);
  }

  /**
   * What `proxmox-boot-tool refresh` does on a node after update-initramfs: this kernel and the
   * guest's newest initrd on the ESP, and its entry (written once; the guest's own entries, ours
   * among them, are left alone).
   */
  refresh(dir: string, kver: string, kernel: string, initrd: string): void {
    const entries = this.mtools('mdir', ['-b', '::loader/entries']);
    if (!entries.includes(`proxmox-${kver}.conf`)) {
      this.mtools('mmd', [`::EFI/proxmox/${kver}`]);
      this.write(dir, 'entry.conf', proxmoxEntry(kver, this.cmdline), `::loader/entries/proxmox-${kver}.conf`);
    }
    this.copy(kernel, `::EFI/proxmox/${kver}/vmlinuz-${kver}`);
    this.copy(initrd, `::EFI/proxmox/${kver}/initrd.img-${kver}`);
  }

  /** The names in loader/entries, for the test to read. */
  entries(): string[] {
    return this.mtools('mdir', ['-b', '::loader/entries'])
      .split('\n')
      .map((l) => l.trim().replace(/^.*\//, ''))
      .filter((n) => n.endsWith('.conf'))
      .sort();
  }

  /** A file's text on the ESP. */
  read(path: string): string {
    return this.mtools('mtype', [`::${path}`]);
  }
}
