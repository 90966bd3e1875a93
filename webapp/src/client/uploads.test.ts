import { describe, expect, it } from "vitest";
import { ParleyError } from "../errors";
import { reduce } from "../state/reducer";
import { room, roomState, signedIn } from "../state/testing";
import { createStore } from "../store";
import type { Attachment } from "../types";
import { openScope } from "./scope";
import { Uploads, nameOf, type UploadFn } from "./uploads";

function setup() {
  const store = createStore(reduce, signedIn([roomState(room("lobby"), { loaded: true })]));
  const calls: Array<{ name: string; progress: (n: number) => void; resolve: (f: Attachment) => void; reject: (e: unknown) => void; aborted: boolean }> = [];
  const upload: UploadFn = (_token, _room, _file, name, progress) => {
    let resolve!: (f: Attachment) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<Attachment>((a, b) => ((resolve = a), (reject = b)));
    const call = { name, progress, resolve, reject, aborted: false };
    calls.push(call);
    return { done, abort: () => ((call.aborted = true), reject(new ParleyError("ABORTED", "cancelled"))) };
  };
  const forgotten: string[] = [];
  const uploads = new Uploads(openScope(store), upload, (f) => (f.type.startsWith("image/") ? `blob:${f.name}` : undefined), (u) => forgotten.push(u));
  const list = () => store.get().ui.uploads ?? [];
  return { store, calls, uploads, list, forgotten };
}

const stored = (id: string, name: string): Attachment => ({ id, room: "lobby", name, size: 3, contentType: "image/png", url: `/files/${id}` });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("Uploads", () => {
  it("shows progress, then hands the finished files to one send", async () => {
    const { calls, uploads, list, forgotten } = setup();
    uploads.add("lobby", [new File(["abc"], "a.png", { type: "image/png" }), new File(["xyz"], "notes.txt", { type: "text/plain" })]);
    expect(list().map((u) => [u.name, u.status, u.preview])).toEqual([
      ["a.png", "uploading", "blob:a.png"],
      ["notes.txt", "uploading", undefined],
    ]);
    calls[0].progress(2);
    expect(list()[0].loaded).toBe(2);
    calls[0].resolve(stored("f1", "a.png"));
    await tick();
    expect(uploads.take("lobby").map((f) => f.id)).toEqual(["f1"]);
    expect(list().map((u) => u.name)).toEqual(["notes.txt"]);
    expect(forgotten).toEqual(["blob:a.png"]);
  });

  it("shows a refusal on its chip, and removing a running upload aborts it", async () => {
    const { calls, uploads, list } = setup();
    uploads.add("lobby", [new File(["a"], "big.bin"), new File(["b"], "slow.bin")]);
    calls[0].reject(new ParleyError("TOO_LARGE", "over 1 KiB"));
    await tick();
    expect(list()[0]).toMatchObject({ name: "big.bin", status: "failed", error: { code: "TOO_LARGE", message: "over 1 KiB" } });
    uploads.remove(list()[1].id);
    await tick();
    expect(calls[1].aborted).toBe(true);
    expect(list().map((u) => u.name)).toEqual(["big.bin"]);
    expect(uploads.take("lobby")).toEqual([]);
  });
});

describe("nameOf", () => {
  it("keeps real names and names pasted screenshots by the time", () => {
    const now = new Date("2026-12-03T07:50:01Z");
    expect(nameOf(new File([""], "report.pdf"), now)).toBe("report.pdf");
    expect(nameOf(new File([""], "image.png", { type: "image/png" }), now)).toBe("pasted-20261203-075001.png");
  });
});
