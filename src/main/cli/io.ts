/** What a CLI command may touch of its process: output streams, whether stderr is a TTY, env. */
export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  isTTY: boolean
  env: NodeJS.ProcessEnv
}

/** The real process's io. */
export function processIo(): CliIo {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stderr.isTTY),
    env: process.env
  }
}
