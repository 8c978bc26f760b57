import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `make screenshots`: every page at 1280 and 375 px into docs/screenshots/$SHOTS (default
// "after"), from the release build. Not part of `make test`: it asserts nothing but that the
// pages open, and its output is for people to look at.
export default defineConfig({ ...base, testDir: "./screenshots", timeout: 300_000 });
