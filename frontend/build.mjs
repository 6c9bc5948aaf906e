// Builds static/dist from the npm packages: the compiled stylesheet, the GOV.UK and MOJ
// Frontend scripts, and MOJ's images. Run with `npm run build` after `npm ci`.
//
// Nothing is fetched from a CDN. The GOV.UK fonts and crown images are left out on
// purpose: this is not a GOV.UK service, so it must not use GDS Transport or the crown.

import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
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

// MOJ ships a GOV.UK logotype image alongside its icons; it is the crown, so it stays out.
const excludedImages = new Set(["govuk-logotype-crown.png"]);

async function buildStylesheet() {
  // The load path is the project root so MOJ's Sass and ours reach govuk-frontend through
  // the same "node_modules/..." URL; mixing that with pkg: URLs loads it twice and fails.
  const result = sass.compile(join(root, "frontend", "scss", "application.scss"), {
    loadPaths: [root],
    style: "compressed",
    // Deprecation warnings inside the two design systems are theirs to fix, not ours.
    quietDeps: true,
  });
  await writeFile(join(dist, "application.css"), result.css);
}

async function copyScripts() {
  await Promise.all(scripts.map(([from, name]) => cp(join(from, name), join(dist, name))));
}

async function copyImages() {
  await cp(join(moj, "assets", "images"), join(dist, "images"), {
    recursive: true,
    filter: (source) => !excludedImages.has(source.split("/").pop()),
  });
}

const started = performance.now();
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await Promise.all([buildStylesheet(), copyScripts(), copyImages()]);
console.log(`static/dist built in ${Math.round(performance.now() - started)} ms`);
