/**
 * `npm start`: the bundled demo. Starts the demo backend on 127.0.0.1:9090 (PORTICO_DEMO_BACKEND_PORT;
 * 0 for any free port), then Portico with examples/demo/portico.yaml, and prints what to try. Extra
 * arguments go to `portico start`. The backend's address reaches the config as
 * PORTICO_DEMO_BACKEND (`${env:PORTICO_DEMO_BACKEND}` there): it is decided here, once.
 */
import { join } from "node:path";
import { launch } from "../../src/cli/start-command.ts";
import { startDemoBackend } from "./backend.ts";
import { WS_API_ID } from "./websocket-api.ts";

const backendPort = Number(process.env.PORTICO_DEMO_BACKEND_PORT ?? 9090);
if (!Number.isInteger(backendPort) || backendPort < 0 || backendPort > 65535) {
  process.stderr.write(
    `demo backend: PORTICO_DEMO_BACKEND_PORT must be a port number 0–65535 (got "${process.env.PORTICO_DEMO_BACKEND_PORT}")\n`,
  );
  process.exit(1);
}
const backend = await startDemoBackend(backendPort).catch((err: Error) => {
  process.stderr.write(`demo backend: cannot listen on 127.0.0.1:${backendPort}: ${err.message}\n`);
  process.exit(1);
});

const args = ["--config", join(import.meta.dirname, "portico.yaml"), ...process.argv.slice(2)];
const env = { ...process.env, PORTICO_DEMO_BACKEND: `127.0.0.1:${backend.port}` };
let running: Awaited<ReturnType<typeof launch>>;
try {
  running = await launch(args, env);
} catch (err) {
  process.stderr.write(`portico: ${(err as Error).message}\n`);
  backend.server.close();
  process.exit(1);
}
const { port, urls } = running.portico;
// Where the gateway serves each API: its actual port, or the public URL it was given.
const rest = urls.endpoint("petstore01", "REST");
const http = urls.endpoint("petshttp01", "HTTP");
const soap = urls.endpoint("calcsoap01", "REST");
const json = urls.endpoint("calcjson01", "REST");
const envelope =
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Add xmlns="urn:portico:calculator"><a>2</a><b>3</b></Add></soap:Body></soap:Envelope>';
process.stdout.write(`
Demo backend on http://127.0.0.1:${backend.port}. Try:

  # REST API "PetStore", stage dev (HTTP_PROXY to the backend, stage variable \${stageVariables.backend})
  curl ${rest}/dev/pets
  curl ${rest}/dev/pets/2
  curl -X POST ${rest}/dev/pets -H 'content-type: application/json' -d '{"type":"bird","price":9.5}'
  curl ${rest}/dev/ping                      # MOCK integration, answered by the gateway
  curl '${rest}/dev/hello?name=you'            # AWS_PROXY to the Lambda function in examples/demo/functions
  curl '${rest}/dev/echo/any/path?x=1'         # greedy {proxy+}, ANY method
  curl -i ${rest}/dev/nope                   # 403 Missing Authentication Token, as AWS
  curl http://localhost:${port}/restapis/petstore01/dev/_user_request_/pets   # path style

  # HTTP API "PetsHttp", $default stage (no stage prefix)
  curl ${http}/pets/1
  curl ${http}/hello                         # the same function, payload format 2.0
  curl -i ${http}/nope                       # 404 Not Found, as AWS

  # the same APIs behind the custom domain name api.demo.localhost (docs/domains.md): /v1 → PetStore dev, /v2 → PetsHttp
  curl http://api.demo.localhost:${port}/v1/pets
  curl http://api.demo.localhost:${port}/v2/pets/1
  curl -H 'Host: api.demo.localhost' http://127.0.0.1:${port}/v1/pets/2     # any client: the Host header names the domain

  # SOAP calculator (WSDL: http://127.0.0.1:${backend.port}/calculator?wsdl), passed through (HTTP_PROXY)
  curl ${soap}/dev/calculator -H 'content-type: text/xml; charset=utf-8' -H 'SOAPAction: "urn:portico:calculator/Add"' -d '${envelope}'
  # ... and as JSON, the REST API imported from its WSDL (POST /CalculatorService/{Add,Subtract,Divide})
  curl ${json}/dev/CalculatorService/Add -H 'content-type: application/json' -d '{"a":2,"b":3}'
  curl -i ${json}/dev/CalculatorService/Divide -H 'content-type: application/json' -d '{"a":7,"b":0}'   # the SOAP fault as JSON, 400

  # WebSocket API "WsEcho", stage prod ($default route, a Lambda function answers each message)
  ${port === 8080 ? "" : `PORTICO_PORT=${port} `}npm run demo:ws -- 'hi there'              # or any client: ${urls.stage(WS_API_ID, "WEBSOCKET", "prod")}

  # the admin API (SigV4, credentials test/test)
  ./bin/portico.js routes --admin-url http://127.0.0.1:${running.portico.adminPort}

Stop with Ctrl-C.
`);
await running.untilStopped;
backend.server.close();
process.exit(0);
