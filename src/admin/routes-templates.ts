import { isAbsolute } from "node:path";
import { ConfigError } from "../config/config-error.ts";
import { badRequest } from "../control/errors.ts";
import type { TemplateRunner } from "../control/template-runner.ts";
import { type RouteTable, route } from "./admin-router.ts";
import { jsonBody, optionalString, stringMap } from "./request-body.ts";

/**
 * `portico import template.yaml`: the gateway reads a SAM or CloudFormation template, a cdk.out
 * folder or a serverless.yml from its own file system (the admin listener is loopback and SigV4 by
 * default) and runs it as at start — its functions in this process, its APIs deployed. Importing the
 * same path again replaces what it defined.
 */
export function templateRoutes(runner: TemplateRunner | undefined): RouteTable {
  return [
    route("ApplyTemplate", "POST", "/_portico/templates", async (r) => {
      if (runner === undefined) throw badRequest("This gateway does not run templates");
      const body = jsonBody(r);
      const template = optionalString(body, "template");
      if (template === undefined || !isAbsolute(template))
        throw badRequest("template must be the absolute path of a template file or cdk.out folder");
      const parameters = stringMap(body, "parameters");
      const stackName = optionalString(body, "stackName");
      const stage = optionalString(body, "stage");
      try {
        const applied = await runner.apply({
          template,
          declaredAt: template,
          ...(parameters === undefined ? {} : { parameters }),
          ...(stackName === undefined ? {} : { stackName }),
          ...(stage === undefined ? {} : { stage }),
        });
        return { status: 201, body: applied };
      } catch (err) {
        // A template that cannot run names its place; nothing of it was applied.
        if (err instanceof ConfigError) throw badRequest(err.message);
        throw err;
      }
    }),
  ];
}
