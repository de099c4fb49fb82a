// The way an operator does it by hand today, pointed at a fixture tree instead of /sys:
// the reference guide's shell loop (one `lspci -nns` per device), and one `lspci -Dnnvmm`.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export function lspciAvailable(): boolean {
  return spawnSync('lspci', ['--version'], { stdio: 'ignore' }).status === 0;
}

function sysfsOpt(root: string): string[] {
  return ['-A', 'linux-sysfs', '-O', `sysfs.path=${join(root, 'sys/bus/pci')}`];
}

/** The guide's loop, verbatim except for the lspci access options; returns the line count. */
export function guideLoop(root: string): number {
  const opts = sysfsOpt(root)
    .map((o) => `'${o}'`)
    .join(' ');
  const script = `for d in '${root}'/sys/kernel/iommu_groups/*/devices/*; do
n=\${d#*/iommu_groups/*}
n=\${n%%/*}
printf "IOMMU Group %s: " "$n"
lspci ${opts} -nns "\${d##*/}"
done | sort -t: -k1 -n`;
  const out = execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.split('\n').length;
}

/** A single machine-readable listing of every device. */
export function lspciOnce(root: string): number {
  const out = execFileSync('lspci', [...sysfsOpt(root), '-Dnnvmm'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.split('\n').length;
}
