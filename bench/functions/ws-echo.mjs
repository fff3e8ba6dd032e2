// The WebSocket benchmark's function: answers each message with the message itself.
export const handler = async (event) => ({ statusCode: 200, body: event.body });
