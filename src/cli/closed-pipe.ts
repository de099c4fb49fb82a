// `pve-passthrough list | head -3`: once the reader has gone, writing to the pipe fails with
// EPIPE, which Node reports as an unhandled 'error' event (a stack trace and exit 1). A reader
// that stopped reading is not a failure of ours: the output ends quietly (no message, no stack)
// and the command finishes as it would have (an apply is never cut short by a closed pipe: it
// runs to its end, and its exit code stands). Any other stream error is left to fail loudly.
const watched = new WeakSet<NodeJS.WritableStream>();

export function endQuietlyOnClosedPipe(stream: NodeJS.WritableStream): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed = true;
    // After the pipe closed, later writes fail as "stream destroyed": the same closed pipe.
    if (closed && (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED')) return;
    throw e;
  });
}
