/**
 * ipcMain and ipcRenderer of the stand-in. Messages are copied with the structured clone algorithm
 * (https://www.electronjs.org/docs/latest/tutorial/ipc#object-serialization) and delivered
 * asynchronously; every main-side event carries `sender` (the WebContents) and `senderFrame` (the
 * WebFrameMain of the frame that sent it, with its URL and origin as Chromium reports them)
 * (https://www.electronjs.org/docs/latest/api/structures/ipc-main-invoke-event,
 * https://www.electronjs.org/docs/latest/api/structures/ipc-main-event).
 */
import { EventEmitter } from 'node:events'
import { cloneForIpc } from './codec'

/** The frame a renderer-side message comes from, resolved when the message is sent. */
export interface SenderOf {
  sender: Electron.WebContents
  senderFrame: Electron.WebFrameMain | null
  processId: number
  frameId: number
}

type InvokeHandler = (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown

function electronEvent<T extends object>(
  fields: T
): T & { preventDefault(): void; defaultPrevented: boolean } {
  const e = { ...fields, defaultPrevented: false, preventDefault(): void {} }
  e.preventDefault = (): void => {
    e.defaultPrevented = true
  }
  return e
}

/** https://www.electronjs.org/docs/latest/api/ipc-main */
export class IpcMainStandIn
  extends EventEmitter
  implements Pick<Electron.IpcMain, 'handle' | 'handleOnce' | 'removeHandler'>
{
  private readonly handlers = new Map<string, InvokeHandler>()

  handle(channel: string, listener: InvokeHandler): void {
    // "Attempted to register a second handler for '<channel>'" (ipc-main.md, handle).
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }

  handleOnce(channel: string, listener: InvokeHandler): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel)
      return listener(event, ...args)
    })
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }

  /** Channels that have a handler (tests use it to check what main binds). */
  handledChannels(): string[] {
    return [...this.handlers.keys()]
  }

  /** ipcRenderer.invoke reaching the main process. */
  async dispatchInvoke(from: SenderOf, channel: string, args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel)
    // ipc-renderer.md, invoke: the error thrown in the handler reaches the renderer wrapped.
    if (!handler)
      throw new Error(
        `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`
      )
    const event = electronEvent({ type: 'frame' as const, ...from }) as unknown as Electron.IpcMainInvokeEvent
    try {
      return cloneForIpc(await handler(event, ...args))
    } catch (err) {
      throw new Error(`Error invoking remote method '${channel}': ${String(err)}`, { cause: err })
    }
  }

  /** ipcRenderer.send reaching the main process. */
  dispatchSend(
    from: SenderOf,
    channel: string,
    args: unknown[],
    reply: (ch: string, a: unknown[]) => void
  ): void {
    const event = electronEvent({
      type: 'frame' as const,
      ...from,
      ports: [],
      returnValue: undefined as unknown,
      reply: (ch: string, ...a: unknown[]) => reply(ch, a)
    })
    this.emit(channel, event, ...args)
  }
}

/**
 * One preload world's ipcRenderer (https://www.electronjs.org/docs/latest/api/ipc-renderer).
 * Listeners receive `(event, ...args)` with `event.sender` = this ipcRenderer and `ports`.
 */
export class IpcRendererStandIn
  extends EventEmitter
  implements Pick<Electron.IpcRenderer, 'invoke' | 'send'>
{
  constructor(
    private readonly main: IpcMainStandIn,
    private readonly from: () => SenderOf
  ) {
    super()
  }

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    // Cloned when sent (so a refused value rejects), delivered on a later task, as over Mojo.
    let copied: unknown[]
    try {
      copied = cloneForIpc(args)
    } catch (e) {
      return Promise.reject(e)
    }
    const from = this.from()
    return new Promise((resolve, reject) => {
      setImmediate(() => this.main.dispatchInvoke(from, channel, copied).then(resolve, reject))
    })
  }

  send(channel: string, ...args: unknown[]): void {
    const copied = cloneForIpc(args)
    const from = this.from()
    setImmediate(() => this.main.dispatchSend(from, channel, copied, (ch, a) => this.deliver(ch, a)))
  }

  sendSync(channel: string): never {
    throw new Error(`ipcRenderer.sendSync('${channel}') is not implemented by the desktop stand-in`)
  }

  /** webContents.send reaching this world (args already cloned). */
  deliver(channel: string, args: unknown[]): void {
    this.emit(channel, { sender: this, ports: [] }, ...args)
  }
}
