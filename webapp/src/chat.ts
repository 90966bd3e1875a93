// The chat client the components talk to: the store, the session's
// effects (client/live.ts) while signed in, and the reactions that turn
// actions into further effects (client/reactions.ts). Every state change
// goes through the reducers in state/.
import { api, type Session } from "./api";
import { ParleyError } from "./errors";
import { showUnreadInTitle } from "./client/lifecycle";
import { Live } from "./client/live";
import { Notifier } from "./client/notifier";
import { reactionsTo, type Reaction } from "./client/reactions";
import { router } from "./client/routing";
import type { AppStore } from "./client/scope";
import { clearSession, saveSession } from "./session";
import type { Action } from "./state/actions";
import { initialState, type AppState } from "./state/model";
import { reduce } from "./state/reducer";
import { createStore } from "./store";
import type { NotifyLevel, Quote, Room, SearchPage } from "./types";

export class ChatClient {
  readonly store: AppStore;
  private live: Live | null = null;

  constructor(session: Session | null) {
    this.store = createStore(reduce, initialState(session));
    this.store.observe((a, before, after) => {
      for (const r of reactionsTo(a, before, after)) this.react(r);
    });
    showUnreadInTitle(this.store);
    new Notifier(this.store, (room) => this.openRoom(room));
  }

  get state(): AppState {
    return this.store.get();
  }

  /** For the UI's own flags (dialogs, drawers), which have no effects. */
  dispatch(a: Action): void {
    this.store.dispatch(a);
  }

  async signIn(mode: "login" | "register", username: string, password: string, displayName?: string): Promise<void> {
    const session = mode === "login" ? await api.login(username, password) : await api.register(username, password, displayName);
    saveSession(session);
    this.store.dispatch({ type: "session/started", session });
    this.start();
  }

  /** Revokes the token on the server (every token of the account with
   * everywhere), then signs out here whatever the server answered. */
  async signOut(everywhere = false): Promise<void> {
    const token = this.state.chat.session?.token;
    this.logout();
    if (!token) return;
    try {
      await (everywhere ? api.logoutEverywhere(token) : api.logout(token));
    } catch {
      /* offline or already revoked: the token is forgotten here anyway */
    }
  }

  /** Changes the password; the server revokes every other session of the
   * account and this one carries on. */
  async changePassword(current: string, password: string): Promise<void> {
    const token = this.state.chat.session?.token;
    if (!token) throw new ParleyError("UNAUTHORIZED", "not signed in");
    await api.changePassword(token, current, password);
  }

  logout(): void {
    this.live?.stop();
    this.live = null;
    clearSession();
    // After session/rejected the state is signed out already, with the
    // server's reason for the sign-in page to show: keep it.
    if (this.state.chat.session) this.store.dispatch({ type: "session/ended" });
    router.clear();
  }

  start(): void {
    if (this.state.chat.session && !this.live) this.live = new Live(this.store);
  }

  private react(r: Reaction): void {
    if (r.kind === "signOut") this.logout();
    else if (r.kind === "resync") void this.live?.sync.resync();
    else this.live?.reads.mark(r.room);
  }

  openRoom = (id: string) => this.live?.openRoom(id);
  loadOlder = (id: string) => this.live?.sync.loadOlder(id);
  markRead = (id: string) => this.live?.reads.mark(id);
  retry = (room: string, clientMsgId: string) => this.live?.outbox.retry(room, clientMsgId);
  discard = (room: string, clientMsgId: string) => this.live?.outbox.discard(room, clientMsgId);
  setTyping = (room: string, typing: boolean) => this.live?.typing.set(room, typing);

  /** replyTo: the message this one answers; withUploads: the room's
   * finished uploads go with it (the room's composer, not a thread's). */
  send(room: string, text: string, replyTo?: Quote, withUploads = false): void {
    if (!this.live) return;
    const files = withUploads ? this.live.uploads.take(room) : [];
    this.live.outbox.send(room, text, replyTo, files);
    this.setTyping(room, false);
  }

  joinRoom = async (room: Room) => this.signedIn().joinRoom(room.id);
  createRoom = async (name: string, topic: string, isPrivate: boolean) => this.signedIn().createRoom(name, topic, isPrivate);
  openDirect = async (username: string) => this.signedIn().openDirect(username);
  publicRooms = async () => this.signedIn().publicRooms();
  /** My notification level for the room, kept on the server for my other clients. */
  setNotify = async (room: string, level: NotifyLevel) => this.signedIn().setNotify(room, level);
  /** Owners and admins; the room hears room:updated. */
  updateRoom = async (room: string, fields: { name?: string; topic?: string }) => this.signedIn().updateRoom(room, fields);
  /** The owner only. */
  setRole = async (room: string, username: string, role: "admin" | "member") => this.signedIn().wire.setRole(room, username, role);
  invite = async (room: string, username: string) => this.signedIn().wire.invite(room, username);
  kick = async (room: string, username: string) => this.signedIn().wire.kick(room, username);
  leaveRoom = async (room: string) => this.signedIn().leaveRoom(room);
  searchPeople = async (q: string, limit = 8) => this.signedIn().searchPeople(q, limit);
  /** Mine, or any as a room owner/admin; every member sees a tombstone. */
  deleteMessage = async (room: string, id: string) => this.signedIn().deleteMessage(room, id);
  /** Mine only; the same text rules as a send. */
  editMessage = async (room: string, id: string, text: string) => this.signedIn().editMessage(room, id, text);
  /** emoji: one emoji or a :shortcode:; add false takes mine back. */
  toggleReaction = async (room: string, id: string, emoji: string, add: boolean) => this.signedIn().react(room, id, emoji, add);

  openThread = (room: string, id: string) => void this.live?.openThread(room, id);
  closeThread = () => this.store.dispatch({ type: "thread/closed" });
  moreReplies = () => void this.live?.moreReplies();
  /** Scrolls the room to one of its messages, loading older history as needed. */
  reveal = async (room: string, id: string, seq: number) => (await this.live?.reveal(room, id, seq)) ?? false;

  /** Uploads files into the room's composer, to go with its next send. */
  upload = (room: string, files: readonly File[]) => this.live?.uploads.add(room, files);
  /** Cancels a running upload, or takes a finished or failed one off. */
  removeUpload = (id: string) => this.live?.uploads.remove(id);
  /** before: the id of the last result already shown. */
  search = async (q: string, opts: { room?: string; before?: string; limit?: number } = {}): Promise<SearchPage> => this.signedIn().search(q, opts);
  /** Fetches a message again, its file links signed anew; null when gone. */
  refetch = async (room: string, seq: number) => (await this.live?.sync.refetch(room, seq)) ?? null;
  /** Opens the room at one of its messages (a search result), highlighted. */
  jumpTo = async (room: string, id: string, seq: number) => (await this.live?.jumpTo(room, id, seq)) ?? false;

  private signedIn(): Live {
    if (!this.live) throw new ParleyError("UNAUTHORIZED", "not signed in");
    return this.live;
  }
}
