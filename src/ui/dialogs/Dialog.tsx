// Shows the open dialog in place of the panes.
import { Box } from 'ink';
import { useStore } from 'zustand';
import { pickVm } from '../../store/actions.ts';
import { selectFindings, selectPlan, type AppStore } from '../../store/app-store.ts';
import { ChecksDialog } from './ChecksDialog.tsx';
import { DetailsDialog } from './DetailsDialog.tsx';
import { AssignOptionsDialog, AssignVmDialog } from './AssignDialogs.tsx';
import { ConfirmDialog, CriticalDialog, InterruptedDialog, QuitDialog, SharedDialog } from './ChoiceDialogs.tsx';
import { HelpDialog } from './HelpDialog.tsx';
import { helpWidth } from './ScrollingDialog.tsx';
import { ProgressDialog, ResultDialog } from './ProgressDialog.tsx';
import { VfDialog } from './VfDialog.tsx';
import { MappingDialog } from './MappingDialog.tsx';
import { Frame } from './Frame.tsx';
import { T } from '../Styled.tsx';

export function DialogView({ store }: { store: AppStore }) {
  const st = useStore(store);
  const d = st.dialog;
  if (!d) return null;
  const width = d.kind === 'help' || d.kind === 'checks' || d.kind === 'details' ? helpWidth(st.size.columns) : Math.min(st.size.columns, 76);
  const height = st.size.rows - 3;
  const body = (() => {
    switch (d.kind) {
      case 'help':
        return <HelpDialog width={width} height={height} scroll={d.scroll} />;
      case 'details':
        return <DetailsDialog st={st} height={height} scroll={d.scroll} />;
      case 'checks':
        return <ChecksDialog findings={selectFindings(st)} intents={st.intents} width={width} height={height} cursor={d.cursor} />;
      case 'info':
        return (
          <Frame title={d.title} width={width} colour="yellow">
            {d.lines.map((l, i) => (
              <T key={i} wrap="wrap">{l || ' '}</T>
            ))}
          </Frame>
        );
      case 'quit':
        return <QuitDialog staged={st.intents.length} choice={d.choice} width={width} />;
      case 'shared':
        return <SharedDialog d={d} width={width} />;
      case 'critical':
        return <CriticalDialog d={d} width={width} />;
      case 'vfs':
        return <VfDialog d={d} pf={st.snapshot.devices.find((x) => x.address === d.address)!} snapshot={st.snapshot} width={width} />;
      case 'assign-vm':
        // The options open after every input listener has seen this Enter: opened at once, the
        // same Enter reached them too (Ink calls listeners in subscription order) and staged
        // with defaults before the operator saw them.
        return <AssignVmDialog snap={st.snapshot} address={d.address} width={width} height={height} onPick={(vmid) => queueMicrotask(() => pickVm(store, vmid))} />;
      case 'assign-options':
        return <AssignOptionsDialog d={d} snap={st.snapshot} intents={st.intents} width={width} />;
      case 'mapping':
        return <MappingDialog d={d} snap={st.snapshot} width={width} height={height} />;
      case 'confirm':
        return <ConfirmDialog plan={selectPlan(st)} choice={d.choice} width={width} demo={st.host.demo} />;
      case 'interrupted':
        return <InterruptedDialog info={st.snapshot.interruptedApply ?? null} choice={d.choice} width={width} height={height} canRollBack={Boolean(st.host.rollback)} />;
      case 'progress':
        return <ProgressDialog steps={d.steps} width={width} />;
      case 'result':
        return <ResultDialog r={d.result} width={width} readyAt={d.readyAt} />;
    }
  })();
  return (
    <Box height={height} width={st.size.columns} justifyContent="center" alignItems="flex-start" overflow="hidden">
      {body}
    </Box>
  );
}
