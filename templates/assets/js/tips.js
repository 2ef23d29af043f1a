/*
 * Glossary tips on module pages (course/render/site/glossary_links.py).
 *
 * A term's definition shows while the pointer is over the term or the link
 * has keyboard focus (site.css); Escape hides it without moving focus or
 * the pointer (WCAG 1.4.13), until the learner leaves the term. A tip that
 * would cross the window's edge (a term near the end of a line, on a phone)
 * is shifted back inside it.
 */
(function () {
  "use strict";

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const term of document.querySelectorAll(".glossary-term:hover, .glossary-term:focus-within")) term.classList.add("is-dismissed");
  });
  const restore = (event) => {
    const term = event.target.closest && event.target.closest(".glossary-term");
    if (term) term.classList.remove("is-dismissed");
  };
  document.addEventListener("mouseout", restore);

  const MARGIN = 8;
  function place(event) {
    const term = event.target.closest && event.target.closest(".glossary-term");
    const tip = term && term.querySelector(".glossary-tip");
    if (!tip) return;
    tip.style.translate = "";
    const box = tip.getBoundingClientRect();
    if (!box.width) return;
    let shift = 0;
    if (box.left < MARGIN) shift = MARGIN - box.left;
    else if (box.right > window.innerWidth - MARGIN) shift = window.innerWidth - MARGIN - box.right;
    if (shift) tip.style.translate = shift + "px 0";
  }
  document.addEventListener("focusin", place);
  document.addEventListener("mouseover", (event) => {
    const term = event.target.closest && event.target.closest(".glossary-term");
    if (term && !term.contains(event.relatedTarget)) term.classList.remove("is-dismissed"); // a new hover
    place(event);
  });
  document.addEventListener("focusout", restore);
})();
