import { createRouter, createWebHashHistory, type Router } from 'vue-router'
import { useSessionStore } from './stores/session'
import { useSettingsStore } from './stores/settings'
import SignInView from './views/SignInView.vue'
import ChatsView from './views/ChatsView.vue'
import { useChatsStore } from './stores/chats'

export type Panel = 'settings' | 'people'

export function panelOf(q: unknown): Panel | undefined {
  return q === 'settings' || q === 'people' ? q : undefined
}

/** The chat that stays open under a panel opened by its old address (/settings, /people). */
function openChat(): { chatId?: string } {
  const id = useChatsStore().activeId
  return id ? { chatId: id } : {}
}

// Hash history: served from app:// in Electron and http:// in the e2e host; never navigates the window.
export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', redirect: { name: 'chats' } },
      { path: '/signin', name: 'signin', component: SignInView, meta: { public: true } },
      // Settings and People are panels over the open chat (issue 12 item 7): `?panel=` keeps the chat and its
      // timeline mounted underneath, so closing the panel returns to exactly where the person was.
      {
        path: '/chats/:chatId?',
        name: 'chats',
        component: ChatsView,
        props: (route) => ({ chatId: route.params.chatId || undefined, panel: panelOf(route.query.panel) }),
      },
      { path: '/settings', name: 'settings', redirect: () => ({ name: 'chats', params: openChat(), query: { panel: 'settings' } }) },
      { path: '/people', name: 'people', redirect: () => ({ name: 'chats', params: openChat(), query: { panel: 'people' } }) },
      { path: '/:rest(.*)*', redirect: { name: 'chats' } },
    ],
  })

  router.beforeEach(async (to) => {
    const session = useSessionStore()
    const settings = useSettingsStore()
    await Promise.all([session.init(), settings.init()])
    if (to.meta.public) return session.info && to.name === 'signin' ? { name: 'chats' } : true
    return session.info ? true : { name: 'signin' }
  })

  return router
}
