#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// Before the rest of Portico loads. V8's allocation-site pretenuring, trained by the long-lived
// objects that loading the modules creates, otherwise allocates the per-request objects of node:http
// and undici straight into the old generation: under proxy load every scavenge then promotes ~11 MB
// and takes 10–15 ms instead of ~1 ms (docs/benchmark.md).
setFlagsFromString("--no-allocation-site-pretenuring");
const { runCommand } = await import("./commands.ts");

process.exitCode = await runCommand(process.argv.slice(2), process.env);
