import { describe, expect, test } from 'vitest';
import { createSearchCache } from '../src/db/search-cache.ts';
import type { SearchPage, SearchQuery } from '../src/db/store.ts';

/**
 * Stale-while-revalidate in the search cache (db/search-cache.ts), over a fake source whose
 * searches the test answers by hand, an injected clock and injected jitter: counted, never timed.
 */

interface Call {
  query: SearchQuery;
  answer(page: SearchPage): void;
  fail(error: Error): void;
}

function world(options: { random?: () => number } = {}) {
  let now = 0;
  let revision = 1;
  const calls: Call[] = [];
  let served = 0;
  const source = {
    search: (query: SearchQuery) =>
      new Promise<SearchPage>((resolve, reject) => {
        calls.push({ query, answer: resolve, fail: reject });
      }),
    revision: async () => revision,
  };
  const cache = createSearchCache(source, {
    pollMs: 1000,
    ttlMs: 10_000,
    maxAgeMs: 20_000,
    now: () => now,
    random: options.random ?? (() => 0),
  });
  /** The next page the source answers: its total tells the pages apart. */
  const page = (): SearchPage => ({ total: ++served, hits: [] });
  return {
    cache,
    calls,
    page,
    advance: (ms: number) => {
      now += ms;
    },
    bump: () => {
      revision++;
    },
    /** Answers the oldest unanswered search and lets its continuations run. */
    async answerNext(): Promise<number> {
      const call = calls.shift();
      if (!call) throw new Error('no search is waiting');
      const p = page();
      call.answer(p);
      await new Promise((r) => setImmediate(r));
      return p.total;
    },
  };
}

/** Fills the page of `term` (one search, answered): the start of most cases here. */
async function filled(w: ReturnType<typeof world>, term = 'deploy'): Promise<void> {
  const first = w.cache.search(q(term));
  await settle();
  expect(await w.answerNext()).toBe(1);
  expect(await total(first)).toBe(1);
}

const q = (term: string): SearchQuery => ({ match: { terms: [term], every: true }, limit: 10, offset: 0 });
const total = async (p: Promise<SearchPage>) => (await p).total;
/** Lets pending continuations (the revision read) run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('search cache, stale while revalidate', () => {
  test('a page past its ttl is answered at once while exactly one background search replaces it', async () => {
    const w = world();
    await filled(w);

    w.advance(10_000);
    // Stale: five identical requests are answered from the cache at once, and share one refresh.
    const stale = await Promise.all(Array.from({ length: 5 }, () => total(w.cache.search(q('deploy')))));
    expect(stale).toEqual([1, 1, 1, 1, 1]);
    expect(w.calls).toHaveLength(1);
    // Another key stays its own business.
    void w.cache.search(q('docs'));
    await settle();
    expect(w.calls.map((c) => c.query.match?.terms)).toEqual([['deploy'], ['docs']]);

    expect(await w.answerNext()).toBe(2);
    expect(await total(w.cache.search(q('deploy')))).toBe(2);
    expect(w.calls).toHaveLength(1);
  });

  test('a page is never answered past the hard limit: the search waits for the refresh', async () => {
    const w = world();
    await filled(w);

    w.advance(19_999);
    expect(await total(w.cache.search(q('deploy')))).toBe(1);
    expect(w.calls).toHaveLength(1);
    w.advance(1);
    // 20 s old: the refresh already running is what this search gets, not the old page.
    const waiting = w.cache.search(q('deploy'));
    await settle();
    expect(w.calls).toHaveLength(1);
    expect(await w.answerNext()).toBe(2);
    expect(await total(waiting)).toBe(2);

    // Past the limit with no refresh running: a plain miss, one search.
    w.advance(25_000);
    const miss = w.cache.search(q('deploy'));
    await settle();
    expect(w.calls).toHaveLength(1);
    await w.answerNext();
    expect(await total(miss)).toBe(3);
  });

  test('a failed refresh keeps the stale page until the hard limit and is tried again', async () => {
    const w = world();
    await filled(w);
    w.advance(12_000);
    expect(await total(w.cache.search(q('deploy')))).toBe(1);
    w.calls.shift()?.fail(new Error('database busy'));
    await settle();
    expect(await total(w.cache.search(q('deploy')))).toBe(1);
    expect(w.calls).toHaveLength(1);
  });

  test('a revision change still drops every page, stale or fresh, and a refresh in flight is not kept', async () => {
    const w = world();
    await filled(w);
    w.advance(11_000);
    expect(await total(w.cache.search(q('deploy')))).toBe(1);
    expect(w.calls).toHaveLength(1);
    const refresh = w.calls.shift()!;

    w.bump();
    w.advance(1000);
    const after = w.cache.search(q('deploy'));
    await settle();
    expect(w.calls).toHaveLength(1);
    expect(await w.answerNext()).toBe(2);
    expect(await total(after)).toBe(2);
    // The refresh started before the change answers late: its page is not the cache's.
    refresh.answer({ total: 99, hits: [] });
    await settle();
    expect(await total(w.cache.search(q('deploy')))).toBe(2);
    expect(w.calls).toHaveLength(0);

    w.cache.invalidate();
    const again = w.cache.search(q('deploy'));
    await settle();
    expect(w.calls).toHaveLength(1);
    await w.answerNext();
    expect(await total(again)).toBe(3);
  });

  test('at most two refreshes run at once: a third stale page is answered as it is, and refreshed later', async () => {
    const w = world();
    const pages = ['a', 'b', 'c'].map((t) => w.cache.search(q(t)));
    await settle();
    for (let i = 0; i < 3; i++) await w.answerNext();
    expect(await Promise.all(pages.map(total))).toEqual([1, 2, 3]);

    w.advance(10_000);
    // All three stale at once: two refreshes start, c is answered stale with none of its own.
    expect(await Promise.all(['a', 'b', 'c'].map((t) => total(w.cache.search(q(t)))))).toEqual([1, 2, 3]);
    expect(w.calls.map((c) => c.query.match?.terms[0])).toEqual(['a', 'b']);
    expect(await total(w.cache.search(q('c')))).toBe(3);
    expect(w.calls).toHaveLength(2);

    // One refresh answers: the next request for c starts c's.
    expect(await w.answerNext()).toBe(4);
    expect(await total(w.cache.search(q('c')))).toBe(3);
    expect(w.calls.map((c) => c.query.match?.terms[0])).toEqual(['b', 'c']);
    // A failed refresh frees its place too.
    w.calls.shift()?.fail(new Error('database busy'));
    await settle();
    expect(await total(w.cache.search(q('b')))).toBe(2);
    expect(w.calls.map((c) => c.query.match?.terms[0])).toEqual(['c', 'b']);
  });

  test("each page's ttl is shortened by its own jitter, so pages filled together go stale apart", async () => {
    const draws = [0, 0.5, 1 - Number.EPSILON];
    const w = world({ random: () => draws.shift() ?? 0 });
    const pages = ['a', 'b', 'c'].map((t) => w.cache.search(q(t)));
    await settle();
    for (let i = 0; i < 3; i++) await w.answerNext();
    await Promise.all(pages);
    // ttls 10 s, 9.5 s, 9 s (jitter 0.1): at 9.2 s only c is stale, at 9.6 s b too.
    w.advance(9200);
    for (const t of ['a', 'b', 'c']) await w.cache.search(q(t));
    expect(w.calls.map((c) => c.query.match?.terms[0])).toEqual(['c']);
    w.advance(400);
    for (const t of ['a', 'b', 'c']) await w.cache.search(q(t));
    expect(w.calls.map((c) => c.query.match?.terms[0])).toEqual(['c', 'b']);
  });
});
