/**
 * `npm start`: the bundled demo. Starts the demo backend on 127.0.0.1:9090, then Portico with
 * examples/demo/portico.yaml, and prints what to try. Extra arguments go to `portico start`.
 */
import { join } from "node:path";
import { launch } from "../../src/cli/start-command.ts";
import { startDemoBackend } from "./backend.ts";
import { WS_API_ID } from "./websocket-api.ts";

const backendPort = Number(process.env.PORTICO_DEMO_BACKEND_PORT ?? 9090);
const backend = await startDemoBackend(backendPort).catch((err: Error) => {
  process.stderr.write(`demo backend: cannot listen on 127.0.0.1:${backendPort}: ${err.message}\n`);
  process.exit(1);
});

const args = ["--config", join(import.meta.dirname, "portico.yaml"), ...process.argv.slice(2)];
let running: Awaited<ReturnType<typeof launch>>;
try {
  running = await launch(args, process.env);
} catch (err) {
  process.stderr.write(`portico: ${(err as Error).message}\n`);
  backend.server.close();
  process.exit(1);
}
const port = running.portico.port;
const rest = `http://petstore01.execute-api.us-east-1.localhost:${port}`;
const http = `http://petshttp01.execute-api.us-east-1.localhost:${port}`;
const soap = `http://calcsoap01.execute-api.us-east-1.localhost:${port}`;
const json = `http://calcjson01.execute-api.us-east-1.localhost:${port}`;
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

  # SOAP calculator (WSDL: http://127.0.0.1:${backend.port}/calculator?wsdl), passed through (HTTP_PROXY)
  curl ${soap}/dev/calculator -H 'content-type: text/xml; charset=utf-8' -H 'SOAPAction: "urn:portico:calculator/Add"' -d '${envelope}'
  # ... and as JSON, the REST API imported from its WSDL (POST /CalculatorService/{Add,Subtract,Divide})
  curl ${json}/dev/CalculatorService/Add -H 'content-type: application/json' -d '{"a":2,"b":3}'
  curl -i ${json}/dev/CalculatorService/Divide -H 'content-type: application/json' -d '{"a":7,"b":0}'   # the SOAP fault as JSON, 400

  # WebSocket API "WsEcho", stage prod ($default route, a Lambda function answers each message)
  npm run demo:ws -- 'hi there'              # or any client: ws://${WS_API_ID}.execute-api.us-east-1.localhost:${port}/prod

  # the admin API (SigV4, credentials test/test)
  ./bin/portico.js routes --admin-url http://127.0.0.1:${running.portico.adminPort}

Stop with Ctrl-C.
`);
await running.untilStopped;
backend.server.close();
process.exit(0);
