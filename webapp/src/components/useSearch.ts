// The search dialog's data: the query asked for once typing pauses, pages
// of results appended by "load more" (before = the last result's id), and
// answers to queries no longer typed dropped.
import { useEffect, useRef, useState } from "preact/hooks";
import { useClient } from "../context";
import { ParleyError } from "../errors";
import { searchTerms } from "../highlight";
import type { SearchResult } from "../types";

export const SEARCH_DEBOUNCE_MS = 250;
export const SEARCH_PAGE = 20;

export type SearchStatus = "idle" | "loading" | "done" | "error";

export interface SearchView {
  results: SearchResult[];
  hasMore: boolean;
  status: SearchStatus;
  /** A page after the first is on its way. */
  loadingMore: boolean;
  error: string;
  /** The query the results answer. */
  asked: string;
  loadMore(): void;
}

/** room: only that room's messages, else all of mine. */
export function useSearch(q: string, room?: string): SearchView {
  const client = useClient();
  const [results, setResults] = useState<SearchResult[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [status, setStatus] = useState<SearchStatus>("idle");
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState("");
  const [asked, setAsked] = useState("");
  // bumped by every new query: an older answer arriving late is dropped
  const generation = useRef(0);

  const fail = (err: unknown) => {
    setError(err instanceof ParleyError ? err.message : String(err));
    setStatus("error");
  };

  useEffect(() => {
    const gen = ++generation.current;
    const query = q.trim();
    setLoadingMore(false);
    if (searchTerms(query).length === 0) {
      setResults([]);
      setHasMore(false);
      setStatus("idle");
      setAsked("");
      return undefined;
    }
    setStatus("loading");
    const timer = setTimeout(() => {
      client.search(query, { limit: SEARCH_PAGE, ...(room ? { room } : {}) }).then(
        (page) => {
          if (gen !== generation.current) return;
          setResults(page.results);
          setHasMore(page.hasMore);
          setAsked(query);
          setStatus("done");
        },
        (err) => gen === generation.current && fail(err),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [q, room]);

  const loadMore = () => {
    if (!hasMore || loadingMore || status !== "done" || results.length === 0) return;
    const gen = generation.current;
    setLoadingMore(true);
    client.search(asked, { limit: SEARCH_PAGE, before: results[results.length - 1].message.id, ...(room ? { room } : {}) }).then(
      (page) => {
        if (gen !== generation.current) return;
        setResults((held) => [...held, ...page.results.filter((r) => !held.some((h) => h.message.id === r.message.id))]);
        setHasMore(page.hasMore);
        setLoadingMore(false);
      },
      (err) => {
        if (gen !== generation.current) return;
        setLoadingMore(false);
        fail(err);
      },
    );
  };

  return { results, hasMore, status, loadingMore, error, asked, loadMore };
}
