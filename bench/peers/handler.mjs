// The handler Portico's AWS_PROXY benchmark runs, served by serverless-offline from this service.
export { handler } from "../functions/hello.mjs";
