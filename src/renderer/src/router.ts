import { createRouter, createWebHashHistory, type Router, type RouteRecordRaw } from 'vue-router'
import { VIEWS, type ViewName } from '../../shared/contract'

/** The view a route belongs to (views are route names), for "restore the last view". */
export function viewOfRoute(name: unknown): ViewName | undefined {
  return (VIEWS as readonly unknown[]).includes(name) ? (name as ViewName) : undefined
}

/**
 * True when the window opened without a view in its URL: the app then restores the last view.
 * Read at import, before the router redirects `/` to the default view.
 */
export const OPENED_WITHOUT_VIEW =
  typeof window !== 'undefined' && ['', '#', '#/'].includes(window.location.hash)

/** The views. Hash history: the app loads from app:// and serve puts the token in the query. */
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/datasets' },
  {
    path: '/datasets',
    name: 'datasets',
    component: () => import('./views/DatasetsView.vue'),
    meta: { title: 'Datasets' }
  },
  {
    path: '/train',
    name: 'train',
    component: () => import('./views/TrainView.vue'),
    meta: { title: 'Train' }
  },
  { path: '/runs', name: 'runs', component: () => import('./views/RunsView.vue'), meta: { title: 'Runs' } },
  {
    path: '/playground',
    name: 'playground',
    component: () => import('./views/PlaygroundView.vue'),
    meta: { title: 'Playground' }
  },
  // `?run=<id>&step=<n>` opens a sample of a run in the explorer (issue #8).
  {
    path: '/explore',
    name: 'explore',
    component: () => import('./views/ExploreView.vue'),
    meta: { title: 'Explore' }
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('./views/SettingsView.vue'),
    meta: { title: 'Settings' }
  },
  { path: '/:pathMatch(.*)*', redirect: '/datasets' }
]

export function createStudioRouter(): Router {
  const router = createRouter({ history: createWebHashHistory(), routes })
  router.afterEach((to) => {
    const title = typeof to.meta.title === 'string' ? to.meta.title : ''
    document.title = title ? `${title} · GAN Studio` : 'GAN Studio'
  })
  return router
}
