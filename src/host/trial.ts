// The trial boot on a host: where it stands (`pve-passthrough status`) and its confirmation by
// hand (`pve-passthrough confirm`), which does what the unit's script does after its wait. The
// pending trial is /etc/pve-passthrough/trial.env (written by the apply, see
// src/model/plan/trial.ts); the outcome is recorded in the state folder by the confirmation only,
// so a rollback of the apply never sees those files as changed.
import { join } from 'node:path';
import { cmdlineWords } from '../model/kernel-cmdline.ts';
import { KILL_SWITCH_WORD } from '../model/plan/files.ts';
import {
  GRUBENV,
  parseGrubenv,
  parseTrialEnv,
  restoreArgv,
  TRIAL,
  TRIAL_STATE,
  type TrialEnv,
} from '../model/plan/trial.ts';
import { realFs, type FsOps } from './atomic.ts';
import { readText } from './fsread.ts';
import { readEfiString } from './reader.ts';
import { resolveInRoot } from './rooted.ts';
import type { CommandRunner } from './runner.ts';
import { audit, LockHeld, statePath, takeLock } from './state.ts';

export type TrialState =
  /** No trial set up (or it was rolled back). */
  | 'none'
  /** Set up; the node has not rebooted yet (the one-shot setting is still there). */
  | 'armed'
  /** The trial boot runs and is not confirmed yet. */
  | 'pending'
  | 'confirmed'
  /** The node came back through the recovery entry: the new configuration is not in use. */
  | 'recovered'
  /** The unit waited in vain for the management address or pve-cluster. */
  | 'unconfirmed';

export interface TrialStatus {
  state: TrialState;
  id: string | null;
  loader: TrialEnv['LOADER'] | null;
  /** When the outcome was recorded (confirmed, recovered, unconfirmed), else null. */
  time: string | null;
  /** One sentence for the operator, with what to do. */
  message: string;
}

/** A state file's `<trial id> <time> <detail>` line, when it is about this trial. */
function recorded(root: string, name: string, id: string): { time: string; detail: string } | null {
  const line = readText(statePath(root, name))?.split('\n')[0] ?? '';
  const [rid, time, ...rest] = line.split(' ');
  return rid === id && time ? { time, detail: rest.join(' ') } : null;
}

function oneShotStillSet(root: string, env: TrialEnv): boolean {
  if (env.LOADER === 'grub') return parseGrubenv(readText(join(root, GRUBENV.slice(1)))).has('next_entry');
  return readEfiString(root, 'LoaderEntryOneShot') !== null;
}

export function readTrialStatus(root: string): TrialStatus {
  const text = readText(join(root, TRIAL.env));
  const env = parseTrialEnv(text);
  if (!env) {
    const message =
      text === null
        ? 'No trial boot is set up.'
        : `/${TRIAL.env} cannot be read as a trial's settings: no trial is assumed (it is rewritten by the next apply --trial).`;
    return { state: 'none', id: null, loader: null, time: null, message };
  }
  const base = { id: env.TRIAL_ID, loader: env.LOADER };
  const ok = recorded(root, TRIAL_STATE.confirmed, env.TRIAL_ID);
  if (ok)
    return {
      ...base,
      state: 'confirmed',
      time: ok.time,
      message: `The trial boot ${env.TRIAL_ID} was confirmed at ${ok.time} (${ok.detail || 'manual'}): the normal boot entry is the default again.`,
    };
  const words = cmdlineWords(readText(join(root, 'proc/cmdline')) ?? '');
  const back = recorded(root, TRIAL_STATE.recovered, env.TRIAL_ID);
  if (words.includes(KILL_SWITCH_WORD) || back) {
    return {
      ...base,
      state: 'recovered',
      time: back?.time ?? null,
      message: `The node came back through the recovery entry${back ? ` (${back.time})` : ''}: passthrough is off and the trial ${env.TRIAL_ID} was not confirmed. Undo the change with 'pve-passthrough rollback' (then reboot), or fix it and try again.`,
    };
  }
  const failed = recorded(root, TRIAL_STATE.unconfirmed, env.TRIAL_ID);
  if (failed) {
    return {
      ...base,
      state: 'unconfirmed',
      time: failed.time,
      message: `The trial boot ${env.TRIAL_ID} was not confirmed at ${failed.time}: ${failed.detail}. The default is still the recovery entry: the next boot is without passthrough. If the node is fine, run 'pve-passthrough confirm'.`,
    };
  }
  const once = env.LOADER === 'grub' && env.ONESHOT === '0' ? 'the first menu entry, newest kernel' : env.ONESHOT;
  if (oneShotStillSet(root, env))
    return {
      ...base,
      state: 'armed',
      time: null,
      message: `Trial boot ${env.TRIAL_ID} set up: reboot the node; the next boot tries the new configuration once (${once}), later ones use the recovery entry until the trial is confirmed.`,
    };
  return {
    ...base,
    state: 'pending',
    time: null,
    message: `Trial boot ${env.TRIAL_ID} running, not confirmed yet: the default is still the recovery entry (${env.RECOVERY_ENTRY}). The unit ${'pve-passthrough-trial.service'} confirms it once ${env.MGMT_IFACE ? `${env.MGMT_ADDRESS} is up on ${env.MGMT_IFACE} and ` : ''}pve-cluster runs; or run 'pve-passthrough confirm'.`,
  };
}

export interface ConfirmResult {
  outcome: 'ok' | 'nothing' | 'refused' | 'failed';
  message: string;
}

/** Puts the normal default back and records the confirmation; refuses where that would be wrong. */
export async function confirmTrial(
  ctx: { root: string; runner: CommandRunner; fs?: FsOps; now?: () => Date },
  opts: { force?: boolean } = {},
): Promise<ConfirmResult> {
  // The apply's lock: a rollback of the trial's apply must not run while the default is put back.
  let release: () => Promise<void>;
  try {
    release = await takeLock(ctx.root);
  } catch (e) {
    return {
      outcome: 'refused',
      message: e instanceof LockHeld ? e.message : `cannot take the lock: ${(e as Error).message}`,
    };
  }
  try {
    return await confirmLocked(ctx, opts);
  } finally {
    await release();
  }
}

async function confirmLocked(
  ctx: { root: string; runner: CommandRunner; fs?: FsOps; now?: () => Date },
  opts: { force?: boolean },
): Promise<ConfirmResult> {
  const fs = ctx.fs ?? realFs;
  const now = (ctx.now ?? (() => new Date()))();
  const status = readTrialStatus(ctx.root);
  const env = parseTrialEnv(readText(join(ctx.root, TRIAL.env)));
  if (!env || status.state === 'none')
    return { outcome: 'nothing', message: 'No trial boot is set up: nothing to confirm.' };
  if (status.state === 'confirmed') return { outcome: 'nothing', message: status.message };
  if (!opts.force && status.state === 'recovered') {
    return {
      outcome: 'refused',
      message: `${status.message} Not confirmed: --force makes the new configuration the default anyway (the next boot uses it without a way back).`,
    };
  }
  if (!opts.force && status.state === 'armed') {
    return {
      outcome: 'refused',
      message: `The trial boot has not happened yet (reboot first). Not confirmed: --force drops the trial, and the next boot uses the new configuration without a way back.`,
    };
  }
  for (const argv of restoreArgv(env)) {
    const r = await ctx.runner.run(argv);
    if (r.exitCode !== 0) {
      const out = `${r.stdout}${r.stderr}`.trim();
      return {
        outcome: 'failed',
        message: `'${argv.join(' ')}' failed (exit code ${r.exitCode}${out ? `: ${out}` : ''}); the trial is not confirmed. Fix the cause and run 'pve-passthrough confirm' again.`,
      };
    }
  }
  const time = now.toISOString().replace(/\.\d+Z$/, 'Z');
  fs.mkdirp(statePath(ctx.root));
  fs.writeAtomic(
    resolveInRoot(ctx.root, `var/lib/pve-passthrough/${TRIAL_STATE.confirmed}`),
    `${env.TRIAL_ID} ${time} ${opts.force ? 'manual-forced' : 'manual'}\n`,
  );
  try {
    audit(fs, ctx.root, now, 'confirm', `trial boot ${env.TRIAL_ID}`, 'ok');
  } catch {
    // the confirmation itself is recorded; the history line is a courtesy
  }
  return {
    outcome: 'ok',
    message: `Trial boot ${env.TRIAL_ID} confirmed: ${env.LOADER === 'grub' ? `GRUB's default is ${env.RESTORE_DEFAULT || 'the first entry'} again` : `the default entry is ${env.RESTORE_DEFAULT || "loader.conf's"} again`}.`,
  };
}
