// `!`: the pre-flight checks on the node as it is now (with changes staged: as the plan would
// leave it), each problem with its fix; j/k select one, x stages removing the VM's hostpci line
// it is about.
import { findingsSummary, type Finding } from '../../model/checks.ts';
import type { Intent } from '../../model/types.ts';
import { wrapText } from '../Styled.tsx';
import { ScrollingDialog, type DialogLine } from './ScrollingDialog.tsx';

/** The dialog's lines, and where each finding starts (so the selected one can be kept in view). */
export function checksLines(
  findings: Finding[],
  width: number,
  cursor: number,
  intents: Intent[] = [],
): { lines: DialogLine[]; starts: number[] } {
  if (!findings.length)
    return {
      lines: [{ text: 'Nothing found: every VM with PCI devices can start as configured.', colour: 'green' }],
      starts: [],
    };
  const lines: DialogLine[] = [];
  const starts: number[] = [];
  const wrap = (text: string, colour?: DialogLine['colour']) =>
    wrapText(text, width).forEach((t) => lines.push({ text: `  ${t}`, colour }));
  findings.forEach((f, i) => {
    if (lines.length) lines.push({ text: '' });
    starts.push(lines.length);
    const mark = i === cursor ? '>' : ' ';
    const staged =
      f.line && intents.some((x) => x.kind === 'unassign' && x.vmid === f.line!.vmid && x.slot === f.line!.slot);
    const action = staged
      ? '   (removal staged)'
      : f.line && i === cursor
        ? `   [x: remove ${f.line.slot} from VM ${f.line.vmid}]`
        : '';
    // With changes staged the checks run on the node as the plan leaves it: say what it brings or fixes.
    const label = f.plan === 'resolved' ? 'FIXED' : f.severity === 'error' ? 'ERROR' : 'WARN ';
    const tag =
      f.plan === 'new' ? ' (staged changes)' : f.plan === 'resolved' && !staged ? ' (fixed by staged changes)' : '';
    lines.push({
      text: `${mark}${label}  ${f.where}${tag}${action}`,
      colour: f.plan === 'resolved' ? 'green' : f.severity === 'error' ? 'red' : 'yellow',
      bold: true,
    });
    wrap(f.message);
    if (f.plan !== 'resolved') wrap(`fix: ${f.fix}`, 'cyan');
  });
  return { lines, starts };
}

export function ChecksDialog({
  findings,
  intents,
  width,
  height,
  cursor,
}: {
  findings: Finding[];
  intents: Intent[];
  width: number;
  height: number;
  cursor: number;
}) {
  const { lines, starts } = checksLines(findings, width - 6, cursor, intents);
  const title = `Checks${intents.length ? ' with the staged changes' : ''}: ${findingsSummary(findings)} (${findings.length > 1 ? 'j/k select, ' : ''}Esc closes)`;
  return <ScrollingDialog title={title} lines={lines} width={width} height={height} scroll={starts[cursor] ?? 0} />;
}
