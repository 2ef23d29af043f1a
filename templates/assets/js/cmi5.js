/*
 * cmi5 runtime of the course's cmi5 package (course/package/cmi5.py): only
 * the package's module and quiz pages load it, one <script> at the end of
 * <body> whose data-cmi5 says which assignable unit (AU) the page is:
 *   {"kind": "module"} or {"kind": "quiz", "quiz": <id>, "pass_mark": <percent>}
 *
 * Launched by an LMS with the cmi5 launch parameters (endpoint, fetch,
 * actor, registration, activityId), it:
 *   1. POSTs to the fetch URL once for the auth token (Authorization: Basic);
 *   2. reads the LMS.LaunchData state (contextTemplate, launchMode,
 *      masteryScore, returnURL) from the LRS's State API;
 *   3. sends "initialized"; a module page sends "completed" once its end has
 *      been seen; a quiz page, when graded, sends one "answered" statement
 *      per question (response and result, with the interaction's
 *      definition), then "completed" and "passed" or "failed" with the
 *      scaled score (judged against the LMS's masteryScore, else the quiz's
 *      pass mark); "terminated" when the page goes away;
 *   4. keeps a quiz's answers in the State API (stateId
 *      "course-quiz-responses") and gives them back on the next launch.
 * cmi5-defined statements carry the cmi5 category, the context template's
 * session id and the registration; completed/passed/failed also the moveOn
 * category; durations are ISO 8601. Without launch parameters (the page
 * opened from the site) it does nothing.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const params = new URLSearchParams(window.location.search);
  const launch = {};
  for (const name of ["endpoint", "fetch", "actor", "registration", "activityId"]) launch[name] = params.get(name);
  let config = {};
  try {
    config = JSON.parse((script && script.dataset.cmi5) || "{}");
  } catch (error) {
    config = {};
  }
  if (Object.values(launch).some((value) => !value)) {
    window.CourseCmi5 = { connected: false };
    return;
  }

  const VERSION = "1.0.3";
  const CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  const MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  const MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
  const VERBS = {
    initialized: "http://adlnet.gov/expapi/verbs/initialized",
    completed: "http://adlnet.gov/expapi/verbs/completed",
    passed: "http://adlnet.gov/expapi/verbs/passed",
    failed: "http://adlnet.gov/expapi/verbs/failed",
    terminated: "http://adlnet.gov/expapi/verbs/terminated",
    answered: "http://adlnet.gov/expapi/verbs/answered",
  };
  const actor = JSON.parse(launch.actor);
  const base = launch.endpoint.endsWith("/") ? launch.endpoint : launch.endpoint + "/";
  const started = Date.now();
  const sent = { completed: false, judged: false, terminated: false };
  let token = null;
  let launchData = null;
  let queue = Promise.resolve();

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  let lastTime = 0;

  function timestamp() {
    // Strictly increasing, so statements sent together keep their order in the LRS (cmi5 judges order by time).
    lastTime = Math.max(Date.now(), lastTime + 1);
    return new Date(lastTime).toISOString();
  }

  function duration() {
    const centiseconds = Math.round((Date.now() - started) / 10);
    return `PT${Math.floor(centiseconds / 100)}.${String(centiseconds % 100).padStart(2, "0")}S`;
  }

  function headers(extra) {
    return Object.assign({ Authorization: `Basic ${token}`, "X-Experience-API-Version": VERSION }, extra || {});
  }

  function stateUrl(stateId) {
    const query = new URLSearchParams({
      activityId: launch.activityId,
      agent: JSON.stringify(actor),
      registration: launch.registration,
      stateId: stateId,
    });
    return `${base}activities/state?${query}`;
  }

  async function getState(stateId) {
    const response = await fetch(stateUrl(stateId), { headers: headers() });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`cmi5: state ${stateId}: ${response.status}`);
    return response.json();
  }

  function putState(stateId, value, keepalive) {
    return fetch(stateUrl(stateId), {
      method: "PUT",
      headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify(value),
      keepalive: Boolean(keepalive),
    });
  }

  function context(categories, extensions) {
    const made = JSON.parse(JSON.stringify(launchData.contextTemplate || {}));
    made.registration = launch.registration;
    made.contextActivities = made.contextActivities || {};
    if (categories.length) {
      made.contextActivities.category = (made.contextActivities.category || []).concat(
        categories.map((id) => ({ id: id, objectType: "Activity" })),
      );
    }
    made.extensions = Object.assign(made.extensions || {}, extensions || {});
    return made;
  }

  function statement(verb, result, categories, extensions, object) {
    const made = {
      id: uuid(),
      actor: actor,
      verb: { id: VERBS[verb], display: { "en-US": verb } },
      object: object || { id: launch.activityId, objectType: "Activity" },
      context: context(categories, extensions),
      timestamp: timestamp(),
    };
    if (result) made.result = result;
    return made;
  }

  function send(statements, keepalive) {
    const body = JSON.stringify(statements);
    queue = queue.then(() =>
      fetch(`${base}statements`, {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: body,
        keepalive: Boolean(keepalive),
      }),
    );
    return queue;
  }

  function tracking() {
    return !launchData.launchMode || launchData.launchMode === "Normal";
  }

  // ---- a module: completed once its end has been seen ------------------------

  function watchModuleEnd() {
    const end = document.createElement("div");
    end.setAttribute("aria-hidden", "true");
    end.dataset.cmi5End = "";
    (document.querySelector("main") || document.body).appendChild(end);
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        complete();
      }
    });
    observer.observe(end);
  }

  function complete() {
    if (sent.completed || !tracking()) return;
    sent.completed = true;
    send([statement("completed", { completion: true, duration: duration() }, [CMI5, MOVEON])]);
  }

  // ---- a quiz: answered per question, completed, passed or failed -----------

  function responseText(question, response) {
    if (response === null || response === undefined) return "";
    if (question.type === "matching") return response.map((r, i) => `${i + 1}[.]${r === null ? "" : r}`).join("[,]");
    if (Array.isArray(response)) return response.filter((r) => r !== null).join("[,]");
    return String(response);
  }

  const INTERACTIONS = {
    single: "choice",
    multiple: "choice",
    true_false: "true-false",
    short: "fill-in",
    numeric: "numeric",
    matching: "matching",
    ordering: "sequencing",
  };

  function answered(question, result) {
    const points = result.earned[question.id];
    const object = {
      id: `${launch.activityId}/questions/${encodeURIComponent(question.id)}`,
      objectType: "Activity",
      definition: {
        type: "http://adlnet.gov/expapi/activities/cmi.interaction",
        interactionType: INTERACTIONS[question.type] || "other",
        name: { [document.documentElement.lang || "en"]: String(question.id) },
      },
    };
    const made = statement(
      "answered",
      {
        response: responseText(question, result.responses[question.id]),
        success: points >= question.points,
        score: { raw: points, min: 0, max: question.points },
      },
      [],
      {},
      object,
    );
    made.context.contextActivities.parent = [{ id: launch.activityId, objectType: "Activity" }];
    return made;
  }

  function judge(result) {
    if (!tracking()) return;
    const statements = result.questionList.map((question) => answered(question, result));
    if (!sent.completed) {
      sent.completed = true;
      statements.push(statement("completed", { completion: true, duration: duration() }, [CMI5, MOVEON]));
    }
    if (!sent.judged) {
      const mastery = typeof launchData.masteryScore === "number" ? launchData.masteryScore : config.pass_mark / 100;
      const scaled = result.max ? Math.round((result.score / result.max) * 1e7) / 1e7 : 0;
      const passed = scaled >= mastery;
      const score = { scaled: scaled, raw: result.score, min: 0, max: result.max };
      const extensions = typeof launchData.masteryScore === "number" ? { [MASTERY]: launchData.masteryScore } : {};
      statements.push(
        statement(passed ? "passed" : "failed", { score: score, success: passed, duration: duration() }, [CMI5, MOVEON], extensions),
      );
      sent.judged = passed;  // a failed attempt may be followed by a passed one, never the reverse
    }
    send(statements);
  }

  function bridgeQuiz() {
    const quiz = window.CourseQuiz;
    const dataElement = document.getElementById("quiz-data");
    const form = document.getElementById("quiz-form");
    if (!quiz || !dataElement || !form) return Promise.resolve();
    const data = JSON.parse(dataElement.textContent);
    if (quiz.useStorage) quiz.useStorage(false); // the LRS keeps the answers, not this browser
    const save = (keepalive) => putState("course-quiz-responses", quiz.getResponses(), keepalive);
    form.addEventListener("change", () => save(false));
    form.addEventListener("input", () => save(false));
    quiz.onResult((result) => judge(Object.assign({ questionList: data.questions }, result)));
    window.addEventListener("pagehide", () => save(true));
    return getState("course-quiz-responses").then((saved) => {
      if (saved) quiz.setResponses(saved);
    });
  }

  function terminate() {
    if (sent.terminated) return;
    sent.terminated = true;
    send([statement("terminated", { duration: duration() }, [CMI5])], true);
  }

  async function start() {
    const response = await fetch(launch.fetch, { method: "POST" });
    const body = await response.json();
    if (!body["auth-token"]) throw new Error(`cmi5: no auth token (${body["error-code"] || response.status})`);
    token = body["auth-token"];
    launchData = (await getState("LMS.LaunchData")) || {};
    await send([statement("initialized", null, [CMI5])]);
    window.addEventListener("pagehide", terminate);
    if (config.kind === "quiz") await bridgeQuiz();
    else if (tracking()) watchModuleEnd();
    window.CourseCmi5.ready = true;
  }

  window.CourseCmi5 = { connected: true, ready: false, terminate: terminate, returnURL: () => launchData && launchData.returnURL };
  start().catch((error) => {
    window.CourseCmi5.error = String(error);
  });
})();
