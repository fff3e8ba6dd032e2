/**
 * The request templates of the framework's `integration: lambda` (non-proxy) methods. The event they
 * build is the framework's documented one — body, method, principalId, stage, cognitoPoolClaims,
 * enhancedAuthContext, headers, query, path, identity, stageVariables, requestPath — written here
 * with Velocity's plain `#foreach`.
 */

const entries = (field: string, map: string): string =>
  `"${field}": {#foreach($key in ${map}.keySet())"$util.escapeJavaScript($key)": "$util.escapeJavaScript(${map}.get($key))"#if($foreach.hasNext),#end#end}`;

const EVENT_FIELDS = [
  `"method": "$context.httpMethod"`,
  `"principalId": "$context.authorizer.principalId"`,
  `"stage": "$context.stage"`,
  `"cognitoPoolClaims": {"sub": "$context.authorizer.claims.sub"}`,
  entries("enhancedAuthContext", "$context.authorizer"),
  entries("headers", "$input.params().header"),
  entries("query", "$input.params().querystring"),
  entries("path", "$input.params().path"),
  entries("identity", "$context.identity"),
  entries("stageVariables", "$stageVariables"),
  `"requestPath": "$context.resourcePath"`,
].join(",\n  ");

const JSON_BODY = `#set($body = $input.json('$'))`;

/** A form body becomes a JSON object of its fields, each URL-decoded. */
const FORM_BODY = [
  `#set($q = '"')`,
  `#set($body = "{")`,
  `#foreach($pair in $input.path('$').split('&'))`,
  `#set($kv = $pair.split('='))`,
  `#if($kv.size() >= 1 && $kv[0] != "")`,
  `#set($name = $util.escapeJavaScript($util.urlDecode($kv[0])))`,
  `#set($value = "")#if($kv.size() >= 2)#set($value = $util.escapeJavaScript($util.urlDecode($kv[1])))#end`,
  `#set($sep = "")#if($foreach.hasNext)#set($sep = ",")#end`,
  `#set($body = "$body$q$name$q: $q$value$q$sep")`,
  `#end`,
  `#end`,
  `#set($body = "$body}")`,
].join("\n");

const event = (bodyPrelude: string): string => `${bodyPrelude}\n{\n  "body": $body,\n  ${EVENT_FIELDS}\n}`;

export const LAMBDA_REQUEST_TEMPLATES: Readonly<Record<string, string>> = {
  "application/json": event(JSON_BODY),
  "application/x-www-form-urlencoded": event(FORM_BODY),
};

/**
 * The framework's integration responses for `integration: lambda` when `response.statusCodes` is not
 * given: 200 by default, and each error status chosen by `[status]` in the Lambda error message.
 */
export const DEFAULT_STATUS_CODES: Readonly<Record<string, { pattern: string }>> = {
  "200": { pattern: "" },
  ...Object.fromEntries(
    ["400", "401", "403", "404", "422", "502"].map((s) => [s, { pattern: `[\\s\\S]*\\[${s}\\][\\s\\S]*` }]),
  ),
  "500": { pattern: "[\\s\\S]*(Process\\s?exited\\s?before\\s?completing\\s?request|\\[500\\])[\\s\\S]*" },
  "504": { pattern: "([\\s\\S]*\\[504\\][\\s\\S]*)|(.*Task timed out after \\d+\\.\\d+ seconds$)" },
};
