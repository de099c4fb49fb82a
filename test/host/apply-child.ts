// Child process for crash-safety.test.ts: applies (or rolls back) on a fixture root and kills
// itself for real (SIGKILL) at the chosen step or file-operations write.
//   node --import tsx apply-child.ts ROOT PLAN.json apply|rollback step|write K
import { readFileSync } from 'node:fs';
import { applyPlan, rollback } from '../../src/host/apply.ts';
import { openHost } from '../../src/host/open.ts';
import type { Plan } from '../../src/model/types.ts';
import { withFaults } from '../helpers/faults.ts';

const [root, planFile, action, where, k] = process.argv.slice(2) as [string, string, string, string, string];
const h = openHost({ root });
const at = Number(k);
const fs = where === 'write' ? withFaults(h.fs, at, 'SIGKILL').fs : h.fs;
const onProgress = (i: number, status: string) => {
  if (where === 'step' && i === at && status === 'running') process.kill(process.pid, 'SIGKILL');
};
const r =
  action === 'apply'
    ? await applyPlan(JSON.parse(readFileSync(planFile, 'utf8')) as Plan, {
        root: h.root,
        runner: h.runner,
        fs,
        uid: 0,
        onProgress,
      })
    : await rollback({ root: h.root, runner: h.runner, fs, uid: 0 });
process.stdout.write(`${r.outcome}\n`);
