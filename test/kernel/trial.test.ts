// Kernel lab, issue 13: the trial boot judged by a real boot loader. Every boot goes through OVMF
// and systemd-boot 252 (Debian 12) on an ESP laid out as proxmox-boot-tool leaves it
// (scripts/kernel-lab/esp.ts); the EFI variables live in the scenario's own copy of OVMF_VARS.
// What the four boots showed when this was written (see the verdicts' details on a run):
// 1. normal entry (LoaderEntrySelected=proxmox-<kver>.conf); `apply --reserve NIC --trial --yes`
//    ran its 14 steps: the recovery hook mounted the ESP by UUID and wrote
//    pve-passthrough-recovery-<kver>.conf with the kill switch; bootctl set the variables to
//    LoaderEntryDefault=the recovery entry, LoaderEntryOneShot=proxmox-<kver>.conf; `bootctl list`
//    marks the one-shot "(default)" (bootctl's default is what boots next); status: armed.
// 2. systemd-boot booted the one-shot and deleted it: normal entry, no kill switch, the NIC on
//    vfio-pci; LoaderEntryDefault still the recovery entry (now bootctl's "(default)"); status: pending.
// 3. powered off without a confirmation: systemd-boot took the default, the recovery entry; the
//    command line ends in pve-passthrough=off module_blacklist=vfio_pci and the NIC has e1000e.
//    /etc/pve-passthrough/trial-confirm refuses there (exit 3, default unchanged), status:
//    recovered, `confirm` refuses (exit 4); `confirm --force` runs `bootctl set-oneshot ''` and
//    `bootctl set-default ''`: both variables gone, loader.conf's `default proxmox-*` rules again.
// 4. normal entry, no kill switch, the NIC on vfio-pci; status: confirmed.
import { describe, expect, it } from 'vitest';
import { KILL_SWITCH } from '../../src/model/plan/files.ts';
import { ESP_ENTRY_PREFIX } from '../../src/model/plan/recovery.ts';
import { expectVerdicts, scenario } from './helpers.ts';

describe('kernel lab: the trial boot through systemd-boot', () => {
  const lab = scenario('trial', { efi: true });

  it('one-shot normal boot, then the recovery entry until confirmed, then normal again', async () => {
    const b1 = await lab.boot('trial-1-apply.sh', 600);
    expectVerdicts(b1, [
      'efi-booted',
      'boot1-entry',
      'boot1-no-kill-switch',
      'esp-by-uuid',
      'trial-apply-ok',
      'default-is-recovery',
      'oneshot-is-normal',
      'bootctl-next-normal',
      'recovery-entry-on-esp',
      'status-armed',
      'initrd-has-script',
    ]);
    // The recovery entry on the ESP, read back on this side: the normal entry plus the kill switch.
    const entries = lab.esp!.entries();
    const normal = entries.find((e) => e.startsWith('proxmox-'))!;
    const recovery = entries.find((e) => e.startsWith(ESP_ENTRY_PREFIX))!;
    expect(recovery).toBe(`${ESP_ENTRY_PREFIX}${normal.slice('proxmox-'.length)}`);
    const options = (path: string) => /^options\s+(.*)$/m.exec(lab.esp!.read(`loader/entries/${path}`))![1]!.trim();
    expect(options(recovery)).toBe(`${options(normal)} ${KILL_SWITCH.join(' ')}`);

    expectVerdicts(await lab.boot('trial-2-oneshot.sh', 300), [
      'boot2-entry',
      'boot2-no-kill-switch',
      'boot2-oneshot-cleared',
      'boot2-default-recovery',
      'boot2-reserved-vfio',
      'boot2-bootctl-next-recovery',
      'boot2-status-pending',
    ]);
    expectVerdicts(await lab.boot('trial-3-recovery.sh', 300), [
      'boot3-entry',
      'boot3-kill-switch',
      'boot3-host-driver',
      'boot3-script-refuses',
      'boot3-script-kept-default',
      'boot3-status-recovered',
      'boot3-confirm-refused',
      'boot3-confirm-force',
      'boot3-default-restored',
      'boot3-oneshot-unset',
    ]);
    expectVerdicts(await lab.boot('trial-4-normal.sh', 300), [
      'boot4-entry',
      'boot4-no-kill-switch',
      'boot4-reserved-vfio',
      'boot4-status-confirmed',
    ]);
  });
});
