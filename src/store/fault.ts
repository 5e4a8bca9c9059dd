/**
 * A failure of the environment (a file system, a git repository, another process), not of Cairn:
 * its message is one complete sentence for the user, naming the path and what could not be done.
 * The CLI prints it without a stack trace and exits 1.
 */
export class Fault extends Error {
  override name = 'Fault';
}
