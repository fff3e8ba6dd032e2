import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest } from "../control/errors.ts";
import { readPatchOperations } from "../control/patch-operations.ts";
import { type RouteTable, route } from "./admin-router.ts";
import { jsonBody } from "./request-body.ts";

interface Account {
  cloudwatchRoleArn?: string;
  throttleSettings: { burstLimit: number; rateLimit: number };
  features: string[];
  apiKeyVersion: string;
}

const defaults = (control: ControlPlane): Account => ({
  throttleSettings: control.accountThrottle(),
  features: [],
  apiKeyVersion: "4",
});

/** GetAccount / UpdateAccount: AWS's account-level throttle defaults (10,000 rps, 5,000 burst). */
export const accountRoutes: RouteTable = [
  route("GetAccount", "GET", "/account", async (_r, control) => ({
    status: 200,
    body: {
      ...((await control.getDocument<Account>("account", "account")) ?? defaults(control)),
      throttleSettings: control.accountThrottle(),
    },
  })),
  route("UpdateAccount", "PATCH", "/account", async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const next = await control.changeDocument<Account>("account", "account", (current) => {
      const account = current ?? defaults(control);
      for (const op of ops) {
        if (op.path !== "/cloudwatchRoleArn") throw badRequest(`Invalid patch path ${op.path}`);
        if (op.op === "remove" || !op.value) delete account.cloudwatchRoleArn;
        else if (!/^arn:aws:iam::\d{12}:role\/.+$/.test(op.value))
          throw badRequest("The role ARN is not well formed");
        else account.cloudwatchRoleArn = op.value;
      }
      return account;
    });
    return { status: 200, body: next };
  }),
];
