/**
 * Request tokens: a slow reply must never overwrite a newer one. Each kind of request takes a
 * token before it asks; the reply is applied only while that token is still the newest one.
 */
export interface RequestTokens {
  /** A new token; the function it returns says whether it is still the newest. */
  next(): () => boolean
  /** Makes every outstanding token stale (e.g. the model changed under them). */
  invalidate(): void
}

/** Tokens for one kind of request. */
export function requestTokens(): RequestTokens {
  let current = 0
  return {
    next(): () => boolean {
      const mine = ++current
      return () => mine === current
    },
    invalidate(): void {
      current++
    }
  }
}
