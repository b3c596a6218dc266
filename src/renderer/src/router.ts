import { createRouter, createWebHashHistory, type Router } from 'vue-router'
import { useSessionStore } from './stores/session'
import { useSettingsStore } from './stores/settings'
import SignInView from './views/SignInView.vue'
import ChatsView from './views/ChatsView.vue'
import SettingsView from './views/SettingsView.vue'
import PeopleView from './views/PeopleView.vue'

// Hash history: served from app:// in Electron and http:// in the e2e host; never navigates the window.
export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', redirect: { name: 'chats' } },
      { path: '/signin', name: 'signin', component: SignInView, meta: { public: true } },
      { path: '/chats/:chatId?', name: 'chats', component: ChatsView, props: true },
      { path: '/settings', name: 'settings', component: SettingsView },
      { path: '/people', name: 'people', component: PeopleView },
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
