// The portal's only script of its own (strict CSP: no inline code). Progressive: the
// pages work without it.

// After a form was sent back with errors, focus their summary, so that a screen reader
// reads it and keyboard users start from there. Otherwise, after an action (registered,
// saved, sent), focus its message: a status box that is already there when the page loads
// is not announced by itself (WCAG 4.1.3).
document.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById("fehler") || document.getElementById("meldungen");
  if (target) {
    target.focus();
  }
});
