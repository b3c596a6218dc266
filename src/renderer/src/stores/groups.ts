import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { RequestResult } from '@shared/contract'
import type { Chat, ChatId, User } from '@shared/model'
import { on, request } from '../bridge'
import { useChatsStore } from './chats'
import { useSessionStore } from './session'

export type AddMembersResult = RequestResult<'groups.addMembers'>

/** Creating groups (R2, named by a Q7-valid slug) and managing members (R4); members per chat follow `members.changed`. */
export const useGroupsStore = defineStore('groups', () => {
  const chats = useChatsStore()
  const session = useSessionStore()
  const members = ref<Record<ChatId, User[]>>({})

  on('members.changed', ({ chatId, members: list }) => {
    members.value = { ...members.value, [chatId]: list }
  })

  async function loadMembers(chatId: ChatId): Promise<User[]> {
    const list = await chats.members(chatId)
    members.value = { ...members.value, [chatId]: list }
    return list
  }

  async function create(args: { slug: string; title?: string; visibility: 'public' | 'private' }): Promise<Chat> {
    const title = args.title?.trim()
    const chat = await request('groups.create', { slug: args.slug, visibility: args.visibility, ...(title ? { title } : {}) })
    chats.upsert(chat)
    return chat
  }

  /**
   * Core paces the R4 calls within the REST budget; the answer says who was added and why others were not.
   * Those added are shown at once (members.changed confirms).
   */
  async function addMembers(chatId: ChatId, users: User[]): Promise<AddMembersResult> {
    const res = await request('groups.addMembers', { chatId, userIds: users.map((u) => u.id) })
    const list = members.value[chatId]
    if (list) {
      const have = new Set(list.map((u) => u.id))
      const added = new Set(res.added)
      const fresh = users.filter((u) => added.has(u.id) && !have.has(u.id))
      if (fresh.length) members.value = { ...members.value, [chatId]: [...list, ...fresh] }
    }
    return res
  }

  async function removeMember(chatId: ChatId, userId: string): Promise<void> {
    await request('groups.removeMember', { chatId, userId })
    const list = members.value[chatId]
    if (list) members.value = { ...members.value, [chatId]: list.filter((u) => u.id !== userId) }
  }

  /** Leaving is removing yourself (R4: there is no other way). */
  async function leave(chatId: ChatId): Promise<void> {
    const me = session.info?.user.id
    if (!me) throw new Error('not signed in')
    await removeMember(chatId, me)
  }

  return { members, loadMembers, create, addMembers, removeMember, leave }
})
