import { t } from "../i18n";
import type { RoomState } from "../state/model";

export function TypingLine({ room }: { room: RoomState }) {
  const names = Object.values(room.typing).map((x) => x.user.displayName || x.user.username);
  const text =
    names.length === 0 ? "" : names.length === 1 ? t("typingOne", { a: names[0] }) : names.length === 2 ? t("typingTwo", { a: names[0], b: names[1] }) : t("typingMany");
  return (
    <div class="typing" aria-live="polite">
      {text && (
        <>
          <span class="typing-dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {text}
        </>
      )}
    </div>
  );
}
