// GOV.UK conditional reveals for radios, without aria-expanded.
//
// GOV.UK Frontend's Radios component (checked up to 6.6.0) sets aria-expanded on each radio
// that reveals content, and ARIA does not allow that attribute on a radio: axe reports it as
// aria-allowed-attr. A group rendered with data-module="app-conditional-reveal"
// (templates/includes/choices.html) is left to this script instead: each input's
// data-reveals names the content beneath it, which becomes its aria-controls, and the
// content is shown while the input is checked. Without script everything stays visible.

const HIDDEN = "govuk-radios__conditional--hidden";

function sync(inputs) {
  for (const input of inputs) {
    const target = document.getElementById(input.getAttribute("aria-controls"));
    target?.classList.toggle(HIDDEN, !input.checked);
  }
}

export function initConditionalReveals(scope = document) {
  for (const root of scope.querySelectorAll('[data-module="app-conditional-reveal"]')) {
    const inputs = [...root.querySelectorAll("input[data-reveals]")].filter((input) =>
      document.getElementById(input.dataset.reveals),
    );
    for (const input of inputs) {
      input.setAttribute("aria-controls", input.dataset.reveals);
    }
    // A change to any option of the group can hide another option's content.
    root.addEventListener("change", () => sync(inputs));
    // Back and forward navigation can restore checked states without a change event.
    window.addEventListener("pageshow", () => sync(inputs));
    sync(inputs);
  }
}
