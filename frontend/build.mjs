// Builds static/dist from the npm packages: the compiled stylesheet, the GOV.UK and MOJ
// Frontend scripts, and MOJ's component icons. Run with `npm run build` after `npm ci`.
//
// Nothing is fetched from a CDN. The GOV.UK fonts and the crown and MOJ logotypes are left
// out on purpose: this is not a GOV.UK service, so it must not use GDS Transport or the crown.

import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "static", "dist");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const moj = join(root, "node_modules", "@ministryofjustice", "frontend", "moj");

// Each script is copied with its source map: Django's manifest storage follows the
// sourceMappingURL comment at collectstatic time and fails if the map is missing.
const scripts = [
  [govuk, "govuk-frontend.min.js"],
  [govuk, "govuk-frontend.min.js.map"],
  [moj, "moj-frontend.min.js"],
  [moj, "moj-frontend.min.js.map"],
];

// MOJ Frontend 11 still calls a few GOV.UK mixins that v6 deprecates; those warnings are
// MOJ's to fix. Any warning raised outside MOJ's Sass (ours, or GOV.UK's) is shown.
const logger = {
  warn(message, { stack = "" }) {
    if (!stack.includes("node_modules/@ministryofjustice/")) {
      console.warn(`Sass warning: ${message}\n${stack}`);
    }
  },
};

async function buildStylesheet() {
  // The load path is the project root so MOJ's Sass and ours reach govuk-frontend through
  // the same "node_modules/..." URL; mixing that with pkg: URLs loads it twice and fails.
  const result = sass.compile(join(root, "frontend", "scss", "application.scss"), {
    loadPaths: [root],
    style: "compressed",
    quietDeps: true,
    logger,
  });
  await writeFile(join(dist, "application.css"), result.css);
}

async function copyScripts() {
  await Promise.all(scripts.map(([from, name]) => cp(join(from, name), join(dist, name))));
}

async function copyImages() {
  const mojImages = join(moj, "assets", "images");
  await cp(mojImages, join(dist, "images"), {
    recursive: true,
    filter: (source) => source === mojImages || basename(source).startsWith("icon-"),
  });
  // GOV.UK's footer CSS points at the crest for its crown-copyright logo. The templates never
  // render that logo, but Django's manifest storage fails collectstatic on a missing url().
  const crest = "govuk-crest.svg";
  await cp(join(govuk, "assets", "images", crest), join(dist, "images", crest));
}

const started = performance.now();
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await Promise.all([buildStylesheet(), copyScripts(), copyImages()]);
console.log(`static/dist built in ${Math.round(performance.now() - started)} ms`);
