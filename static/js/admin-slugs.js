// Slugs that the admin fills in from a title follow the portal's one rule, the same as
// portal_slugify() in transfer_portal/lib/slugs.py: "Mobilität für Bürger" becomes
// "mobilitaet-fuer-buerger", where Django's URLify would make "mobilitat-fur-burger".
// prepopulate.js looks URLify up on every key press, so replacing it once the page is
// loaded is enough. tests/transfer_portal/test_slugs.py runs both on the same words.
"use strict";
{
  const german = { Ä: "Ae", Ö: "Oe", Ü: "Ue", ä: "ae", ö: "oe", ü: "ue", ß: "ss", ẞ: "SS" };

  const portalSlugify = (text, maxLength) => {
    let slug = String(text)
      .normalize("NFC")
      .replace(/[ÄÖÜäöüßẞ]/g, (letter) => german[letter])
      .normalize("NFKD")
      .replace(/[^\x00-\x7f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9_\s-]/g, "")
      .replace(/[-\s]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "");
    if (maxLength) {
      slug = slug.substring(0, maxLength).replace(/[-_]+$/, "");
    }
    return slug;
  };

  document.addEventListener("DOMContentLoaded", () => {
    const urlify = window.URLify;
    if (typeof urlify !== "function") {
      return;
    }
    // A SlugField(allow_unicode=True) keeps Django's own rule.
    window.URLify = (text, maxLength, allowUnicode) =>
      allowUnicode ? urlify(text, maxLength, allowUnicode) : portalSlugify(text, maxLength);
  });
}
