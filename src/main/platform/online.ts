// OnlineHints: wake the sockets after sleep, screen unlock, or when the network comes back (DESIGN §7).
import { net, powerMonitor } from 'electron'
import type { OnlineHints } from '../core/ports'

export function createOnlineHints(pollMs = 5000): OnlineHints & { dispose(): void } {
  const listeners = new Set<() => void>()
  const fire = (): void => {
    for (const l of [...listeners]) l()
  }
  powerMonitor.on('resume', fire)
  powerMonitor.on('unlock-screen', fire)

  // net.isOnline is cheap; an offline → online edge is the "network is back" hint.
  let online = net.isOnline()
  const timer = setInterval(() => {
    const now = net.isOnline()
    if (now && !online) fire()
    online = now
  }, pollMs)
  timer.unref?.()

  return {
    onWake(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dispose() {
      clearInterval(timer)
      powerMonitor.removeListener('resume', fire)
      powerMonitor.removeListener('unlock-screen', fire)
      listeners.clear()
    },
  }
}
