import type { HttpMethod } from "../model/rest-api.ts";

/** OpenAPI path-item keys that are operations, and the API Gateway method each becomes. */
export const OPERATION_METHODS: Readonly<Record<string, HttpMethod>> = {
  get: "GET",
  put: "PUT",
  post: "POST",
  delete: "DELETE",
  patch: "PATCH",
  options: "OPTIONS",
  head: "HEAD",
  "x-amazon-apigateway-any-method": "ANY",
};
