/* Search result snippets are cut from the text of each result page. KaTeX keeps the TeX source
   of every formula in a MathML <annotation> (for screen readers), and Sphinx's htmlToText would
   show that source as raw TeX in the snippet; leave it out. (tests/test_site.py checks the
   snippets of a search for raw TeX.) */
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (html, anchor) =>
    htmlToText(html.replace(/<annotation\b[^>]*>[\s\S]*?<\/annotation>/g, ""), anchor);
});
