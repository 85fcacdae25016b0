#!/usr/bin/env node
// Launcher for the GitHub simulator CLI: registers tsx so the TypeScript sources run directly.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
