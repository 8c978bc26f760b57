import { BASE_URL } from "./playwright.config";
import { waitForHealthy } from "./tests/support/server";

export default async function globalSetup() {
  // cargo-leptos may still be starting the server it built.
  await waitForHealthy(BASE_URL, 180_000);
}
