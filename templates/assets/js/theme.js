/*
 * Light or dark colours (templates/site/base.html; the colours are site.css's).
 *
 * Loaded in <head>, so the chosen scheme applies before the first paint:
 * with no choice the page follows the system (prefers-color-scheme); the
 * header's toggle button ([data-action="theme"], aria-pressed = dark colours
 * on) sets html[data-theme="light" | "dark"] and remembers the choice in
 * localStorage["course-colour-scheme"] for every course page of this browser.
 */
(function () {
  "use strict";

  const KEY = "course-colour-scheme";
  const root = document.documentElement;

  function remembered() {
    try {
      const value = window.localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : null;
    } catch (error) {
      return null;
    }
  }

  function systemDark() {
    return Boolean(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }

  function isDark() {
    const chosen = root.dataset.theme;
    return chosen ? chosen === "dark" : systemDark();
  }

  const chosen = remembered();
  if (chosen) root.dataset.theme = chosen;

  function wire() {
    const button = document.querySelector('[data-action="theme"]');
    if (!button) return;
    button.hidden = false;
    const show = () => button.setAttribute("aria-pressed", String(isDark()));
    show();
    button.addEventListener("click", () => {
      const next = isDark() ? "light" : "dark";
      root.dataset.theme = next;
      try {
        window.localStorage.setItem(KEY, next);
      } catch (error) {
        // blocked: the choice lasts for this page only
      }
      show();
    });
    if (window.matchMedia) window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", show);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
