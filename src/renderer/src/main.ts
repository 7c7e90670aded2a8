import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createStudioRouter } from './router'

createApp(App).use(createPinia()).use(createStudioRouter()).mount('#app')
