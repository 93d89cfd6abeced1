/* The course bundle's downloads (the book PDF, the student edition) in the page's download
   menu; the entries come from <meta name="klce-downloads">, which only `make course` writes
   (code/_ext/course_downloads.py). */
document.addEventListener("DOMContentLoaded", () => {
  const meta = document.querySelector('meta[name="klce-downloads"]');
  const menu = document.querySelector(".dropdown-download-buttons ul.dropdown-menu");
  if (!meta || !menu) return;
  for (const { label, href } of JSON.parse(meta.content)) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = href;
    link.className = "btn btn-sm dropdown-item klce-download";
    link.innerHTML = '<span class="btn__icon-container"><i class="fas fa-file-pdf"></i></span>' +
      '<span class="btn__text-container"></span>';
    link.querySelector(".btn__text-container").textContent = label;
    item.append(link);
    menu.append(item);
  }
});
