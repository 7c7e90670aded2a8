import { createRouter, createWebHashHistory, type Router, type RouteRecordRaw } from 'vue-router'

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
