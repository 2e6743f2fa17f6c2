/**
 * Bookmark previews: {@linkcode unfurl} fetches a page and reads its title, description, image
 * and favicon, refusing private and loopback targets, with byte, redirect and time caps;
 * {@linkcode unfurlRoute} serves it at `GET /unfurl?url=...` for the tldraw front end.
 *
 * @example Serve `/unfurl`, also refusing names that resolve to private addresses
 * ```ts ignore
 * import { createSyncHandler } from "@tlsync/edge";
 * import { systemResolveHost, unfurlRoute } from "@tlsync/edge/unfurl";
 *
 * const sync = createSyncHandler({ routes: [unfurlRoute({ resolveHost: systemResolveHost })] });
 * Deno.serve({ hostname: "127.0.0.1", port: 8787 }, sync.fetch);
 * ```
 *
 * @example Unfurl one page directly
 * ```ts ignore
 * import { unfurl } from "@tlsync/edge/unfurl";
 *
 * const result = await unfurl("https://tldraw.dev");
 * if (result.ok) console.log(result.metadata.title);
 * ```
 * @module
 */
export { unfurl, type UnfurlFetch, type UnfurlOptions, type UnfurlResult } from "./unfurl.ts";
export type { UnfurlMetadata } from "./parse_metadata.ts";
export type { ResolveHost, TargetGuardOptions } from "./target_guard.ts";
export { unfurlRoute, type UnfurlRouteOptions } from "../server/routes/unfurl_route.ts";
export type { AddressRateLimit, ClientAddress } from "../server/routes/address_limiter.ts";
export { systemResolveHost } from "../runtime/resolve_host.ts";
