// Preloaded (--require) into every stand-in utility process: gives the child Electron's
// `process.parentPort` (https://www.electronjs.org/docs/latest/api/parent-port) over Node's IPC
// channel, and hides Node's `process.send`, which a utility process does not have.
'use strict'
const { EventEmitter } = require('node:events')
const { isMainThread } = require('node:worker_threads')

// Only the utility process itself: Node hands --require to every worker_thread too (the wasm
// backend's pthreads are worker_threads), and a worker_thread has no IPC channel of its own. In
// Electron the utility process's worker_threads have no parentPort either
// (https://www.electronjs.org/docs/latest/api/parent-port: "process.parentPort ... in the child process").
if (isMainThread) installParentPort()

function installParentPort() {
  const send = process.send.bind(process)
  const ipc = new EventEmitter()
  process.on('message', (m) => ipc.emit('message', m))

  const parentPort = new EventEmitter()
  // parentPort.postMessage(message): "Sends a message from the process to its parent."
  parentPort.postMessage = (message) => {
    send(message)
  }
  // Event 'message': "Emitted when the process receives a message. Messages received on
  // process.parentPort are queued until a handler is registered for this event."
  // The event is a MessageEvent: { data, ports }.
  const queued = []
  let started = false
  ipc.on('message', (data) => {
    const event = { data, ports: [] }
    if (started) parentPort.emit('message', event)
    else queued.push(event)
  })
  parentPort.on('newListener', (name) => {
    if (name !== 'message' || started) return
    started = true
    setImmediate(() => {
      for (const e of queued.splice(0)) parentPort.emit('message', e)
    })
  })
  Object.defineProperty(process, 'parentPort', { value: parentPort, enumerable: false })
  delete process.send
}
