/** Training-health detectors and the coach the session calls; see detectors.ts for thresholds. */
export * from './detectors'
export { HealthCoach } from './coach'
