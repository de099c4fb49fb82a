// Kernel lab launcher: boots the cached Debian 12 guest (build-image.sh) under QEMU/TCG with an
// emulated Intel IOMMU, one scenario at a time. Each scenario has its own qcow2 overlay on the
// cached base image, so its reboots keep their state; every boot takes the kernel and initrd
// out of the overlay's own /boot (debugfs on a raw copy, nothing mounted), i.e. the initramfs
// the guest's update-initramfs last wrote. The program and the step script reach the guest on
// a second, read-only SATA disk. Every command is an argv array.
import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Esp, OVMF_CODE, bootctlFor } from './esp.ts';

export const LAB_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO = join(LAB_DIR, '../..');

/** The guest's PCI devices besides q35's own: what every scenario boots with. */
export const DEVICES = [
  // Two identical NICs, each behind its own PCIe root port (own IOMMU groups).
  ['-device', 'pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x2'],
  ['-device', 'e1000e,bus=rp1,mac=52:54:00:00:00:01'],
  ['-device', 'pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0,addr=0x3'],
  ['-device', 'e1000e,bus=rp2,mac=52:54:00:00:00:02'],
  // An SR-IOV physical function: QEMU's NVMe controller with 2 VFs (docs/system/devices/nvme.rst).
  ['-device', 'pcie-root-port,id=rp3,chassis=3,slot=3,bus=pcie.0,addr=0x4'],
  ['-device', 'nvme-subsys,id=nvsub'],
  [
    '-device',
    'nvme,bus=rp3,serial=labnvme,subsys=nvsub,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=6,msix_qsize=4',
  ],
  // A conventional PCI bridge with two devices behind it: one shared IOMMU group.
  ['-device', 'pcie-pci-bridge,id=pb,bus=pcie.0,addr=0x5'],
  ['-device', 'e1000,bus=pb,addr=0x1,mac=52:54:00:00:00:11'],
  ['-device', 'e1000,bus=pb,addr=0x2,mac=52:54:00:00:00:12'],
].flat();

// no_timer_check: under TCG on a loaded host the kernel's early check that the timer interrupt
// works through the interrupt-remapped IO-APIC can miss its ticks and panic ("timer doesn't
// work through Interrupt-remapped IO-APIC", seen here); the check is about real hardware.
export const CMDLINE =
  'root=LABEL=labroot rw init=/sbin/lab-init intel_iommu=on iommu=pt console=ttyS0 panic=-1 loglevel=6 no_timer_check';

export interface BootResult {
  console: string;
  verdicts: Array<{ name: string; pass: boolean; detail: string }>;
  /** Wall-clock seconds from QEMU start to its exit. */
  seconds: number;
  /** The guest kernel's uptime when the step began and when udev had settled. */
  userspaceAt: number | null;
  settledAt: number | null;
  exitCode: number | null;
  timedOut: boolean;
}

/** Builds or finds the cached base image; returns its directory. */
export function ensureImage(): string {
  const out = execFileSync(join(LAB_DIR, 'build-image.sh'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  return out.trim().split('\n').pop()!;
}

export function parseVerdicts(text: string): BootResult['verdicts'] {
  return [...text.matchAll(/^LAB-VERDICT (\S+) (PASS|FAIL) ?(.*?)\r?$/gm)].map((m) => ({
    name: m[1]!,
    pass: m[2] === 'PASS',
    detail: m[3]!,
  }));
}

/** The text between `LAB-DATA-BEGIN tag` and `LAB-DATA-END tag`, or null. */
export function dataBlock(text: string, tag: string): string | null {
  const m = new RegExp(`^LAB-DATA-BEGIN ${tag}\\r?\\n([\\s\\S]*?)^LAB-DATA-END ${tag}`, 'm').exec(text);
  return m ? m[1]!.replace(/\r/g, '') : null;
}

export class Scenario {
  readonly dir: string;
  readonly overlay: string;
  readonly boots: BootResult[] = [];
  /** With `efi`: every boot goes through OVMF and systemd-boot on this ESP (esp.ts), not -kernel. */
  readonly esp: Esp | null = null;

  constructor(
    readonly name: string,
    readonly imageDir: string,
    readonly program: string,
    opts: { efi?: boolean } = {},
  ) {
    this.dir = mkdtempSync(join(process.env.PVE_PASSTHROUGH_LAB_TMP ?? tmpdir(), `kernel-lab-${name}-`));
    this.overlay = join(this.dir, 'root.qcow2');
    execFileSync('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-F',
      'raw',
      '-b',
      join(imageDir, 'base.img'),
      this.overlay,
    ]);
    if (opts.efi) this.esp = new Esp(this.dir, CMDLINE);
  }

  /** Kernel and initrd from the overlay's /boot, as the guest's own tools left them. */
  private extractBoot(): { kernel: string; initrd: string; version: string } {
    const raw = join(this.dir, 'root.raw');
    execFileSync('qemu-img', ['convert', '-O', 'raw', this.overlay, raw]);
    try {
      const ls = execFileSync('debugfs', ['-R', 'ls -p /boot', raw], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const names = [...ls.matchAll(/^\/\d+\/\d+\/\d+\/\d+\/([^/]+)\//gm)].map((m) => m[1]!);
      const version = names.find((n) => n.startsWith('vmlinuz-'))?.slice('vmlinuz-'.length);
      if (!version || !names.includes(`initrd.img-${version}`))
        throw new Error(`no vmlinuz/initrd.img pair in the guest's /boot: ${names.join(' ')}`);
      const kernel = join(this.dir, 'vmlinuz');
      const initrd = join(this.dir, 'initrd.img');
      execFileSync('debugfs', ['-R', `dump /boot/vmlinuz-${version} ${kernel}`, raw], { stdio: 'ignore' });
      execFileSync('debugfs', ['-R', `dump /boot/initrd.img-${version} ${initrd}`, raw], { stdio: 'ignore' });
      return { kernel, initrd, version };
    } finally {
      rmSync(raw, { force: true });
    }
  }

  /** The payload disk: the program, the boot sequence, helpers and this boot's step script. */
  private payload(step: string): string {
    const dir = join(this.dir, 'payload');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    copyFileSync(this.program, join(dir, 'pve-passthrough'));
    copyFileSync(join(LAB_DIR, 'run.sh'), join(dir, 'run'));
    copyFileSync(join(LAB_DIR, 'lib.sh'), join(dir, 'lib.sh'));
    writeFileSync(join(dir, 'step.sh'), step);
    if (this.esp) copyFileSync(bootctlFor(this.imageDir), join(dir, 'bootctl'));
    mkdirSync(join(dir, 'scenarios'));
    for (const f of readdirSync(join(LAB_DIR, 'scenarios')))
      copyFileSync(join(LAB_DIR, 'scenarios', f), join(dir, 'scenarios', f));
    execFileSync('chmod', ['755', join(dir, 'pve-passthrough'), join(dir, 'run')]);
    const img = join(this.dir, 'payload.img');
    rmSync(img, { force: true });
    execFileSync('mke2fs', ['-q', '-t', 'ext2', '-L', 'lab', '-d', dir, img, '160M']);
    return img;
  }

  /**
   * Boots once with this step script; resolves when the guest powers off (or the timeout hits).
   * A boot that died before the root file system was mounted (a kernel panic under TCG, nothing
   * of the guest's state touched) is tried once more and says so; anything later counts.
   */
  async boot(stepFile: string, timeoutSec = 900, extraCmdline = ''): Promise<BootResult> {
    const first = await this.bootOnce(stepFile, timeoutSec, extraCmdline);
    if (first.console.includes('LAB-INIT') || first.timedOut) return first;
    const n = this.boots.length;
    renameSync(join(this.dir, `console-${n}.log`), join(this.dir, `console-${n}-died.log`));
    this.boots.pop();
    process.stderr.write(
      `kernel-lab ${this.name}: boot ${n} never reached the root file system (${/Kernel panic[^\n]*/.exec(first.console)?.[0] ?? 'no panic line'}; console-${n}-died.log); booting once more\n`,
    );
    return this.bootOnce(stepFile, timeoutSec, extraCmdline);
  }

  private async bootOnce(stepFile: string, timeoutSec: number, extraCmdline: string): Promise<BootResult> {
    const step = readFileSync(join(LAB_DIR, 'scenarios', stepFile), 'utf8');
    const { kernel, initrd, version } = this.extractBoot();
    this.esp?.refresh(this.dir, version, kernel, initrd);
    const payload = this.payload(step);
    const n = this.boots.length + 1;
    // The serial console goes straight to a file (QEMU writes it blocking: no character is lost
    // when this process is slow to read, as with a pipe); QEMU's own messages go to a second file.
    const log = join(this.dir, `console-${n}.log`);
    const args = [
      '-accel',
      'tcg',
      '-machine',
      'q35,kernel-irqchip=split',
      '-cpu',
      'max',
      '-smp',
      '1',
      '-m',
      '2048',
      '-nodefaults',
      '-display',
      'none',
      '-vga',
      'none',
      '-serial',
      `file:${log}`,
      '-monitor',
      'none',
      '-no-reboot',
      '-device',
      'intel-iommu,intremap=on,caching-mode=on',
      ...(this.esp
        ? [
            // The ESP on its own SATA port, first in the boot order; the loader entry's options are the command line.
            '-drive',
            `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`,
            '-drive',
            `if=pflash,format=raw,unit=1,file=${this.esp.vars}`,
            '-drive',
            `file=${this.esp.image},if=none,id=esp,format=raw`,
            '-device',
            'ide-hd,drive=esp,bus=ide.2,bootindex=0',
          ]
        : ['-kernel', kernel, '-initrd', initrd, '-append', extraCmdline ? `${CMDLINE} ${extraCmdline}` : CMDLINE]),
      '-drive',
      `file=${this.overlay},if=none,id=root,format=qcow2,cache=unsafe`,
      '-device',
      'ide-hd,drive=root,bus=ide.0',
      '-drive',
      `file=${payload},if=none,id=lab,format=raw`,
      '-device',
      'ide-hd,drive=lab,bus=ide.1',
      ...DEVICES,
    ];
    const started = Date.now();
    const qemuLog = join(this.dir, `qemu-${n}.log`);
    writeFileSync(qemuLog, '');
    const result = await new Promise<{ code: number | null; timedOut: boolean }>((resolve) => {
      const q = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let timedOut = false;
      q.stderr.on('data', (b: Buffer) => appendFileSync(qemuLog, b));
      const timer = setTimeout(() => {
        timedOut = true;
        q.kill('SIGKILL');
      }, timeoutSec * 1000);
      q.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, timedOut });
      });
    });
    const out =
      (existsSync(log) ? readFileSync(log, 'utf8') : '') + readFileSync(qemuLog, 'utf8').replace(/^(?=.)/gm, '[qemu] ');
    const num = (re: RegExp) => {
      const m = re.exec(out);
      return m ? Number(m[1]) : null;
    };
    const r: BootResult = {
      console: out,
      verdicts: parseVerdicts(out),
      seconds: (Date.now() - started) / 1000,
      userspaceAt: num(/^LAB-BOOT userspace at ([\d.]+)s/m),
      settledAt: num(/^LAB-UP udev settled at ([\d.]+)s/m),
      exitCode: result.code,
      timedOut: result.timedOut,
    };
    this.boots.push(r);
    const line = `kernel-lab ${this.name} boot ${n} (${stepFile}): ${r.seconds.toFixed(1)}s wall, userspace at ${r.userspaceAt ?? '?'}s, udev settled at ${r.settledAt ?? '?'}s${r.timedOut ? ', TIMED OUT' : ''}; console ${log}`;
    process.stderr.write(
      `${line}\n${r.verdicts.map((v) => `  ${v.pass ? 'PASS' : 'FAIL'} ${v.name} ${v.detail}`).join('\n')}\n`,
    );
    return r;
  }

  cleanup(keep = false): void {
    if (keep) return;
    for (const f of ['root.qcow2', 'payload.img', 'payload', 'vmlinuz', 'initrd.img', 'esp.img', 'OVMF_VARS.fd'])
      rmSync(join(this.dir, f), { recursive: true, force: true });
  }
}
