// The portal's only script of its own (strict CSP: no inline code). Progressive: the
// pages work without it.

// After a form was sent back with errors, focus their summary, so that a screen reader
// reads it and keyboard users start from there.
document.addEventListener("DOMContentLoaded", () => {
  const errors = document.getElementById("fehler");
  if (errors) {
    errors.focus();
  }
});
