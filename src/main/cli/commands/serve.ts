/**
 * `gan-studio serve [--port 0] [--host 127.0.0.1] [--data-dir DIR] [--json]`: the studio UI in a
 * browser, backed by the same StudioService as the desktop app, with trainers as child processes.
 */
import { promises as fs } from 'node:fs'
import { parseArgs, flagHelp, resolveDataDir, type FlagSpec } from '../args'
import type { CliIo } from '../io'
import { startServer, isLoopback } from '../../serve/server'
import { defaultRendererDir } from '../../serve/renderer-dir'
import { createNodeService } from '../../serve/node-service'

const FLAGS: Record<string, FlagSpec> = {
  port: { type: 'int', min: 0, max: 65535, help: 'port to listen on (0 = any free port; default 0)' },
  host: {
    type: 'string',
    help: 'address to listen on (default 127.0.0.1; anything else is reachable from the network)'
  },
  'data-dir': { type: 'string', help: 'data folder (default $GAN_STUDIO_HOME or ~/.gan-studio)' },
  json: { type: 'bool', help: 'print machine-readable JSON lines' },
  help: { type: 'bool', help: 'show this help' }
}

/** Runs the server until SIGINT/SIGTERM (or `signal` aborts); returns the exit code. */
export async function serveCommand(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS)
  if (flags.help) {
    io.stdout(`Usage: gan-studio serve [flags]\n\n${flagHelp(FLAGS)}\n`)
    return 0
  }
  const host = typeof flags.host === 'string' && flags.host ? flags.host : '127.0.0.1'
  const port = typeof flags.port === 'number' ? flags.port : 0
  const json = flags.json === true
  const dataDir = resolveDataDir(flags['data-dir'], io.env)
  await fs.mkdir(dataDir, { recursive: true })

  const rendererDir = defaultRendererDir()
  const haveUi = await fs
    .access(rendererDir)
    .then(() => true)
    .catch(() => false)
  if (!haveUi)
    io.stderr(
      `gan-studio serve: the UI is not built (${rendererDir} is missing); run \`npm run build\`. The API still works.\n`
    )

  const service = createNodeService(dataDir)
  await service.recoverOrphans()
  const server = await startServer({ service, rendererDir, host, port })

  if (!isLoopback(host)) {
    const warning = `listening on ${host}: anyone who can reach this address and has the token can train and read your data; prefer an SSH tunnel to 127.0.0.1`
    io.stderr(
      json
        ? JSON.stringify({ event: 'warning', message: warning }) + '\n'
        : `gan-studio serve: WARNING: ${warning}\n`
    )
  }
  io.stdout(
    json
      ? JSON.stringify({ event: 'listening', url: server.url, port: server.port, host, dataDir }) + '\n'
      : `Studio at ${server.url}\n`
  )

  await new Promise<void>((resolve) => {
    const done = (): void => resolve()
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
    signal?.addEventListener('abort', done, { once: true })
  })
  if (!json) io.stderr('gan-studio serve: stopping; live runs write a checkpoint first...\n')
  await service.close(60_000)
  await server.close()
  if (json) io.stdout(JSON.stringify({ event: 'closed' }) + '\n')
  return 0
}
