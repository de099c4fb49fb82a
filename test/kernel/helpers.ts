// Shared by the kernel-lab scenarios: a scenario per test file, verdicts read from the console.
import { afterAll, expect, inject } from 'vitest';
import { Scenario, type BootResult } from '../../scripts/kernel-lab/lab.ts';

export function scenario(name: string, opts: { efi?: boolean } = {}): Scenario {
  const s = new Scenario(name, inject('labImage'), inject('labProgram'), opts);
  afterAll(() => s.cleanup(!!process.env.PVE_PASSTHROUGH_LAB_KEEP));
  return s;
}

/**
 * The boot reached the end of its step and every expected verdict is there and PASS (and no
 * other verdict failed). The failure message carries the verdicts and the console's tail.
 */
export function expectVerdicts(boot: BootResult, names: string[], opts: { sharedBoot?: boolean } = {}): void {
  const seen = new Map(boot.verdicts.map((v) => [v.name, v]));
  const report = `verdicts:\n${boot.verdicts.map((v) => `  ${v.pass ? 'PASS' : 'FAIL'} ${v.name} ${v.detail}`).join('\n')}\nconsole tail:\n${boot.console.slice(-4000)}`;
  expect(boot.timedOut, `boot timed out\n${report}`).toBe(false);
  expect(boot.console, `the guest did not finish its step\n${report}`).toContain('LAB-END');
  for (const n of names) {
    expect(seen.has(n), `no verdict ${n}\n${report}`).toBe(true);
    expect(seen.get(n)!.pass, `${n}: ${seen.get(n)!.detail}\n${report}`).toBe(true);
  }
  // A boot that several tests read (sharedBoot): the other verdicts are the other tests' business.
  if (opts.sharedBoot) return;
  const failed = boot.verdicts.filter((v) => !v.pass);
  expect(
    failed.map((v) => `${v.name} ${v.detail}`),
    report,
  ).toEqual([]);
}
