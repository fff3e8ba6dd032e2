import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest, ControlError, notFound } from "../control/errors.ts";
import type { BasePathMapping, DomainName } from "../model/account.ts";
import { mustChange } from "./account-documents.ts";
import { type RouteTable, route } from "./admin-router.ts";
import { jsonBody, page } from "./request-body.ts";

const seconds = (ms: number) => Math.floor(ms / 1000);

function domainWire(d: DomainName): Record<string, unknown> {
  const { basePathMappings: _m, ...rest } = d;
  return { ...rest, createdDate: seconds(d.createdDate) };
}

async function domain(control: ControlPlane, name: string): Promise<DomainName> {
  const d = await control.getDocument<DomainName>("domainnames", name);
  if (d === undefined) throw notFound("Invalid domain name identifier specified");
  return d;
}

/** Custom domain names and their base path mappings. */
export const domainNameRoutes: RouteTable = [
  route("CreateDomainName", "POST", "/domainnames", async (r, control) => {
    const body = jsonBody(r);
    const name = body.domainName;
    if (
      typeof name !== "string" ||
      !/^[A-Za-z0-9*]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(name)
    ) {
      throw badRequest("Invalid domain name specified");
    }
    const types = ((body.endpointConfiguration as { types?: string[] } | undefined)?.types ?? ["EDGE"]).map(
      String,
    );
    const created: DomainName = {
      domainName: name,
      endpointConfiguration: { types },
      securityPolicy: typeof body.securityPolicy === "string" ? body.securityPolicy : "TLS_1_2",
      domainNameStatus: "AVAILABLE",
      createdDate: Date.now(),
      basePathMappings: {},
      ...(types.includes("REGIONAL")
        ? {
            regionalDomainName: `d-${name.length.toString(36)}abcdef.execute-api.${control.region}.amazonaws.com`,
          }
        : { distributionDomainName: `d${name.length.toString(36)}abcdef.cloudfront.net` }),
    };
    if (typeof body.certificateArn === "string") created.certificateArn = body.certificateArn;
    if (typeof body.regionalCertificateArn === "string")
      created.regionalCertificateArn = body.regionalCertificateArn;
    const mtls = body.mutualTlsAuthentication as
      | { truststoreUri?: unknown; truststoreVersion?: unknown }
      | undefined;
    if (typeof mtls?.truststoreUri === "string")
      created.mutualTlsAuthentication = {
        truststoreUri: mtls.truststoreUri,
        ...(typeof mtls.truststoreVersion === "string" ? { truststoreVersion: mtls.truststoreVersion } : {}),
      };
    await control.changeDocument<DomainName>("domainnames", name, (current) => {
      if (current !== undefined)
        throw new ControlError("ConflictException", "The domain name you provided already exists.");
      return created;
    });
    return { status: 201, body: domainWire(created) };
  }),
  route("GetDomainNames", "GET", "/domainnames", async (r, control) => ({
    status: 200,
    body: page(r, (await control.listDocuments<DomainName>("domainnames")).map(domainWire)),
  })),
  route("GetDomainName", "GET", "/domainnames/{domainName}", async (r, control) => ({
    status: 200,
    body: domainWire(await domain(control, r.params.domainName!)),
  })),
  route("DeleteDomainName", "DELETE", "/domainnames/{domainName}", async (r, control) => {
    await domain(control, r.params.domainName!);
    await control.changeDocument<DomainName>("domainnames", r.params.domainName!, () => undefined);
    return { status: 202 };
  }),
  route("CreateBasePathMapping", "POST", "/domainnames/{domainName}/basepathmappings", async (r, control) => {
    const body = jsonBody(r);
    const basePath = typeof body.basePath === "string" && body.basePath !== "" ? body.basePath : "(none)";
    if (basePath !== "(none)" && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(basePath))
      throw badRequest("Invalid base path specified");
    if (typeof body.restApiId !== "string" || (await control.getRestApi(body.restApiId)) === undefined) {
      throw badRequest("Invalid REST API identifier specified");
    }
    const mapping: BasePathMapping = { basePath, restApiId: body.restApiId };
    if (typeof body.stage === "string") {
      if ((await control.getRestStage(body.restApiId, body.stage)) === undefined)
        throw badRequest("Invalid stage identifier specified");
      mapping.stage = body.stage;
    }
    await mustChange<DomainName>(
      control,
      "domainnames",
      r.params.domainName!,
      "Invalid domain name identifier specified",
      (d) => {
        if (d.basePathMappings[basePath])
          throw new ControlError("ConflictException", "Base path already exists for this domain name");
        d.basePathMappings[basePath] = mapping;
      },
    );
    return { status: 201, body: mapping };
  }),
  route("GetBasePathMappings", "GET", "/domainnames/{domainName}/basepathmappings", async (r, control) => ({
    status: 200,
    body: page(r, Object.values((await domain(control, r.params.domainName!)).basePathMappings)),
  })),
  route(
    "GetBasePathMapping",
    "GET",
    "/domainnames/{domainName}/basepathmappings/{basePath}",
    async (r, control) => {
      const m = (await domain(control, r.params.domainName!)).basePathMappings[r.params.basePath!];
      if (m === undefined) throw notFound("Invalid base path mapping identifier specified");
      return { status: 200, body: m };
    },
  ),
  route(
    "DeleteBasePathMapping",
    "DELETE",
    "/domainnames/{domainName}/basepathmappings/{basePath}",
    async (r, control) => {
      await mustChange<DomainName>(
        control,
        "domainnames",
        r.params.domainName!,
        "Invalid domain name identifier specified",
        (d) => {
          if (d.basePathMappings[r.params.basePath!] === undefined)
            throw notFound("Invalid base path mapping identifier specified");
          delete d.basePathMappings[r.params.basePath!];
        },
      );
      return { status: 202 };
    },
  ),
];
