import { describe, expect, it } from "vitest";
import type { Upload } from "./model";
import { reduceUploads, roomUploads } from "./uploads";
import type { Attachment } from "../types";

const up = (id: string, room = "r1"): Upload => ({ id, room, name: `${id}.png`, size: 100, loaded: 0, status: "uploading" });
const file: Attachment = { id: "f1", room: "r1", name: "a.png", size: 100, contentType: "image/png", url: "/files/f1?sig=x" };

describe("reduceUploads", () => {
  it("tracks an upload from start to done", () => {
    let s = reduceUploads([], { type: "upload/started", upload: up("a") });
    s = reduceUploads(s, { type: "upload/progress", id: "a", loaded: 40 });
    expect(s[0].loaded).toBe(40);
    s = reduceUploads(s, { type: "upload/finished", id: "a", file });
    expect(s).toEqual([{ ...up("a"), status: "done", loaded: 100, file }]);
  });

  it("keeps a failure's error and ignores late progress", () => {
    let s = reduceUploads([up("a")], { type: "upload/failed", id: "a", error: { code: "TOO_LARGE", message: "over" } });
    const after = reduceUploads(s, { type: "upload/progress", id: "a", loaded: 90 });
    expect(after).toBe(s);
    expect(s[0]).toEqual({ ...up("a"), status: "failed", error: { code: "TOO_LARGE", message: "over" } });
  });

  it("a send takes only the named uploads of its room", () => {
    const s = [up("a"), up("b"), up("c", "r2")];
    expect(reduceUploads(s, { type: "upload/sent", room: "r1", ids: ["a", "c"] }).map((u) => u.id)).toEqual(["b", "c"]);
  });

  it("unknown ids change nothing", () => {
    const s = [up("a")];
    expect(reduceUploads(s, { type: "upload/removed", id: "zz" })).toBe(s);
    expect(reduceUploads(s, { type: "upload/finished", id: "zz", file })).toBe(s);
  });
});

describe("roomUploads", () => {
  it("is busy while any of the room's uploads runs, ready with the finished ones", () => {
    const list: Upload[] = [{ ...up("a"), status: "done", file }, up("b"), { ...up("c", "r2"), status: "done" }];
    const r = roomUploads(list, "r1");
    expect(r.ready.map((u) => u.id)).toEqual(["a"]);
    expect(r.busy).toBe(true);
    expect(roomUploads(list, "r2").busy).toBe(false);
  });
});
