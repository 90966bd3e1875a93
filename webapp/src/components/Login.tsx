// Sign up / log in, with the API's own error messages.
import { useState } from "preact/hooks";
import { useChat, useClient } from "../context";
import { ParleyError } from "../errors";
import { t } from "../i18n";

export function Login() {
  const client = useClient();
  const ended = useChat((s) => s.chat.ended);
  const [mode, setMode] = useState<"login" | "register">("login");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await client.signIn(mode, username.trim(), password, displayName.trim() || undefined);
    } catch (err) {
      setError(describe(err, mode));
      setBusy(false);
    }
  };

  return (
    <main class="auth">
      <div class="auth-card">
        <div class="auth-brand">
          <svg viewBox="0 0 64 64" width="44" height="44" aria-hidden="true">
            <rect width="64" height="64" rx="14" fill="currentColor" />
            <path d="M16 20a6 6 0 0 1 6-6h20a6 6 0 0 1 6 6v14a6 6 0 0 1-6 6H30l-9 8v-8h1a6 6 0 0 1-6-6z" fill="#fff" />
          </svg>
          <div>
            <h1>{t("appName")}</h1>
            <p class="muted">{t("tagline")}</p>
          </div>
        </div>
        <div class="tabs" role="tablist">
          {(["login", "register"] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              id={`tab-${m}`}
              aria-controls="auth-panel"
              aria-selected={mode === m}
              class={mode === m ? "tab active" : "tab"}
              onClick={() => {
                setMode(m);
                setError("");
              }}
            >
              {m === "login" ? t("logIn") : t("signUp")}
            </button>
          ))}
        </div>
        {ended && !error && (
          <p class="form-error session-ended" role="status">
            {ended === "expired" ? t("sessionExpired") : t("sessionRevoked")}
          </p>
        )}
        <form class="stack" id="auth-panel" role="tabpanel" aria-labelledby={`tab-${mode}`} onSubmit={submit}>
          <div class="field">
            <label for="login-username">{t("username")}</label>
            <input
              id="login-username"
              name="username"
              value={username}
              required
              autoComplete="username"
              autoCapitalize="none"
              spellcheck={false}
              onInput={(e) => setUsername(e.currentTarget.value)}
              aria-describedby={mode === "register" ? "username-hint" : undefined}
            />
            {mode === "register" && <small id="username-hint" class="muted">{t("usernameHint")}</small>}
          </div>
          <div class="field">
            <label for="login-password">{t("password")}</label>
            <input
              id="login-password"
              name="password"
              type="password"
              value={password}
              required
              autoComplete={mode === "login" ? "current-password" : "new-password"}
              onInput={(e) => setPassword(e.currentTarget.value)}
              aria-describedby={mode === "register" ? "password-hint" : undefined}
            />
            {mode === "register" && <small id="password-hint" class="muted">{t("passwordHint")}</small>}
          </div>
          {mode === "register" && (
            <label>
              {t("displayName")}
              <input name="displayName" value={displayName} autoComplete="nickname" onInput={(e) => setDisplayName(e.currentTarget.value)} />
            </label>
          )}
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="primary-btn wide" disabled={busy}>
            {busy ? t("working") : mode === "login" ? t("logIn") : t("createAccount")}
          </button>
        </form>
      </div>
    </main>
  );
}

function describe(err: unknown, mode: "login" | "register"): string {
  if (!(err instanceof ParleyError)) return t("errorGeneric", { msg: String(err) });
  if (err.code === "OFFLINE") return t("errOffline");
  if (err.code === "UNAUTHORIZED" && mode === "login") return t("errBadCredentials");
  if (err.code === "CONFLICT") return t("errTaken");
  return err.message.charAt(0).toUpperCase() + err.message.slice(1);
}
