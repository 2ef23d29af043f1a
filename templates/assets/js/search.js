/*
 * The search box in every page's header (templates/site/base.html).
 *
 * Offline and from file://: the index is a script (assets/search-index.js,
 * written by course/render/site/search_index.py, window.CourseSearchIndex),
 * never fetched. The engine is MiniSearch (assets/vendor/minisearch.min.js,
 * MIT); English words are stemmed by the Porter stemmer of the `stemmer`
 * package (assets/vendor/stemmer.min.js, MIT). The MiniSearch index is built
 * from the rows when the learner first focuses the box.
 *
 * Every word, in the pages and in the query, is read as the grading core
 * reads a short answer (course.grading.rules.normalize, its table exported
 * into the index: tests/vectors/normalize.json holds both to it): NFKC,
 * diacritics, tatweel and invisible marks removed, أ إ آ ٱ -> ا, ى -> ي,
 * ة -> ه, Persian ی ک and the digits folded, case-folded. Each word is then
 * indexed under itself and its light stem: Arabic prefixes و ف, ب ك ل, ال
 * and their combinations (وبال، فال، لل...) taken off; English words by
 * Porter. So «المعلومات» finds «معلومات», «بالجواز» finds «جواز», and
 * "passengers" finds "passenger".
 *
 * The results (module, section heading, a snippet with the hits in <mark>)
 * are links under the box; Down/Up arrows move through them, Escape closes
 * them, Enter in the box opens the first; the count is announced (aria-live).
 * window.CourseSearch: {normalize, terms(text), search(query)} for tests.
 */
(function () {
  "use strict";

  const data = window.CourseSearchIndex;
  if (!data || !window.MiniSearch) return;

  // ---- normalisation: the grading core's, from its exported table ----------

  const REMOVE = new Set(data.normalize.remove);
  const MAP = data.normalize.map;
  // Exactly Python's str.isspace() (as grading.js).
  const SPACE = "\t\n\u000B\f\r\u001C-\u001F \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
  const EDGE = new RegExp("^[" + SPACE + "\\p{P}]$", "u");
  const SPACES = new RegExp("[" + SPACE + "]+", "u");

  // Python's str.casefold one character at a time (as grading.js).
  function casefoldChar(ch) {
    const code = ch.codePointAt(0);
    if (code >= 0x13a0 && code <= 0x13f5) return ch;
    if (code >= 0x13f8 && code <= 0x13fd) return String.fromCodePoint(code - 8);
    if (code >= 0xab70 && code <= 0xabbf) return String.fromCodePoint(code - 0x97d0);
    if (ch === "\u0131") return ch;
    if (ch === "\u1E9E") return "ss";
    return ch.toUpperCase().toLowerCase();
  }

  function fold(text) {
    let out = "";
    for (const ch of text.normalize("NFKC")) {
      if (REMOVE.has(ch.codePointAt(0))) continue;
      const mapped = Object.prototype.hasOwnProperty.call(MAP, ch) ? MAP[ch] : ch;
      for (const part of mapped) out += casefoldChar(part);
    }
    return out;
  }

  function normalize(text) {
    const chars = Array.from(fold(text));
    let start = 0;
    let end = chars.length;
    while (start < end && EDGE.test(chars[start])) start += 1;
    while (end > start && EDGE.test(chars[end - 1])) end -= 1;
    return chars.slice(start, end).join("").split(SPACES).filter(Boolean).join(" ");
  }

  // ---- words and stems -------------------------------------------------------

  // A word keeps its combining marks, tatweel and joiners (normalisation drops them).
  const WORD = /[\p{L}\p{N}\p{M}\u0640\u200C-\u200F]+/gu;
  const ARABIC = /[\u0600-\u06FF]/;

  function arabicStem(word) {
    let stem = word;
    if (stem.length > 3 && (stem[0] === "و" || stem[0] === "ف")) stem = stem.slice(1);
    if (stem.length > 4 && stem.startsWith("لل")) return stem.slice(2); // ل + ال
    if (stem.length > 4 && /^[بكل]ال/.test(stem)) return stem.slice(3);
    if (stem.length > 4 && stem.startsWith("ال")) return stem.slice(2);
    if (stem.length > 4 && /^[بل]/.test(stem)) return stem.slice(1);
    return stem;
  }

  // A course has a few thousand distinct words: each is read once.
  const processed = new Map();
  function processTerm(term) {
    let found = processed.get(term);
    if (found === undefined) {
      found = readTerm(term);
      processed.set(term, found);
    }
    return found;
  }

  function readTerm(term) {
    const word = normalize(term);
    if (!word) return null;
    let stem = word;
    if (ARABIC.test(word)) stem = arabicStem(word);
    else if (/^[a-z]+$/.test(word) && window.stemmer) stem = window.stemmer(word);
    return stem && stem !== word ? [word, stem] : word;
  }

  function tokenize(text) {
    return String(text).match(WORD) || [];
  }

  function terms(text) {
    return tokenize(text).flatMap((word) => [].concat(processTerm(word) || []));
  }

  // ---- the index -------------------------------------------------------------

  let engine = null;
  function index() {
    if (engine) return engine;
    engine = new window.MiniSearch({
      fields: ["heading", "module", "text"],
      tokenize: tokenize,
      processTerm: processTerm,
      searchOptions: {
        boost: { heading: 3, module: 1.5 },
        prefix: (term) => term.length >= 3,
        fuzzy: (term) => (/^[a-z]{6,}$/.test(term) ? 0.2 : false),
        combineWith: "OR",
      },
    });
    engine.addAll(data.docs.map((row, id) => ({ id: id, module: row[2], heading: row[3], text: row[4] })));
    return engine;
  }

  function search(query) {
    if (!normalize(query)) return [];
    return index()
      .search(query)
      .slice(0, 20)
      .map((hit) => {
        const row = data.docs[hit.id];
        return { page: row[0], anchor: row[1], module: row[2], heading: row[3], text: row[4], terms: hit.terms, score: hit.score };
      });
  }

  // ---- the snippet: the first hit in the text, its words marked ---------------

  function snippet(text, hitTerms) {
    const wanted = new Set(hitTerms);
    const words = [];
    for (const match of text.matchAll(WORD)) {
      const found = [].concat(processTerm(match[0]) || []);
      words.push({ start: match.index, end: match.index + match[0].length, hit: found.some((t) => wanted.has(t)) });
    }
    const first = words.findIndex((word) => word.hit);
    const from = first < 0 ? 0 : Math.max(0, first - 8);
    const to = Math.min(words.length, (first < 0 ? 0 : first) + 18);
    const fragment = document.createDocumentFragment();
    if (!words.length) return fragment;
    if (from > 0) fragment.append("… ");
    let at = words[from].start;
    for (let i = from; i < to; i += 1) {
      const word = words[i];
      if (!word.hit) continue;
      fragment.append(text.slice(at, word.start));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(word.start, word.end);
      fragment.append(mark);
      at = word.end;
    }
    fragment.append(text.slice(at, words[to - 1].end));
    if (to < words.length) fragment.append(" …");
    return fragment;
  }

  window.CourseSearch = { normalize: normalize, terms: terms, search: search };

  // ---- the box ---------------------------------------------------------------

  const form = document.querySelector(".site-search");
  if (!form) return;
  form.hidden = false;
  const box = form.querySelector('input[type="search"]');
  const panel = form.querySelector(".search-panel");
  const list = form.querySelector(".search-results");
  const status = form.querySelector("[data-search-status]");
  const messages = JSON.parse(form.dataset.messages);
  const root = form.dataset.root || "";

  function format(message, values) {
    return message.replace(/%\((\w+)\)s|%%/g, (match, name) => (name ? String(values[name]) : "%"));
  }

  function links() {
    return Array.from(list.querySelectorAll("a"));
  }

  function close() {
    panel.hidden = true;
  }

  function show(query) {
    const hits = search(query);
    list.replaceChildren();
    for (const hit of hits) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = root + hit.page + (hit.anchor ? "#" + hit.anchor : "");
      const where = document.createElement("span");
      where.className = "search-where";
      where.textContent = hit.module;
      const heading = document.createElement("span");
      heading.className = "search-heading";
      heading.textContent = hit.heading;
      const text = document.createElement("span");
      text.className = "search-snippet";
      text.append(snippet(hit.text, hit.terms));
      link.append(where, heading, text);
      item.append(link);
      list.append(item);
    }
    const message = hits.length ? format(messages.results, { count: hits.length, query: query.trim() }) : format(messages.none, { query: query.trim() });
    status.textContent = message;
    panel.hidden = false;
  }

  let timer = null;
  box.addEventListener("focus", () => window.setTimeout(index));
  box.addEventListener("input", () => {
    window.clearTimeout(timer);
    if (!box.value.trim()) {
      list.replaceChildren();
      status.textContent = "";
      close();
      return;
    }
    timer = window.setTimeout(() => show(box.value), 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    if (!box.value.trim()) return;
    show(box.value);
    const first = links()[0];
    if (first) window.location.href = first.href;
  });
  form.addEventListener("keydown", (event) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      close();
      box.focus();
      event.preventDefault();
    } else if (event.key === "ArrowDown" && all.length) {
      if (panel.hidden) show(box.value);
      all[Math.min(at + 1, all.length - 1)].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && at >= 0) {
      (at === 0 ? box : all[at - 1]).focus();
      event.preventDefault();
    }
  });
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) close();
  });
})();
