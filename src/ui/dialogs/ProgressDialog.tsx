// While applying: each step with its state; afterwards: what changed, backups, what next.
import { useEffect, useState } from 'react';
import type { ApplyResult } from '../../host/apply.ts';
import type { StepStatus } from '../../store/app-store.ts';
import { T, g, useLook, wrapText } from '../Styled.tsx';
import { Frame } from './Frame.tsx';

export function ProgressDialog({
  steps,
  width,
}: {
  steps: Array<{ text: string; status: StepStatus; detail?: string }>;
  width: number;
}) {
  const { ascii } = useLook();
  const mark: Record<StepStatus, string> = {
    waiting: ' ',
    running: g(ascii, '…', '>'),
    done: g(ascii, '✔', '+'),
    failed: g(ascii, '✖', 'x'),
  };
  const colour = { waiting: undefined, running: 'cyan', done: 'green', failed: 'red' } as const;
  return (
    <Frame title="Applying..." width={width}>
      {steps.map((s, i) => (
        // Long commands wrap under their text (nothing cut): the step is what the operator checks.
        <T key={i} c={colour[s.status]}>
          {wrapText(`[${mark[s.status]}] ${i + 1}. ${s.text}`, width - 4, 4 + String(i + 1).length + 2).join('\n')}
        </T>
      ))}
    </Frame>
  );
}

export function ResultDialog({ r, width, readyAt }: { r: ApplyResult; width: number; readyAt: number }) {
  // The prompt shows once keys are taken: what was typed during the run cannot close this.
  const [ready, setReady] = useState(() => Date.now() >= readyAt);
  useEffect(() => {
    if (ready) return;
    const t = setTimeout(() => setReady(true), Math.max(0, readyAt - Date.now()));
    return () => clearTimeout(t);
  }, [ready, readyAt]);
  return (
    <Frame title={r.ok ? 'Done' : 'Nothing applied: rolled back'} width={width} colour={r.ok ? 'green' : 'red'}>
      {r.message.split('\n').map((l, i) => (
        <T key={i} wrap="wrap">
          {l}
        </T>
      ))}
      {r.nextSteps.map((s) => (
        <T key={s} c="yellow" wrap="wrap">{`- ${s}`}</T>
      ))}
      <T dim>{ready ? 'Enter to continue' : ' '}</T>
    </Frame>
  );
}
