// Slugs that the admin fills in from a title, transliterated the German way: "Mobilität für
// Bürger" becomes "mobilitaet-fuer-buerger" like the portal's own addresses, where Django's
// URLify would make "mobilitat-fur-burger". prepopulate.js looks URLify up on every key
// press, so wrapping it once the page is loaded is enough.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const urlify = window.URLify;
  if (typeof urlify !== "function") {
    return;
  }
  const german = { Ä: "Ae", Ö: "Oe", Ü: "Ue", ä: "ae", ö: "oe", ü: "ue" };
  const transliterate = (text) => text.replace(/[ÄÖÜäöü]/g, (letter) => german[letter]);
  window.URLify = (text, ...rest) => urlify(transliterate(text), ...rest);
});
