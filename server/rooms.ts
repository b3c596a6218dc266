/**
 * One-to-one rooms (PROTOCOL Q6, R8, W2): how production names, creates and finds them — the one place for it.
 *
 * A room is keyed by the NAME in the W2 URL. R8 computes that name from (caller, target) in that order until the pair
 * owns a room, so when both people start the chat before either room exists they connect to different names and each
 * first text creates its own room: the pair then owns TWO rooms, each holding its own messages, and both are listed
 * by R3. R8 answers with the pair lookup's first room — the one created first — for both parties.
 */
import type { GroupRow, Store, UserRow } from './db'
import { privateRoomName } from './quirks'

/** R8: the pair's room (either order), the first created when there are two; else the name (caller, target) would get. */
export function resolvePairRoom(store: Store, caller: UserRow, target: UserRow): { existing: boolean; name: string } {
  const room = store.privateRoomForPair(caller.id, target.id)
  return room ? { existing: true, name: room.name } : { existing: false, name: privateRoomName(caller.id, target.id) }
}

/**
 * W2 text: the room named by the URL, created on the spot when missing (creator = sender, target = recipient) — even
 * when the pair already owns a room under the other name (the Q6 two-room race).
 */
export function roomForText(store: Store, urlRoom: string, sender: UserRow, recipient: UserRow): GroupRow {
  return store.privateRoom(urlRoom.toLowerCase()) ?? store.insertGroup({
    name: urlRoom, slug: urlRoom.toLowerCase(), type: 'private', created_by: sender.id, is_private_chat: true,
    target_user: recipient.id,
  })
}

/** W2 file: only the existing room named by the URL — a file never creates a room (the caller answers 1011). */
export function roomForFile(store: Store, urlRoom: string): GroupRow | undefined {
  return store.privateRoom(urlRoom.toLowerCase())
}
