const PETS = [
  { id: "1", name: "Rex", type: "dog" },
  { id: "2", name: "Tom", type: "cat" },
];

/** GET /pets and GET /pets/{id}: a Lambda proxy handler, as `sam init` writes them. */
export async function handler(event) {
  const greeting = process.env.GREETING ?? "Hello";
  const id = event.pathParameters?.id;
  if (id === undefined)
    return json(200, { greeting, user: event.requestContext.authorizer?.principalId, pets: PETS });
  const pet = PETS.find((p) => p.id === id);
  return pet === undefined ? json(404, { message: `no pet ${id}` }) : json(200, pet);
}

/** GET /health: no authorizer, no API key. */
export async function health(event) {
  return json(200, { ok: true, stage: event.requestContext.stage, owner: event.stageVariables?.owner });
}

const json = (statusCode, body) => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
