// UI strings in English and Simplified Chinese, chosen from navigator.language.

const en = {
  appName: "Parley",
  tagline: "Group chat with an assistant in every room.",
  logIn: "Log in",
  signUp: "Sign up",
  username: "Username",
  password: "Password",
  displayName: "Display name (optional)",
  usernameHint: "3–32 characters: a–z, 0–9, _ . -",
  passwordHint: "At least 8 characters",
  noAccount: "New here?",
  haveAccount: "Already have an account?",
  createAccount: "Create an account",
  working: "Just a moment…",
  logOut: "Log out",
  logOutEverywhere: "Everywhere",
  logOutEverywhereHint: "Log out on every device",
  sessionExpired: "Your session expired. Please log in again.",
  sessionRevoked: "You were logged out (from this or another device). Please log in again.",
  rooms: "Rooms",
  directMessages: "Direct messages",
  directMessage: "Direct message",
  browseRooms: "Browse rooms",
  createRoom: "Create a room",
  newDirect: "New message",
  roomName: "Room name",
  topic: "Topic (optional)",
  privateRoom: "Private (invite only)",
  create: "Create",
  cancel: "Cancel",
  close: "Close",
  join: "Join",
  joined: "Joined",
  open: "Open",
  noPublicRooms: "No public rooms to join yet.",
  dmWith: "Username to message",
  startDirect: "Start chatting",
  members: "Members",
  showMembers: "Show members",
  online: "online",
  offline: "offline",
  bot: "bot",
  service: "service",
  message: "Message",
  messagePlaceholder: "Message #{room}",
  messagePlaceholderDirect: "Message @{room}",
  send: "Send",
  sending: "Sending…",
  failed: "Not sent",
  retry: "Retry",
  discard: "Discard",
  reconnecting: "Reconnecting…",
  connecting: "Connecting…",
  loadingOlder: "Loading earlier messages…",
  beginning: "This is the beginning of #{room}.",
  beginningDirect: "This is the beginning of your conversation with {room}.",
  noMessages: "No messages yet. Say hello!",
  today: "Today",
  yesterday: "Yesterday",
  typingOne: "{a} is typing…",
  typingTwo: "{a} and {b} are typing…",
  typingMany: "Several people are typing…",
  newMessages: "New messages",
  jumpToLatest: "Jump to latest",
  unread: "{n} unread",
  menu: "Menu",
  private: "private",
  deleted: "This message was deleted.",
  deleteMessage: "Delete message",
  confirmDelete: "Delete?",
  streaming: "writing…",
  mentionSuggestions: "People to mention",
  errorGeneric: "Something went wrong: {msg}",
  errOffline: "Can't reach the server. Check your connection.",
  errRateLimited: "You're sending messages too fast. Wait a moment, then retry.",
  errTooLarge: "This message is too long.",
  errBadCredentials: "Wrong username or password.",
  errTaken: "That username is taken.",
  editMessage: "Edit message",
  edited: "(edited)",
  editedAt: "Edited {time}",
  editHint: "Enter to save, Escape to cancel",
  save: "Save",
  skipToComposer: "Skip to message box",
} as const;

export type StringKey = keyof typeof en;
type Dict = Record<StringKey, string>;

const zh: Dict = {
  appName: "Parley",
  tagline: "群聊，每个房间都有助手。",
  logIn: "登录",
  signUp: "注册",
  username: "用户名",
  password: "密码",
  displayName: "昵称（可选）",
  usernameHint: "3–32 个字符：a–z、0–9、_ . -",
  passwordHint: "至少 8 个字符",
  noAccount: "第一次来？",
  haveAccount: "已有账号？",
  createAccount: "创建账号",
  working: "请稍候…",
  logOut: "退出登录",
  logOutEverywhere: "所有设备",
  logOutEverywhereHint: "在所有设备上退出登录",
  sessionExpired: "登录已过期，请重新登录。",
  sessionRevoked: "你已退出登录（在本设备或其他设备上）。请重新登录。",
  rooms: "房间",
  directMessages: "私信",
  directMessage: "私信对话",
  browseRooms: "浏览房间",
  createRoom: "创建房间",
  newDirect: "发起私信",
  roomName: "房间名称",
  topic: "主题（可选）",
  privateRoom: "私密（仅限邀请）",
  create: "创建",
  cancel: "取消",
  close: "关闭",
  join: "加入",
  joined: "已加入",
  open: "打开",
  noPublicRooms: "暂无可加入的公开房间。",
  dmWith: "对方用户名",
  startDirect: "开始聊天",
  members: "成员",
  showMembers: "显示成员",
  online: "在线",
  offline: "离线",
  bot: "机器人",
  service: "服务",
  message: "消息",
  messagePlaceholder: "发送消息到 #{room}",
  messagePlaceholderDirect: "发送消息给 @{room}",
  send: "发送",
  sending: "发送中…",
  failed: "未发送",
  retry: "重试",
  discard: "丢弃",
  reconnecting: "正在重新连接…",
  connecting: "正在连接…",
  loadingOlder: "正在加载更早的消息…",
  beginning: "这是 #{room} 的开始。",
  beginningDirect: "这是你与 {room} 对话的开始。",
  noMessages: "还没有消息，打个招呼吧！",
  today: "今天",
  yesterday: "昨天",
  typingOne: "{a} 正在输入…",
  typingTwo: "{a} 和 {b} 正在输入…",
  typingMany: "多人正在输入…",
  newMessages: "新消息",
  jumpToLatest: "跳到最新",
  unread: "{n} 条未读",
  menu: "菜单",
  private: "私密",
  deleted: "此消息已删除。",
  deleteMessage: "删除消息",
  confirmDelete: "确认删除？",
  streaming: "正在输入…",
  mentionSuggestions: "可提及的成员",
  errorGeneric: "出错了：{msg}",
  errOffline: "无法连接服务器，请检查网络。",
  errRateLimited: "发送太快了，请稍后重试。",
  errTooLarge: "消息太长了。",
  errBadCredentials: "用户名或密码错误。",
  errTaken: "该用户名已被占用。",
  editMessage: "编辑消息",
  edited: "（已编辑）",
  editedAt: "编辑于 {time}",
  editHint: "Enter 保存，Esc 取消",
  save: "保存",
  skipToComposer: "跳到输入框",
};

export const locale: "en" | "zh-CN" = pickLocale(typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language]);

export function pickLocale(langs: readonly string[]): "en" | "zh-CN" {
  for (const l of langs) {
    const tag = l.toLowerCase();
    if (tag.startsWith("zh")) return /hant|tw|hk|mo/.test(tag) ? "en" : "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}

const dict: Dict = locale === "zh-CN" ? zh : en;

export function t(key: StringKey, vars?: Record<string, string | number>): string {
  let s = dict[key];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
}

export function formatDay(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const day = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const diff = Math.round((day(now) - day(d)) / 86_400_000);
  if (diff === 0) return t("today");
  if (diff === 1) return t("yesterday");
  return d.toLocaleDateString(locale, { weekday: "long", month: "long", day: "numeric", year: d.getFullYear() === now.getFullYear() ? undefined : "numeric" });
}
