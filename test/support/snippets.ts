/**
 * Small pieces the traffic tests share: an OpenAPI MOCK integration answering `body`, and a poll for
 * what another node (or Redis) will make true shortly.
 */

/** A MOCK `x-amazon-apigateway-integration` under a method at 4 spaces' indentation, answering `body`. */
export const mockIntegration = (body: string) => `
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '${body}' } } }`;

/** Polls `check` until it holds or `ms` pass; the last answer is returned. */
export async function eventually(check: () => Promise<boolean>, ms = 1500): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}
