// One place that turns thrown errors into a message on stderr and an exit code: a usage error
// is exit 2; anything else thrown below a command is exit 1 with one line naming what failed,
// never a stack trace. Errors from the system (ENOENT, EACCES, EISDIR, ENOSPC, ...) carry the
// operation and the path: "cannot write /etc/x: no space left on device (ENOSPC)".
import { clip, UsageError } from './args.ts';
import { EXIT, type CliIO } from './command.ts';

export async function runGuarded(io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    io.stderr.write(`pve-passthrough: ${describeError(e)}\n`);
    return e instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
}

/** What the system call was doing, in words: "cannot <op> <path>". */
const OPERATION: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  close: 'close',
  fsync: 'flush to disk',
  fdatasync: 'flush to disk',
  mkdir: 'create the folder',
  mkdtemp: 'create a temporary folder in',
  rmdir: 'remove the folder',
  rm: 'remove',
  unlink: 'remove',
  rename: 'rename',
  copyfile: 'copy',
  cp: 'copy',
  scandir: 'list the folder',
  opendir: 'list the folder',
  stat: 'look at',
  lstat: 'look at',
  fstat: 'look at',
  access: 'access',
  readlink: 'read the link',
  symlink: 'create the link',
  link: 'link',
  chmod: 'change the mode of',
  fchmod: 'change the mode of',
  chown: 'change the owner of',
  utime: 'set the time of',
  futime: 'set the time of',
  realpath: 'resolve',
  ftruncate: 'truncate',
};

/** The words the C library uses (strerror), for the codes a command may meet. */
const DESCRIPTION: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EEXIST: 'file exists',
  ENOTEMPTY: 'directory not empty',
  EBUSY: 'device or resource busy',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EXDEV: 'cross-device link',
  EINVAL: 'invalid argument',
  ENODEV: 'no such device',
  ENXIO: 'no such device or address',
  EAGAIN: 'resource temporarily unavailable',
  ETXTBSY: 'text file busy',
  EPIPE: 'broken pipe',
};

/** Paths can be long (a deep --root): keep the head and the tail, which tells the file. */
export function clipPath(p: string, max = 160): string {
  return p.length <= max ? p : `${p.slice(0, 40)}...${p.slice(-(max - 40))} (${p.length} characters)`;
}

/** One line for any thrown value; system errors name the operation, the path(s) and the code. */
export function describeError(e: unknown, subject?: string): string {
  if (!(e instanceof Error)) return clip(String(e), 200);
  const err = e as NodeJS.ErrnoException & { dest?: unknown };
  if (e instanceof UsageError || typeof err.code !== 'string' || !/^E[A-Z0-9]+$/.test(err.code)) return e.message;
  const desc = DESCRIPTION[err.code] ?? /^E[A-Z0-9]+: ([^,]+)/.exec(e.message)?.[1] ?? 'system error';
  const syscall = err.syscall ?? '';
  // execa / child_process: "spawn qm" fails with ENOENT when the command is not installed.
  if (syscall.startsWith('spawn'))
    return `cannot run ${clipPath(syscall.slice(5).trim() || String(err.path ?? 'a command'))}: ${desc} (${err.code})`;
  const what = subject ?? (typeof err.path === 'string' ? clipPath(err.path) : undefined);
  const dest = typeof err.dest === 'string' ? ` to ${clipPath(err.dest)}` : '';
  const op = OPERATION[syscall] ?? (syscall || 'access');
  return `cannot ${op}${what ? ` ${what}` : ''}${dest}: ${desc} (${err.code})`;
}
