// The deployment's settings outlive sessions: signing out keeps them.
import type { Action } from "./actions";
import type { ServerConfig } from "./model";

export function reduceConfig(config: ServerConfig | null, a: Action): ServerConfig | null {
  return a.type === "config/loaded" ? a.config : config;
}
