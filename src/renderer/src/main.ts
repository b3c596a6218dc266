import { createApp } from 'vue'
import { createPinia } from 'pinia'
import '@fontsource/vazirmatn/400.css'
import '@fontsource/vazirmatn/700.css'
// Colour emoji on every system, Linux included, where none may be installed (CSP: fonts from 'self' only). A
// COLRv0 font (Twemoji): it renders with any FreeType, unlike the COLRv1 builds of Noto Color Emoji.
import 'twemoji-colr-font/twemoji.css'
import './styles/main.css'
import App from './App.vue'
import { createAppRouter } from './router'
import { i18n } from './i18n'
import { guardWindowDrops } from './files'

// A file or link dropped outside a drop zone must never navigate the window away from the app.
guardWindowDrops(window)

// Pinia before the router: the router guard reads the session store.
const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(createAppRouter())
app.mount('#app')
