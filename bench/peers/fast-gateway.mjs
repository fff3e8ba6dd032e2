// fast-gateway 5 with its defaults (restana in, fast-proxy-lite's kept-alive node:http Agent out),
// relaying every path to the backend unchanged: the peer of Portico's HTTP_PROXY in `npm run bench`.
//   node bench/peers/fast-gateway.mjs http://127.0.0.1:PORT   # prints "listening PORT"
import gateway from "fast-gateway";

const target = process.argv[2];
if (target === undefined)
  throw new Error("bench/peers/fast-gateway.mjs: give the upstream origin as argument");
const server = await gateway({
  routes: [{ prefix: "/pets", prefixRewrite: "/pets", target }],
  enableServicesEndpoint: false,
}).start(0, "127.0.0.1");
server.keepAliveTimeout = 60_000;
process.stdout.write(`listening ${server.address().port}\n`);
