/**
 * Serves the test SOAP services on their own, for trying docs/soap.md's examples by hand:
 *
 *   node_modules/node/bin/node test/soap/serve-fixtures.ts [port]     # default 9191
 */
import { startSoapServices } from "./soap-services.ts";

const services = await startSoapServices(Number(process.argv[2] ?? 9191));
for (const path of ["/calculator", "/calculator12", "/orders"])
  console.log(`${services.url}${path}   (WSDL: ${services.url}${path}?wsdl)`);
process.on("SIGINT", () => void services.close().then(() => process.exit(0)));
