import type { WebSocket } from "ws";

interface FrameReceiver {
  _payloadLength: number;
  _opcode: number;
  haveLength(cb: (err?: Error) => void): void;
  createError(
    type: ErrorConstructor,
    message: string,
    prefix: boolean,
    statusCode: number,
    errorCode: string,
  ): Error;
}

/**
 * AWS closes a connection with 1009 when one data frame passes 32 KB, even though the message it
 * belongs to may be up to 128 KB in fragments. `ws` limits only the whole message (`maxPayload`), so
 * this connection's frame parser is given the frame check too. It relies on ws's internal receiver
 * (pinned through package-lock.json; the frame-limit test fails if a new version moves it) and leaves
 * the connection as `ws` made it when the receiver is not there.
 */
export function limitFrames(ws: WebSocket, maxFrameBytes: number): boolean {
  const receiver = (ws as unknown as { _receiver?: FrameReceiver })._receiver;
  if (receiver === undefined || typeof receiver.haveLength !== "function") return false;
  const haveLength = receiver.haveLength;
  receiver.haveLength = function (this: FrameReceiver, cb: (err?: Error) => void) {
    // Control frames (opcode ≥ 8) have their own 125-byte limit, which ws enforces.
    if (this._opcode < 0x08 && this._payloadLength > maxFrameBytes) {
      cb(
        this.createError(
          RangeError,
          "Max frame size exceeded",
          false,
          1009,
          "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH",
        ),
      );
      return;
    }
    haveLength.call(this, cb);
  };
  return true;
}
