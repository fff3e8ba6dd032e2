import { LocalConnectionRegistry } from "../../src/websocket/local-registry.ts";
import { connectionRegistrySpec } from "../support/connection-registry-spec.ts";

connectionRegistrySpec("in-process", () => new LocalConnectionRegistry());
