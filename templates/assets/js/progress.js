/*
 * The learner's progress (templates/site/*.html): what was read, each quiz's
 * best result, where to continue; docs/learners.md says what is kept where.
 *
 * A plain script, no network. It reads the page's
 * <script type="application/json" id="progress-data"> block:
 *   {key, quiz_prefix, root, page, module, title, messages}
 * and keeps, in localStorage[key] ("course-progress:<course slug>"):
 *   {v: 1, opened: {module: 1}, read: {module: 1},
 *    best: {quiz: {score, max, percent, passed}}, last: {page, title}}
 * It also reads the quiz pages' own states (localStorage[quiz_prefix + quiz],
 * quiz.js), so a result given before this script existed counts too.
 *
 * Inside a SCORM package (a connected window.CourseSco in a parent window,
 * assets/js/scorm.js) the results come from the LMS's data for that module
 * and nothing is written to this browser.
 *
 * Hooks it fills (hidden until there is something to say):
 *   [data-progress-module="<id>"]  a module's state
 *   [data-progress-quiz="<id>"]    a quiz's best result
 *   .course-progress               the overall bar, the continue link and
 *                                  the "clear my progress" control (home page)
 * window.CourseProgress: {state(), clear(), record(result)}.
 */
(function () {
  "use strict";

  const dataElement = document.getElementById("progress-data");
  if (!dataElement) return;
  const data = JSON.parse(dataElement.textContent);
  const messages = data.messages;
  const VERSION = 1;

  function format(message, values) {
    return message.replace(/%\((\w+)\)s|%%/g, (match, name) => (name ? String(values[name]) : "%"));
  }

  function shown(value) {
    return String(Number(Number(value).toFixed(2)));
  }

  // ---- where the data lives ------------------------------------------------

  function findSco() {
    let win = window;
    for (let hops = 0; hops < 20; hops += 1) {
      try {
        if (win.CourseSco && win.CourseSco.connected) return win.CourseSco;
        if (!win.parent || win.parent === win) return null;
        win = win.parent;
      } catch (error) {
        return null; // another origin: not our package
      }
    }
    return null;
  }

  const sco = findSco();

  function storage() {
    try {
      return sco ? null : window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function empty() {
    return { v: VERSION, opened: {}, read: {}, best: {}, last: null };
  }

  function load() {
    const store = storage();
    let state = empty();
    if (store) {
      try {
        const kept = JSON.parse(store.getItem(data.key));
        if (kept && kept.v === VERSION) state = Object.assign(empty(), kept);
      } catch (error) {
        // unreadable: start afresh
      }
    }
    return state;
  }

  function save(state) {
    const store = storage();
    if (!store) return;
    try {
      store.setItem(data.key, JSON.stringify(state));
    } catch (error) {
      // full or blocked: the page works, it just forgets
    }
  }

  function better(a, b) {
    if (!a) return b;
    if (!b) return a;
    return b.percent > a.percent || (b.percent === a.percent && b.passed && !a.passed) ? b : a;
  }

  function summary(result) {
    const percent = result.max > 0 ? (100 * result.score) / result.max : 0;
    return { score: result.score, max: result.max, percent: result.percent ?? percent, passed: Boolean(result.passed) };
  }

  // A quiz's best result: this browser's record, the quiz page's own state, or the LMS's.
  function bestOf(state, quizId) {
    let best = state.best[quizId] || null;
    const store = storage();
    if (store) {
      try {
        const quiz = JSON.parse(store.getItem(data.quiz_prefix + quizId));
        if (quiz && quiz.submitted && quiz.result) best = better(best, summary(quiz.result));
      } catch (error) {
        // nothing there
      }
    }
    if (sco && sco.results) {
      const fromLms = sco.results()[quizId];
      if (fromLms) best = better(best, summary(fromLms));
    }
    return best;
  }

  // ---- what the page shows -------------------------------------------------

  function quizText(best) {
    const values = { score: shown(best.score), max: shown(best.max), percent: shown(best.percent) };
    return format(best.passed ? messages.quiz_passed : messages.quiz_not_passed, values);
  }

  function moduleState(state, moduleId, quizIds) {
    const bests = quizIds.map((id) => bestOf(state, id));
    if (quizIds.length && bests.every((best) => best && best.passed)) {
      return { done: true, text: bests.map(quizText).join(" · "), kind: "passed" };
    }
    if (state.read[moduleId]) {
      const tried = bests.filter(Boolean);
      return { done: quizIds.length === 0, text: [messages.read, ...tried.map(quizText)].join(" · "), kind: "read" };
    }
    if (state.opened[moduleId] || bests.some(Boolean)) return { done: false, text: messages.started, kind: "started" };
    return { done: false, text: messages.not_started, kind: "not-started" };
  }

  function fill(element, text, kind) {
    element.textContent = text;
    element.dataset.state = kind || "";
    element.hidden = false;
  }

  function showAll() {
    const state = load();
    for (const element of document.querySelectorAll("[data-progress-quiz]")) {
      const best = bestOf(state, element.dataset.progressQuiz);
      if (best) fill(element, quizText(best), best.passed ? "passed" : "not-passed");
      else element.hidden = true;
    }
    const cards = Array.from(document.querySelectorAll("[data-progress-module]"));
    let done = 0;
    for (const element of cards) {
      const quizzes = (element.dataset.quizzes || "").split(" ").filter(Boolean);
      const found = moduleState(state, element.dataset.progressModule, quizzes);
      if (found.done) done += 1;
      fill(element, found.text, found.kind);
    }
    const panel = document.querySelector(".course-progress");
    if (!panel) return;
    const total = cards.length;
    const bar = panel.querySelector("progress");
    bar.max = total;
    bar.value = done;
    panel.querySelector("[data-progress-summary]").textContent = format(messages.summary, { done: done, total: total });
    const next = panel.querySelector("[data-progress-continue]");
    if (state.last && state.last.page) {
      next.href = data.root + state.last.page;
      next.textContent = format(messages.continue, { title: state.last.title });
      next.parentElement.hidden = false;
    } else {
      next.parentElement.hidden = true;
    }
    panel.querySelector("[data-progress-where]").textContent = sco ? messages.kept_lms : messages.kept_browser;
    panel.querySelector(".progress-clear").hidden = Boolean(sco);
    panel.hidden = false;
  }

  // ---- recording -----------------------------------------------------------

  function record(result) {
    const state = load();
    state.best[result.quiz] = better(state.best[result.quiz], summary(result));
    save(state);
    showAll();
  }

  function visit() {
    const state = load();
    if (data.module) state.opened[data.module] = 1;
    if (data.page === "module" || data.page === "quiz") state.last = { page: data.path, title: data.title };
    save(state);
    const end = document.querySelector("[data-progress-end]");
    if (!data.module || data.page !== "module" || !end) return;
    const markRead = () => {
      const now = load();
      if (now.read[data.module]) return;
      now.read[data.module] = 1;
      save(now);
      showAll();
    };
    if (!("IntersectionObserver" in window)) return markRead();
    const watcher = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        watcher.disconnect();
        markRead();
      }
    });
    watcher.observe(end);
  }

  function clear() {
    const store = storage();
    if (!store) return;
    try {
      const doomed = [];
      for (let index = 0; index < store.length; index += 1) {
        const key = store.key(index);
        if (key === data.key || key.startsWith(data.quiz_prefix)) doomed.push(key);
      }
      doomed.forEach((key) => store.removeItem(key));
    } catch (error) {
      // blocked: nothing was kept
    }
    showAll();
  }

  function wireClear() {
    const panel = document.querySelector(".course-progress");
    if (!panel) return;
    const ask = panel.querySelector('[data-action="clear-progress"]');
    const confirmBox = panel.querySelector(".progress-confirm");
    const status = panel.querySelector("[data-progress-status]");
    ask.addEventListener("click", () => {
      confirmBox.hidden = false;
      ask.setAttribute("aria-expanded", "true");
      confirmBox.querySelector('[data-action="clear-yes"]').focus();
    });
    confirmBox.querySelector('[data-action="clear-no"]').addEventListener("click", () => {
      confirmBox.hidden = true;
      ask.setAttribute("aria-expanded", "false");
      ask.focus();
    });
    confirmBox.querySelector('[data-action="clear-yes"]').addEventListener("click", () => {
      clear();
      confirmBox.hidden = true;
      ask.setAttribute("aria-expanded", "false");
      status.textContent = messages.cleared;
      ask.focus();
    });
  }

  window.CourseProgress = { state: load, clear: clear, record: record };
  if (window.CourseQuiz && window.CourseQuiz.onResult) window.CourseQuiz.onResult(record);
  visit();
  wireClear();
  showAll();
})();
