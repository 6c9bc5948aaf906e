// Starts the GOV.UK Frontend components on every page. Loaded as an external module so the
// Content Security Policy needs no inline script beyond the nonced body-class line.
import { initAll } from "../dist/govuk-frontend.min.js";
import { initConditionalReveals } from "./conditional_reveal.mjs";

initAll();
initConditionalReveals();
