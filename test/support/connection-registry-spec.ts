import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import type {
  ConnectionInfo,
  ConnectionRegistry,
  LocalSocket,
  SendResult,
} from "../../src/websocket/registry.ts";
import { eventually } from "./snippets.ts";

/** A socket end that records what it was sent; once closed (by either side) it refuses to send. */
export class FakeSocket implements LocalSocket {
  readonly sent: (Buffer | string)[] = [];
  closed = false;
  closeCalls = 0;

  /** The client reads too slowly: sends are refused until this is cleared. */
  full = false;

  send(data: Buffer | string): SendResult {
    if (this.closed) return "gone";
    if (this.full) return "full";
    this.sent.push(data);
    return "sent";
  }

  close(): void {
    this.closed = true;
    this.closeCalls++;
  }
}

/** A fresh connection's info; ids are unique, so registries on one Redis never see each other's. */
export function connectionInfo(overrides: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    connectionId: `${randomUUID().slice(0, 12)}=`,
    apiId: "abc123defg",
    stage: "prod",
    connectedAt: Date.now() - 5000,
    sourceIp: "203.0.113.7",
    userAgent: "test-client/1.0",
    ...overrides,
  };
}

/** Bytes that are not UTF-8: a binary message must arrive as exactly these. */
export const BINARY = Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0x80, 0x7b, 0x0d, 0x0a]);

/** The ConnectionRegistry contract, run against every implementation (in-process, Redis). */
export function connectionRegistrySpec(
  name: string,
  open: () => Promise<ConnectionRegistry> | ConnectionRegistry,
): void {
  describe(`${name} connection registry: the ConnectionRegistry contract`, () => {
    const withRegistry = async (body: (registry: ConnectionRegistry) => Promise<void>) => {
      const registry = await open();
      try {
        await body(registry);
      } finally {
        await registry.close();
      }
    };

    test("an added connection reports its info and a LastActiveAt; an unknown id reports nothing", () =>
      withRegistry(async (registry) => {
        const info = connectionInfo();
        const before = Date.now();
        await registry.add(info, new FakeSocket());
        const state = await registry.get(info.connectionId);
        assert.ok(state !== undefined);
        const { lastActiveAt, ...rest } = state;
        assert.deepEqual(rest, info);
        assert.ok(lastActiveAt >= before, "LastActiveAt starts when the connection is added");
        assert.equal(await registry.get("unknown-id="), undefined);
        assert.equal(await registry.get(""), undefined);
      }));

    test("a post to a socket whose buffer is full answers full; the connection stays and takes posts once drained", () =>
      withRegistry(async (registry) => {
        const info = connectionInfo();
        const socket = new FakeSocket();
        await registry.add(info, socket);
        socket.full = true;
        assert.equal(await registry.post(info.connectionId, "dropped"), "full");
        assert.ok(
          (await registry.get(info.connectionId)) !== undefined,
          "a full buffer is not a gone connection",
        );
        socket.full = false;
        assert.equal(await registry.post(info.connectionId, "later"), "sent");
        assert.deepEqual(socket.sent, ["later"]);
      }));

    test("touch moves LastActiveAt forward; touching an unknown id does nothing", () =>
      withRegistry(async (registry) => {
        const info = connectionInfo();
        await registry.add(info, new FakeSocket());
        const first = (await registry.get(info.connectionId))!.lastActiveAt;
        const moved = await eventually(async () => {
          registry.touch(info.connectionId);
          return ((await registry.get(info.connectionId))?.lastActiveAt ?? 0) > first;
        });
        assert.ok(moved, "LastActiveAt moved after touch");
        registry.touch("unknown-id=");
        assert.equal(await registry.get("unknown-id="), undefined);
      }));

    test("post delivers text as text and binary as the same bytes, in order", () =>
      withRegistry(async (registry) => {
        const info = connectionInfo();
        const socket = new FakeSocket();
        await registry.add(info, socket);
        assert.equal(await registry.post(info.connectionId, "hello"), "sent");
        assert.equal(await registry.post(info.connectionId, BINARY), "sent");
        assert.equal(await registry.post(info.connectionId, "héllo\nwörld {}"), "sent");
        assert.equal(socket.sent.length, 3);
        assert.equal(socket.sent[0], "hello");
        assert.ok(Buffer.isBuffer(socket.sent[1]));
        assert.deepEqual(socket.sent[1], BINARY);
        assert.equal(socket.sent[2], "héllo\nwörld {}");
        assert.ok(await registry.get(info.connectionId), "a post does not end the connection");
      }));

    test("post, remove and get of an unknown id: gone", () =>
      withRegistry(async (registry) => {
        assert.equal(await registry.post("unknown-id=", "x"), "gone");
        assert.equal(await registry.remove("unknown-id="), false);
        assert.equal(await registry.get("unknown-id="), undefined);
      }));

    test("posting to a socket that has closed is gone, and so is the connection", () =>
      withRegistry(async (registry) => {
        const info = connectionInfo();
        const socket = new FakeSocket();
        await registry.add(info, socket);
        socket.closed = true;
        assert.equal(await registry.post(info.connectionId, "late"), "gone");
        assert.deepEqual(socket.sent, []);
        assert.equal(await registry.get(info.connectionId), undefined);
        assert.equal(await registry.post(info.connectionId, "later"), "gone");
      }));

    test("remove closes the socket; afterwards the connection is gone", () =>
      withRegistry(async (registry) => {
        const info = connectionInfo();
        const socket = new FakeSocket();
        await registry.add(info, socket);
        assert.equal(await registry.remove(info.connectionId), true);
        assert.equal(socket.closeCalls, 1);
        assert.equal(await registry.get(info.connectionId), undefined);
        assert.equal(await registry.post(info.connectionId, "x"), "gone");
        assert.equal(await registry.remove(info.connectionId), false);
        assert.equal(socket.closeCalls, 1, "a second delete closes nothing");
      }));

    test("forget: the connection is gone, and its socket left alone", () =>
      withRegistry(async (registry) => {
        const info = connectionInfo();
        const socket = new FakeSocket();
        await registry.add(info, socket);
        await registry.forget(info.connectionId);
        assert.equal(await registry.get(info.connectionId), undefined);
        assert.equal(await registry.post(info.connectionId, "x"), "gone");
        assert.equal(await registry.remove(info.connectionId), false);
        assert.equal(socket.closeCalls, 0);
        assert.deepEqual(socket.sent, []);
        await registry.forget(info.connectionId);
        await registry.forget("unknown-id=");
      }));

    test("a forgotten id added again is a live connection again", () =>
      withRegistry(async (registry) => {
        const info = connectionInfo();
        await registry.add(info, new FakeSocket());
        await registry.forget(info.connectionId);
        const socket = new FakeSocket();
        await registry.add(info, socket);
        assert.equal(await registry.post(info.connectionId, "again"), "sent");
        assert.deepEqual(socket.sent, ["again"]);
      }));

    test("many connections: each post reaches its own socket only", () =>
      withRegistry(async (registry) => {
        const conns = Array.from({ length: 300 }, () => ({
          info: connectionInfo(),
          socket: new FakeSocket(),
        }));
        await Promise.all(conns.map((c) => registry.add(c.info, c.socket)));
        const states = await Promise.all(conns.map((c) => registry.get(c.info.connectionId)));
        assert.deepEqual(
          states.map((s) => s?.connectionId),
          conns.map((c) => c.info.connectionId),
        );
        const results = await Promise.all(conns.map((c, i) => registry.post(c.info.connectionId, `m${i}`)));
        assert.ok(results.every((r) => r === "sent"));
        assert.deepEqual(
          conns.map((c) => c.socket.sent),
          conns.map((_c, i) => [`m${i}`]),
        );
        await Promise.all(
          conns.filter((_c, i) => i % 2 === 0).map((c) => registry.forget(c.info.connectionId)),
        );
        const after = await Promise.all(conns.map((c) => registry.get(c.info.connectionId)));
        assert.deepEqual(
          after.map((s) => s === undefined),
          conns.map((_c, i) => i % 2 === 0),
        );
      }));

    test("close forgets the connections held, without closing their sockets", async () => {
      const registry = await open();
      const info = connectionInfo();
      const socket = new FakeSocket();
      await registry.add(info, socket);
      await registry.close();
      assert.equal(await registry.get(info.connectionId), undefined);
      assert.equal(await registry.post(info.connectionId, "x"), "gone");
      assert.equal(await registry.remove(info.connectionId), false);
      assert.equal(socket.closeCalls, 0);
      await registry.close();
    });
  });
}
