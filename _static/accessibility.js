// Accessibility fixes for markup the toolchain writes (jupyter-book adds every .js in _static/).
//
// docutils marks the bibliography as role="list" whose entries carry role="doc-biblioentry", a
// role DPUB-ARIA 1.1 deprecates and that a list may not contain, so assistive technology (and
// axe-core, rule aria-required-children) sees a list without items. Give the entries the role
// DPUB-ARIA 1.1 recommends instead: listitem.
document.addEventListener("DOMContentLoaded", () => {
  for (const entry of document.querySelectorAll('[role="list"] > [role="doc-biblioentry"]')) {
    entry.setAttribute("role", "listitem");
  }
});
