// Bundled by ink-patches.test.ts with the shipped build options (Ink's frame patches applied):
// renders the App over a fixture through a few keys and prints each frame, ANSI codes and all.
import { renderFrames } from './frames.tsx';

const frames = await renderFrames(process.argv[2]!);
process.stdout.write(JSON.stringify(frames));
process.exit(0);
