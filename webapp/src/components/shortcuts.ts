// The search shortcut: ⌘K on Apple systems (where Ctrl+K deletes to the
// end of the line in text boxes), Ctrl+K elsewhere.

export function isApple(platform = typeof navigator === "undefined" ? "" : navigator.platform): boolean {
  return /Mac|iPhone|iPad|iPod/.test(platform);
}

export function isSearchShortcut(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">, apple = isApple()): boolean {
  if (e.key.toLowerCase() !== "k" || e.altKey || e.shiftKey) return false;
  return apple ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
}

export function searchShortcutLabel(apple = isApple()): string {
  return apple ? "⌘K" : "Ctrl+K";
}
