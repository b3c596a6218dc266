// Do Not Disturb choices (issue 5 item 2), one definition for the settings view, the tray menu and the
// notification rules. "Until tomorrow" means the user's own next local morning.
import { DND_FOREVER } from './model'

export type DndChoice = 'off' | '1h' | 'tomorrow' | 'forever'
export const DND_CHOICES: readonly DndChoice[] = ['off', '1h', 'tomorrow', 'forever']
/** "Until tomorrow" ends at this local hour. */
export const MORNING_HOUR = 8

/** The next local 08:00 strictly after `now` (so at 02:00 that is today's morning). */
export function nextMorning(now: number): number {
  const d = new Date(now)
  d.setHours(MORNING_HOUR, 0, 0, 0)
  if (d.getTime() <= now) d.setDate(d.getDate() + 1)
  return d.getTime()
}

/** The `dndUntil` value for a choice. */
export function dndUntilFor(choice: DndChoice, now: number): number | null {
  switch (choice) {
    case 'off': return null
    case '1h': return now + 3_600_000
    case 'tomorrow': return nextMorning(now)
    case 'forever': return DND_FOREVER
  }
}

/** Is Do Not Disturb in force at `now`? (An expired time counts as off.) */
export function dndActive(dndUntil: number | null, now: number): boolean {
  return dndUntil !== null && dndUntil > now
}

/** Which choice a stored value looks like (a timed value ending at a local 08:00 is "until tomorrow"). */
export function dndChoiceOf(dndUntil: number | null, now: number): DndChoice {
  if (!dndActive(dndUntil, now)) return 'off'
  if (dndUntil === DND_FOREVER) return 'forever'
  const d = new Date(dndUntil!)
  return d.getHours() === MORNING_HOUR && d.getMinutes() === 0 && d.getSeconds() === 0 ? 'tomorrow' : '1h'
}
