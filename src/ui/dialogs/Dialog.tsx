// Shows the open dialog in place of the panes.
import { Box } from 'ink';
import { pickVm } from '../../store/actions.ts';
import type { Dialog } from '../../store/app-store.ts';
import { ChecksDialog } from './ChecksDialog.tsx';
import { DetailsDialog } from './DetailsDialog.tsx';
import { AssignOptionsDialog, AssignVmDialog } from './AssignDialogs.tsx';
import { ConfirmDialog, CriticalDialog, InterruptedDialog, QuitDialog, SharedDialog } from './ChoiceDialogs.tsx';
import { HelpDialog } from './HelpDialog.tsx';
import { helpWidth } from './ScrollingDialog.tsx';
import { ProgressDialog, ResultDialog } from './ProgressDialog.tsx';
import { VfDialog, VfSettingsDialog } from './VfDialog.tsx';
import { MappingDialog } from './MappingDialog.tsx';
import { Frame } from './Frame.tsx';
import {
  useAppState,
  useAppStore,
  useDialog,
  useFindings,
  useIntents,
  usePlan,
  useSize,
  useSnapshot,
} from '../store-context.tsx';
import { T } from '../Styled.tsx';

export function DialogView() {
  const d = useDialog();
  const size = useSize();
  if (!d) return null;
  const width =
    d.kind === 'help' || d.kind === 'checks' || d.kind === 'details'
      ? helpWidth(size.columns)
      : Math.min(size.columns, 76);
  const height = size.rows - 3;
  const body = (() => {
    switch (d.kind) {
      case 'help':
        return <HelpDialog width={width} height={height} scroll={d.scroll} />;
      case 'details':
        return <DetailsDialog height={height} scroll={d.scroll} />;
      case 'checks':
        return <Checks width={width} height={height} cursor={d.cursor} />;
      case 'info':
        return (
          <Frame title={d.title} width={width} colour="yellow">
            {d.lines.map((l, i) => (
              <T key={i} wrap="wrap">
                {l || ' '}
              </T>
            ))}
          </Frame>
        );
      case 'quit':
        return <Quit choice={d.choice} width={width} />;
      case 'shared':
        return <SharedDialog d={d} width={width} />;
      case 'critical':
        return <CriticalDialog d={d} width={width} />;
      case 'vfs':
        return <Vfs d={d} width={width} />;
      case 'vf-settings':
        return <VfSettings d={d} width={width} />;
      case 'assign-vm':
        return <AssignVm address={d.address} width={width} height={height} />;
      case 'assign-options':
        return <AssignOptions d={d} width={width} />;
      case 'mapping':
        return <Mapping d={d} width={width} height={height} />;
      case 'confirm':
        return <Confirm choice={d.choice} width={width} />;
      case 'interrupted':
        return <Interrupted choice={d.choice} width={width} height={height} />;
      case 'progress':
        return <ProgressDialog steps={d.steps} width={width} />;
      case 'result':
        return <ResultDialog r={d.result} width={width} readyAt={d.readyAt} />;
    }
  })();
  return (
    <Box height={height} width={size.columns} justifyContent="center" alignItems="flex-start" overflow="hidden">
      {body}
    </Box>
  );
}

// Each dialog's data, selected from the store here so the dialogs themselves stay plain props.
type Open<K extends NonNullable<Dialog>['kind']> = Extract<Dialog, { kind: K }>;

function Checks({ width, height, cursor }: { width: number; height: number; cursor: number }) {
  return <ChecksDialog findings={useFindings()} intents={useIntents()} width={width} height={height} cursor={cursor} />;
}

function Quit({ choice, width }: { choice: number; width: number }) {
  return <QuitDialog staged={useAppState((s) => s.intents.length)} choice={choice} width={width} />;
}

function Vfs({ d, width }: { d: Open<'vfs'>; width: number }) {
  const snapshot = useSnapshot();
  return (
    <VfDialog d={d} pf={snapshot.devices.find((x) => x.address === d.address)!} snapshot={snapshot} width={width} />
  );
}

function VfSettings({ d, width }: { d: Open<'vf-settings'>; width: number }) {
  return <VfSettingsDialog d={d} snapshot={useSnapshot()} intents={useIntents()} width={width} />;
}

function Mapping({ d, width, height }: { d: Open<'mapping'>; width: number; height: number }) {
  return <MappingDialog d={d} snap={useSnapshot()} width={width} height={height} />;
}

function AssignVm({ address, width, height }: { address: string; width: number; height: number }) {
  const store = useAppStore();
  // The options open after every input listener has seen this Enter: opened at once, the same
  // Enter reached them too (Ink calls listeners in subscription order) and staged with defaults
  // before the operator saw them.
  return (
    <AssignVmDialog
      snap={useSnapshot()}
      address={address}
      width={width}
      height={height}
      onPick={(vmid) => queueMicrotask(() => pickVm(store, vmid))}
    />
  );
}

function AssignOptions({ d, width }: { d: Open<'assign-options'>; width: number }) {
  return <AssignOptionsDialog d={d} snap={useSnapshot()} intents={useIntents()} width={width} />;
}

function Confirm({ choice, width }: { choice: number; width: number }) {
  return <ConfirmDialog plan={usePlan()} choice={choice} width={width} demo={useAppState((s) => s.host.demo)} />;
}

function Interrupted({ choice, width, height }: { choice: number; width: number; height: number }) {
  const info = useAppState((s) => s.snapshot.interruptedApply ?? null);
  const canRollBack = useAppState((s) => Boolean(s.host.rollback));
  return <InterruptedDialog info={info} choice={choice} width={width} height={height} canRollBack={canRollBack} />;
}
