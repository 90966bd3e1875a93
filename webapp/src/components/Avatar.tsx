import type { User } from "../types";

/** Initials on a colour derived from the username (no images to load). */
export function Avatar({ user, size = "md" }: { user: Pick<User, "username" | "displayName" | "kind">; size?: "sm" | "md" }) {
  const name = user.displayName || user.username;
  const initials = name.split(/[\s._-]+/).filter(Boolean).slice(0, 2).map((w) => [...w][0]!.toUpperCase()).join("") || "?";
  let h = 0;
  for (const c of user.username) h = (h * 31 + c.charCodeAt(0)) % 360;
  return (
    <span class={`avatar avatar-${size} hue-${Math.floor(h / 30)}${user.kind === "bot" ? " avatar-bot" : ""}`} aria-hidden="true">
      {user.kind === "bot" ? "✦" : initials}
    </span>
  );
}
