/*
 * The SCORM runtime of the LMS packages (course/package/scorm.py, docs/scorm.md).
 *
 * One plain script for SCORM 1.2 and SCORM 2004 4th edition, included only in
 * the packaged pages; the plain site never loads it. It has two roles:
 *
 * Launcher: on a SCO's launch page (sco/<module>.html), whose <script> tag
 *   carries data-sco='{"version": "1.2" | "2004", "language": "ar",
 *   "quizzes": [{"id", "max", "pass_mark"}, ...]}' (written by Python). It
 *   finds the LMS's API (API / API_1484_11) in the parent windows, then the
 *   opener's, initialises, and keeps the session while the learner moves
 *   between the module page and its quiz in the page's frame. On pagehide it
 *   sets the session time and exit "suspend", commits and terminates. It is
 *   window.CourseSco for the pages in its frame.
 *
 * Quiz bridge: on a packaged quiz page, after quiz.js. It finds CourseSco in a
 *   parent window and, when the quiz belongs to that SCO, puts the saved
 *   answers back (CourseQuiz.setResponses), or, when they were graded, the
 *   answers and their result (CourseQuiz.showGraded); saves every answer as
 *   it is given, to suspend_data and to its interaction (response, no result
 *   yet), and reports every result (CourseQuiz.onResult): interactions, then
 *   score, then status, session time, suspend_data, commit.
 *
 * Commits: at most one every COMMIT_GAP ms while answering (a later change
 *   waits for the gap), plus one at once for a result and on pagehide, so an
 *   answer reaches the LMS within two seconds even if the browser then crashes.
 *
 * Scores (raw, min, max, scaled, weighting) are sent rounded to 7 decimals
 *   (SCORM 2004's real(10,7)); the verdict stays on the grader's side of
 *   the pass mark after rounding.
 *
 * Outside an LMS (no API), or from file:// where frames cannot see each
 * other, neither role does anything and the pages work as the plain site.
 *
 * suspend_data: compact JSON {"v":1,"q":{"<quiz id>":{"r":{<question id>:
 *   response},"g":[score,max,passed 0|1],"s":1 while the result is shown,
 *   "i":<first interaction index>}}};
 *   unanswered questions are left out. A short or numeric answer is kept to
 *   TEXT_CAP characters (the text inputs get maxlength in the package), so
 *   the largest quiz of the shipped course fits SCORM 1.2's 4,096 characters
 *   (tests/test_scorm.py); if a state is still too long, text answers are
 *   shortened, then dropped, never the choices or the results.
 */
(function () {
  "use strict";

  const COMMIT_GAP = 2000; // ms between commits while answering
  const TEXT_CAP = 250; // SCORM 2004's fill-in string limit; 1.2 allows 255
  const MAX_HOPS = 500; // ADL's bound when walking up parent and opener windows
  const STATE_VERSION = 1;
  const EMPTY_POSITION = "0"; // an ordering position left empty (letters are a-z)
  const SOURCES_12 = "123456789abcdefghijklmnopqrstuvwxyz"; // 1.2 matching: one character each side

  // ---- numbers -------------------------------------------------------------

  // The shortest form that reads back as the same double, never an exponent.
  function decimal(value) {
    const text = String(value);
    return /e/i.test(text) ? value.toFixed(18).replace(/\.?0+$/, "") : text;
  }

  // A score as SCORM wants it: at most 7 decimals (2004 real(10,7)).
  function score7(value) {
    return decimal(Number(Number(value).toFixed(7)));
  }

  function pad(value, width) {
    return String(value).padStart(width, "0");
  }

  function centiseconds(milliseconds) {
    return Math.max(0, Math.round(milliseconds / 10));
  }

  // SCORM 1.2 CMITimespan: HHHH:MM:SS.SS
  function timespan12(milliseconds) {
    const cs = centiseconds(milliseconds);
    const seconds = Math.floor(cs / 100) % 60;
    const minutes = Math.floor(cs / 6000) % 60;
    const hours = Math.min(9999, Math.floor(cs / 360000));
    return pad(hours, 4) + ":" + pad(minutes, 2) + ":" + pad(seconds, 2) + "." + pad(cs % 100, 2);
  }

  // SCORM 2004 timeinterval (ISO 8601 duration): PT1H2M3.4S
  function timespan2004(milliseconds) {
    const cs = centiseconds(milliseconds);
    const hours = Math.floor(cs / 360000);
    const minutes = Math.floor(cs / 6000) % 60;
    const seconds = decimal((cs % 6000) / 100);
    return "PT" + (hours ? hours + "H" : "") + (minutes ? minutes + "M" : "") + seconds + "S";
  }

  function capped(text) {
    let value = String(text);
    if (value.length > TEXT_CAP) value = value.slice(0, TEXT_CAP);
    return /[\uD800-\uDBFF]$/.test(value) ? value.slice(0, -1) : value;
  }

  function letterAt(index) {
    return String.fromCharCode(97 + index);
  }

  // ---- the two versions ----------------------------------------------------

  const VERSIONS = {
    "1.2": {
      api: "API",
      calls: { initialize: "LMSInitialize", terminate: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit" },
      suspendLimit: 4096,
      entry: "cmi.core.entry",
      exit: "cmi.core.exit",
      sessionTime: "cmi.core.session_time",
      timespan: timespan12,
      response: "student_response",
      result: (right) => (right ? "correct" : "wrong"),
      list: ",",
      pair: ".",
      trueFalse: (value) => (value ? "t" : "f"),
      source: (index) => SOURCES_12.charAt(index) || String(index),
      fillIn: (text) => text,
      numericPattern: (question) => decimal(question.answer),
      start(sco) {
        const status = sco.get("cmi.core.lesson_status");
        if (status === "not attempted" || status === "") sco.set("cmi.core.lesson_status", sco.hasQuiz ? "incomplete" : "completed");
      },
      // Raw is the percent: LMSs compare it with adlcp:masteryscore (the pass mark).
      score(sco, total) {
        sco.set("cmi.core.score.raw", score7(total.percent));
        sco.set("cmi.core.score.min", "0");
        sco.set("cmi.core.score.max", "100");
      },
      status(sco, total) {
        sco.set("cmi.core.lesson_status", total.passed === null ? "incomplete" : total.passed ? "passed" : "failed");
      },
    },
    2004: {
      api: "API_1484_11",
      calls: { initialize: "Initialize", terminate: "Terminate", get: "GetValue", set: "SetValue", commit: "Commit" },
      suspendLimit: 64000,
      entry: "cmi.entry",
      exit: "cmi.exit",
      sessionTime: "cmi.session_time",
      timespan: timespan2004,
      response: "learner_response",
      result: (right) => (right ? "correct" : "incorrect"),
      list: "[,]",
      pair: "[.]",
      trueFalse: (value) => (value ? "true" : "false"),
      source: (index) => String(index + 1),
      fillIn: null, // set per session: needs the course language
      numericPattern: (question) => decimal(question.answer - (question.tolerance || 0)) + "[:]" + decimal(question.answer + (question.tolerance || 0)),
      start(sco) {
        const completion = sco.get("cmi.completion_status");
        if (completion === "unknown" || completion === "not attempted" || completion === "") {
          sco.set("cmi.completion_status", sco.hasQuiz ? "incomplete" : "completed");
        }
      },
      score(sco, total) {
        sco.set("cmi.score.raw", score7(total.score));
        sco.set("cmi.score.min", "0");
        sco.set("cmi.score.max", score7(total.max));
        if (total.max > 0) sco.set("cmi.score.scaled", score7(total.scaled));
      },
      status(sco, total) {
        sco.set("cmi.success_status", total.passed === null ? "unknown" : total.passed ? "passed" : "failed");
        sco.set("cmi.completion_status", total.complete ? "completed" : "incomplete");
      },
    },
  };

  function fillIn2004(language) {
    // {lang=..} marks the learner's text; it may not start with "{" after it,
    // and "[,]" would split it into several strings.
    const tag = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{2,8})*$/.test(language || "") ? "{lang=" + language + "}" : "";
    return (text) => tag + text.split("[,]").join(",").replace(/^\{/, " {");
  }

  const INTERACTION_TYPES = {
    single: "choice",
    multiple: "choice",
    true_false: "true-false",
    short: "fill-in",
    numeric: "numeric",
    matching: "matching",
    ordering: "sequencing",
  };

  function learnerResponse(version, question, response, parseNumber) {
    if (response === null || response === undefined) return null;
    switch (question.type) {
      case "single":
        return typeof response === "string" ? response : null;
      case "multiple":
        return Array.isArray(response) && response.length ? response.join(version.list) : null;
      case "true_false":
        return typeof response === "boolean" ? version.trueFalse(response) : null;
      case "short":
        return String(response).trim() ? version.fillIn(capped(response)) : null;
      case "numeric": {
        const value = typeof response === "number" ? response : parseNumber(String(response));
        return typeof value === "number" && Number.isFinite(value) ? decimal(value) : null;
      }
      case "matching": {
        if (!Array.isArray(response)) return null;
        const pairs = response.map((key, index) => (key ? version.source(index) + version.pair + key : null)).filter(Boolean);
        return pairs.length ? pairs.join(version.list) : null;
      }
      case "ordering":
        return Array.isArray(response) && response.some(Boolean) ? response.map((key) => key || EMPTY_POSITION).join(version.list) : null;
      default:
        return null;
    }
  }

  // The right answer as a SCORM pattern; none for short answers, which are
  // matched after normalisation (course-format.md 4), beyond what a pattern says.
  function correctPattern(version, question) {
    switch (question.type) {
      case "single":
      case "multiple": {
        const right = question.options.map((option, index) => (option.correct ? letterAt(index) : null)).filter(Boolean);
        return right.join(version.list);
      }
      case "true_false":
        return version.trueFalse(question.answer);
      case "numeric":
        return version.numericPattern(question);
      case "matching":
        return question.answer.map((key, index) => version.source(index) + version.pair + key).join(version.list);
      case "ordering":
        return question.answer.join(version.list);
      default:
        return null;
    }
  }

  // ---- finding a window property, bounded; cross-origin windows are skipped --

  function property(win, name) {
    try {
      return win[name] || null;
    } catch (error) {
      return null;
    }
  }

  function parentOf(win) {
    try {
      return win.parent && win.parent !== win ? win.parent : null;
    } catch (error) {
      return null;
    }
  }

  function openerOf(win) {
    try {
      return win.opener || null;
    } catch (error) {
      return null;
    }
  }

  function searchUp(win, name) {
    for (let hops = 0; win && hops < MAX_HOPS; hops += 1) {
      const found = property(win, name);
      if (found) return found;
      win = parentOf(win);
    }
    return null;
  }

  function topOf(win) {
    let top = win;
    for (let hops = 0; hops < MAX_HOPS; hops += 1) {
      const parent = parentOf(top);
      if (!parent) break;
      top = parent;
    }
    return top;
  }

  // This window's parents, then the window that opened this one (a SCO in a
  // new window) and its parents, then that window's opener, and so on.
  function findUp(name, from) {
    let win = from;
    for (let hops = 0; win && hops < MAX_HOPS; hops += 1) {
      const found = searchUp(win, name);
      if (found) return found;
      win = openerOf(topOf(win));
    }
    return null;
  }

  // ---- launcher: the SCORM session -----------------------------------------

  function emptyState() {
    return { v: STATE_VERSION, q: {} };
  }

  function parseState(text) {
    try {
      const state = JSON.parse(text);
      if (state && state.v === STATE_VERSION && state.q && typeof state.q === "object") return state;
    } catch (error) {
      // Empty or not ours: start afresh.
    }
    return emptyState();
  }

  function compactResponses(responses) {
    const kept = {};
    for (const id of Object.keys(responses || {})) {
      const response = responses[id];
      if (response === null || response === undefined) continue;
      kept[id] = typeof response === "string" ? capped(response) : response;
    }
    return kept;
  }

  function shortenTexts(state, cap) {
    const copy = JSON.parse(JSON.stringify(state));
    for (const quiz of Object.values(copy.q)) {
      for (const id of Object.keys(quiz.r || {})) {
        if (typeof quiz.r[id] !== "string") continue;
        if (cap > 0) quiz.r[id] = quiz.r[id].slice(0, cap);
        else delete quiz.r[id];
      }
    }
    return copy;
  }

  function serialise(state, limit) {
    let text = JSON.stringify(state);
    for (const cap of [125, 60, 20, 0]) {
      if (text.length <= limit) break;
      text = JSON.stringify(shortenTexts(state, cap));
    }
    return text;
  }

  function inactiveSession() {
    return { connected: false, quiz: () => null };
  }

  function startSession(config) {
    if (!VERSIONS[config.version]) return inactiveSession();
    const version = Object.assign({}, VERSIONS[config.version]);
    if (!version.fillIn) version.fillIn = fillIn2004(config.language);
    const api = findUp(version.api, window);
    if (!api) return inactiveSession();

    let ended = false;
    let lastCommit = 0;
    let commitTimer = null;
    const call = (name, ...args) => {
      try {
        return api[version.calls[name]](...args);
      } catch (error) {
        return "false";
      }
    };
    const sco = {
      hasQuiz: config.quizzes.length > 0,
      get: (element) => String(call("get", element) ?? ""),
      set: (element, value) => (ended ? false : String(call("set", element, String(value))) === "true"),
    };
    if (String(call("initialize", "")) !== "true") return inactiveSession();

    const started = Date.now();
    const quizzes = new Map(config.quizzes.map((quiz) => [quiz.id, quiz]));
    const state = parseState(sco.get("cmi.suspend_data"));
    for (const id of Object.keys(state.q)) if (!quizzes.has(id)) delete state.q[id];
    let saved = JSON.stringify(state);
    version.start(sco);
    lastCommit = Date.now();
    call("commit", "");

    function saveState() {
      const text = serialise(state, version.suspendLimit);
      if (text !== saved && sco.set("cmi.suspend_data", text)) saved = text;
    }

    function quizState(id) {
      if (!state.q[id]) state.q[id] = {};
      return state.q[id];
    }

    function totals() {
      let score = 0;
      let max = 0;
      let taken = 0;
      let failed = false;
      for (const quiz of config.quizzes) {
        const graded = state.q[quiz.id] && state.q[quiz.id].g;
        if (!graded) {
          max += quiz.max;
          continue;
        }
        taken += 1;
        score += graded[0];
        max += graded[1];
        if (!graded[2]) failed = true;
      }
      const complete = taken === config.quizzes.length;
      const total = { score: score, max: max, percent: max > 0 ? (100 * score) / max : 0, complete: complete };
      total.passed = failed ? false : complete ? true : null;
      total.scaled = Number((max > 0 ? score / max : 0).toFixed(7));
      total.percent = Number(total.percent.toFixed(7));
      if (config.quizzes.length === 1 && total.passed !== null) {
        const mark = config.quizzes[0].pass_mark;
        total.scaled = onTheSideOf(total.scaled, mark / 100, total.passed, 1e-7);
        total.percent = onTheSideOf(total.percent, mark, total.passed, 1e-7);
      }
      return total;
    }

    // An LMS compares score.scaled with the manifest's minNormalizedMeasure
    // (pass mark / 100), and 1.2's raw percent with the mastery score; keep
    // that comparison on the grader's side of it even where the division
    // and the 7-decimal rounding land on the other side.
    function onTheSideOf(value, threshold, passed, step) {
      if (passed && value < threshold) return threshold;
      if (!passed && value >= threshold) return Number((threshold - step).toFixed(7));
      return value;
    }

    // Where the quiz's interactions start: kept across launches in suspend_data,
    // so a second submission rewrites them instead of adding more.
    function interactionBase(quizId) {
      const count = Number(sco.get("cmi.interactions._count")) || 0;
      const kept = quizState(quizId).i;
      return typeof kept === "number" && kept >= 0 && kept <= count ? kept : count;
    }

    // answer.earned undefined: an answer given, not graded yet (no result).
    function writeInteraction(index, quizId, question, answer) {
      const prefix = "cmi.interactions." + index + ".";
      const pattern = correctPattern(version, question);
      const given = learnerResponse(version, question, answer.response, answer.parseNumber);
      sco.set(prefix + "id", quizId + "." + encodeURIComponent(question.id));
      sco.set(prefix + "type", INTERACTION_TYPES[question.type] || "other");
      if (pattern) sco.set(prefix + "correct_responses.0.pattern", pattern);
      if (given !== null) sco.set(prefix + version.response, given);
      if (answer.earned !== undefined) sco.set(prefix + "result", version.result(answer.earned >= question.points));
      sco.set(prefix + "weighting", score7(question.points));
    }

    // parseNumber: the quiz page's CourseGrading.parseNumber (this window has no grading.js).
    function report(quizId, result, questions, parseNumber) {
      if (ended) return;
      const saved = quizState(quizId);
      const base = interactionBase(quizId);
      questions.forEach((question, index) => {
        const answer = { response: result.responses[question.id], earned: result.earned[question.id] || 0, parseNumber: parseNumber };
        writeInteraction(base + index, quizId, question, answer);
      });
      saved.i = base;
      saved.r = compactResponses(result.responses);
      saved.g = [result.score, result.max, result.passed ? 1 : 0];
      saved.s = 1;
      written[quizId] = JSON.stringify(saved.r);
      const total = totals();
      version.score(sco, total);
      version.status(sco, total);
      sco.set(version.sessionTime, version.timespan(Date.now() - started));
      saveState();
      commitNow();
    }

    // Answers as they are given: suspend_data, and each changed answer's
    // interaction (its response; the result comes with grading).
    const written = {};
    function saveAnswers(quizId, responses, questions, parseNumber, shown) {
      if (ended) return;
      const saved = quizState(quizId);
      const kept = compactResponses(responses);
      const before = written[quizId] ? JSON.parse(written[quizId]) : saved.r || {};
      if (JSON.stringify(kept) === JSON.stringify(before) && (shown || !saved.s)) return;
      if (!shown) delete saved.s;
      saved.r = kept;
      if (questions) {
        const base = interactionBase(quizId);
        saved.i = base;
        // An LMS takes interactions in sequence: declare the quiz's all at once first.
        const count = Number(sco.get("cmi.interactions._count")) || 0;
        for (let index = Math.max(0, count - base); index < questions.length; index += 1) {
          writeInteraction(base + index, quizId, questions[index], { response: null, parseNumber: parseNumber });
        }
        questions.forEach((question, index) => {
          const now = JSON.stringify(kept[question.id] ?? null);
          if (now === JSON.stringify(before[question.id] ?? null) || kept[question.id] === undefined) return;
          writeInteraction(base + index, quizId, question, { response: kept[question.id], parseNumber: parseNumber });
        });
      }
      written[quizId] = JSON.stringify(kept);
      saveState();
      commitSoon();
    }

    function commitNow() {
      if (commitTimer !== null) window.clearTimeout(commitTimer);
      commitTimer = null;
      if (ended) return;
      lastCommit = Date.now();
      call("commit", "");
    }

    function commitSoon() {
      if (commitTimer !== null || ended) return;
      const wait = Math.max(0, lastCommit + COMMIT_GAP - Date.now());
      commitTimer = window.setTimeout(commitNow, wait);
    }

    function finish() {
      if (ended) return;
      if (commitTimer !== null) window.clearTimeout(commitTimer);
      saveState();
      sco.set(version.sessionTime, version.timespan(Date.now() - started));
      sco.set(version.exit, "suspend");
      call("commit", "");
      ended = true;
      call("terminate", "");
    }

    window.addEventListener("pagehide", finish);

    return {
      connected: true,
      version: config.version,
      textCap: TEXT_CAP,
      // The quiz's handle when it belongs to this SCO, else null.
      quiz(id) {
        if (!quizzes.has(id)) return null;
        return {
          saved: () => (state.q[id] && state.q[id].r ? JSON.parse(JSON.stringify(state.q[id].r)) : null),
          // The result was on show when the learner left: show it again.
          shown: () => Boolean(state.q[id] && state.q[id].s && state.q[id].g),
          save: (responses, questions, parseNumber, shown) => saveAnswers(id, responses, questions, parseNumber, shown),
          report: (result, questions, parseNumber) => report(id, result, questions, parseNumber),
          commit: () => ended || commitNow(),
        };
      },
      // Every quiz of this SCO that was graded: {id: {score, max, passed}} (for the progress display).
      results() {
        const out = {};
        for (const id of quizzes.keys()) {
          const graded = state.q[id] && state.q[id].g;
          if (graded) out[id] = { score: graded[0], max: graded[1], passed: Boolean(graded[2]) };
        }
        return out;
      },
      finish: finish,
    };
  }

  // ---- quiz bridge ---------------------------------------------------------

  function bridge() {
    const dataElement = document.getElementById("quiz-data");
    const quiz = window.CourseQuiz;
    const form = document.getElementById("quiz-form");
    if (!dataElement || !quiz || !form) return;
    const session = findUp("CourseSco", parentOf(window));
    if (!session || !session.connected) return;
    const data = JSON.parse(dataElement.textContent);
    const handle = session.quiz(data.id);
    if (!handle) return;

    for (const input of form.querySelectorAll('input[type="text"]')) input.maxLength = session.textCap;
    // The LMS's copy wins over this browser's: another learner may have used
    // it; and the browser keeps nothing, so nothing stays on a shared computer.
    if (quiz.useStorage) quiz.useStorage(false);
    const parseNumber = window.CourseGrading.parseNumber;
    if (handle.shown() && quiz.showGraded) quiz.showGraded(handle.saved() || {});
    else quiz.setResponses(handle.saved() || {});
    quiz.onResult((result) => handle.report(result, data.questions, parseNumber));
    const isGraded = () => document.querySelector("[data-result]") !== null;
    const save = () => handle.save(quiz.getResponses(), data.questions, parseNumber, isGraded());
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    // quiz.js's own event: also for moves in an ordering list and swaps, which change <select>s without events.
    form.addEventListener("course-answers", save);
    document.addEventListener("click", (event) => {
      if (event.target.closest && event.target.closest('[data-action="retry"]')) save();
    });
    window.addEventListener("pagehide", () => {
      save();
      handle.commit();
    });
  }

  // ---- start ---------------------------------------------------------------

  const script = document.currentScript;
  if (script && script.dataset.sco) {
    let config = null;
    try {
      config = JSON.parse(script.dataset.sco);
    } catch (error) {
      config = null;
    }
    window.CourseSco = config ? startSession(config) : inactiveSession();
  } else {
    bridge();
  }
})();
