// Every key the app keeps in its state file (platform/store.ts) and the schema its value is checked against when the
// file is read (issue 13). A key missing here is neither read nor written (and logged): add it with its schema.
import { z } from 'zod'
import { isOrigin, storedSettingsSchema } from '../shared/settings'
import { NOTICE_KEY } from './lifecycle'
import { BOUNDS_KEY } from './window'

const chatId = z.string().min(1).max(200).regex(/^(group|direct):[^\s]+$/)
const coordinate = z.number().finite().min(-1e6).max(1e6)

const user = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(200),
  avatarUrl: z.string().max(4096).optional(),
  isSuperuser: z.boolean().optional(),
  groups: z.array(z.string().max(200)).max(10_000).optional(),
})

export const STATE_SCHEMAS: Record<string, z.ZodType> = {
  /** core: the user's settings (every field checked; a bad one falls back to its default). */
  settings: storedSettingsSchema(),
  /** core: who is signed in where (the token itself is in token.bin, encrypted). */
  session: z.object({ serverOrigin: z.string().max(2000).refine((s) => isOrigin(s)), user }),
  /** core: local titles of groups created here (Q7). */
  groupTitles: z.record(z.string().max(200), z.string().max(200)),
  /** core (issue 12): unsent composer text per chat. */
  drafts: z.record(chatId, z.string().max(64 * 1024)),
  /** window.ts: where the window was. */
  [BOUNDS_KEY]: z.object({ x: coordinate, y: coordinate, width: coordinate, height: coordinate, maximized: z.boolean().optional() }),
  /** lifecycle.ts: the "still running in the background" note was shown once. */
  [NOTICE_KEY]: z.boolean(),
}
