// While applying: each step with its state; afterwards: what changed, backups, what next.
import type { ApplyResult } from '../../host/apply.ts';
import type { StepStatus } from '../../store/app-store.ts';
import { T, fit, g, useLook } from '../Styled.tsx';
import { Frame } from './Frame.tsx';

export function ProgressDialog({ steps, width }: { steps: Array<{ text: string; status: StepStatus; detail?: string }>; width: number }) {
  const { ascii } = useLook();
  const mark: Record<StepStatus, string> = { waiting: ' ', running: g(ascii, '…', '>'), done: g(ascii, '✔', '+'), failed: g(ascii, '✖', 'x') };
  const colour = { waiting: undefined, running: 'cyan', done: 'green', failed: 'red' } as const;
  return (
    <Frame title="Applying..." width={width}>
      {steps.map((s, i) => (
        <T key={i} c={colour[s.status]}>{fit(`[${mark[s.status]}] ${i + 1}. ${s.text}`, width - 4)}</T>
      ))}
    </Frame>
  );
}

export function ResultDialog({ r, width }: { r: ApplyResult; width: number }) {
  return (
    <Frame title={r.ok ? 'Done' : 'Nothing applied: rolled back'} width={width} colour={r.ok ? 'green' : 'red'}>
      {r.message.split('\n').map((l, i) => (
        <T key={i} wrap="wrap">{l}</T>
      ))}
      {r.nextSteps.map((s) => (
        <T key={s} c="yellow" wrap="wrap">{`- ${s}`}</T>
      ))}
      <T dim>Enter to continue</T>
    </Frame>
  );
}
