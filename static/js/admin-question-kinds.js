// Survey questions in the admin: show only the settings that apply to the chosen kind
// (a scale has no maximum number of selections, a free-text question no scale labels).
// Settings with an error always stay visible, and with no kind chosen yet all are shown.
"use strict";
(() => {
  const CHOICE = ["einfach", "mehrfach"];
  const APPLIES = {
    max_choices: ["mehrfach"],
    allow_other: CHOICE,
    scale_min_label: ["skala"],
    scale_max_label: ["skala"],
    max_length: ["freitext", ...CHOICE], // free text and the "Other" answers
    min_value: ["zahl"],
    max_value: ["zahl"],
  };

  const isKindSelect = (element) =>
    element instanceof HTMLSelectElement && /(^|-)kind$/.test(element.name);

  // Admin rows and field boxes are flex containers: the hidden attribute would not hide them.
  const show = (element, visible) => {
    element.style.display = visible ? "" : "none";
  };
  const isShown = (element) => element.style.display !== "none";

  function update(kindSelect) {
    const container = kindSelect.closest(".inline-related") || kindSelect.form;
    const kind = kindSelect.value;
    for (const [name, kinds] of Object.entries(APPLIES)) {
      const applies = kind === "" || kinds.includes(kind);
      for (const element of container.querySelectorAll(`.field-${name}`)) {
        const box = element.classList.contains("fieldBox");
        if (box || !element.querySelector(".fieldBox")) {
          show(element, applies || Boolean(element.querySelector(".errorlist")));
        }
      }
    }
    for (const row of container.querySelectorAll(".form-row")) {
      const boxes = [...row.querySelectorAll(".fieldBox")];
      if (boxes.length) {
        show(row, boxes.some(isShown) || Boolean(row.querySelector(":scope > .errorlist")));
      }
    }
  }

  document.addEventListener("change", (event) => {
    if (isKindSelect(event.target)) {
      update(event.target);
    }
  });
  document.addEventListener("formset:added", (event) => {
    event.target.querySelectorAll("select").forEach((s) => isKindSelect(s) && update(s));
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select").forEach((s) => {
      if (isKindSelect(s) && !s.closest(".empty-form")) {
        update(s);
      }
    });
  });
})();
