import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Chat, User } from '@shared/model'
import { request } from '../bridge'
import { matchesSearch } from '@shared/search'
import { useChatsStore } from './chats'

/** Sort for people lists: by name in the UI's collation, ids as the tie-break so the order is stable. */
export function byName(a: User, b: User): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
}

/** The directory (R6 via users.list), superusers' profile list (R7 get-all, Q10) and starting one-to-one chats (R8). */
export const usePeopleStore = defineStore('people', () => {
  const chats = useChatsStore()
  const users = ref<User[]>([])
  const loaded = ref(false)
  const profiles = ref<User[]>([])
  const query = ref('')

  const sorted = computed(() => [...users.value].sort(byName))
  const filtered = computed(() => sorted.value.filter((u) => matchesPerson(u, query.value)))

  /** Re-read every time a view needs it: the directory changes as people sign up and join groups. */
  async function load(): Promise<void> {
    users.value = await request('users.list')
    loaded.value = true
  }

  async function loadProfiles(): Promise<void> {
    profiles.value = [...(await request('profiles.list'))].sort(byName)
  }

  function byId(id: string): User | undefined {
    return users.value.find((u) => u.id === id)
  }

  /** Open (or find) the one-to-one chat with a user; core resolves the room name race (Q6). */
  async function startDirect(userId: string): Promise<Chat> {
    const chat = await request('direct.start', { userId })
    chats.upsert(chat)
    return chat
  }

  return { users, loaded, profiles, query, sorted, filtered, load, loadProfiles, byId, startDirect }
})

/** A person matches on their name or on the name of a group they are in. */
export function matchesPerson(u: User, query: string): boolean {
  return matchesSearch(`${u.name} ${(u.groups ?? []).join(' ')}`, query)
}
