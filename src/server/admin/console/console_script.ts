/**
 * The operator console's script: its parts joined into one strict-mode function, served as
 * `/admin/console/app.js` (no build step, no dependency, no inline script).
 * @module
 */
import { CONSOLE_JS_BASE } from "./console_js_base.ts";
import { CONSOLE_JS_CHART } from "./console_js_chart.ts";
import { CONSOLE_JS_HISTORY } from "./console_js_history.ts";
import { CONSOLE_JS_MAIN } from "./console_js_main.ts";
import { CONSOLE_JS_ROOMS } from "./console_js_rooms.ts";

/** The parts in order; every part but the last only defines functions. */
export const CONSOLE_JS_PARTS: readonly string[] = [
  CONSOLE_JS_BASE,
  CONSOLE_JS_CHART,
  CONSOLE_JS_ROOMS,
  CONSOLE_JS_HISTORY,
  CONSOLE_JS_MAIN,
];

/** The whole script. */
export const CONSOLE_JS: string = [
  "// tlsync operator console (MIT). Data goes into the page as text only.",
  "(function () {",
  '"use strict";',
  ...CONSOLE_JS_PARTS,
  "})();",
  "",
].join("\n");
