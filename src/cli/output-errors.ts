// Output streams that fail under a command:
// - `pve-passthrough list | head -3`: once the reader has gone, writing to the pipe fails with
//   EPIPE, which Node reports as an unhandled 'error' event (a stack trace and exit 1). A reader
//   that stopped reading is not a failure of ours: the output ends quietly (no message, no
//   stack) and the command finishes as it would have (an apply is never cut short by a closed
//   pipe: it runs to its end, and its exit code stands).
// - `list > /full/disk`: any other write error on a stream that is not a terminal (ENOSPC, EIO)
//   is kept for main() to report in one line and exit 1, not thrown as a stack.
// A terminal's errors are left alone: the full-screen session has its own crash handling.
export interface WatchedOutput {
  /** The first write error other than a closed pipe. */
  error: NodeJS.ErrnoException | null;
}

const watched = new WeakMap<NodeJS.WritableStream, WatchedOutput>();

export function watchOutput(stream: NodeJS.WritableStream): WatchedOutput {
  const known = watched.get(stream);
  if (known) return known;
  const state: WatchedOutput = { error: null };
  watched.set(stream, state);
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed = true;
    // After the pipe closed (or a write failed), later writes fail as "stream destroyed": the same failure.
    if ((closed || state.error) && (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED')) return;
    if ((stream as NodeJS.WriteStream).isTTY) throw e;
    state.error ??= e;
  });
  return state;
}
