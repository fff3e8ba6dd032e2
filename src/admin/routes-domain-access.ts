import {
  createAccessAssociation,
  listAccessAssociations,
  removeAccessAssociation,
} from "../control/domain-access.ts";
import { type RouteTable, route } from "./admin-router.ts";
import { jsonBody, page } from "./request-body.ts";

/** apigateway's domain name access associations (VPC endpoints allowed to a PRIVATE domain name). */
export const domainAccessRoutes: RouteTable = [
  route("CreateDomainNameAccessAssociation", "POST", "/domainnameaccessassociations", async (r, control) => ({
    status: 201,
    body: await createAccessAssociation(control, jsonBody(r)),
  })),
  route("GetDomainNameAccessAssociations", "GET", "/domainnameaccessassociations", async (r, control) => {
    // One account: none of other accounts' associations to show.
    const all =
      r.query.get("resourceOwner") === "OTHER_ACCOUNTS" ? [] : await listAccessAssociations(control);
    return { status: 200, body: page(r, all) };
  }),
  route(
    "DeleteDomainNameAccessAssociation",
    "DELETE",
    "/domainnameaccessassociations/{domainNameAccessAssociationArn}",
    async (r, control) => {
      await removeAccessAssociation(control, r.params.domainNameAccessAssociationArn);
      return { status: 202 };
    },
  ),
  route(
    "RejectDomainNameAccessAssociation",
    "POST",
    "/rejectdomainnameaccessassociations",
    async (r, control) => {
      await removeAccessAssociation(
        control,
        r.query.get("domainNameAccessAssociationArn") ?? undefined,
        r.query.get("domainNameArn") ?? "",
      );
      return { status: 202 };
    },
  ),
];
