/*
 * Classroom mode on a quiz page. The classroom server (course/classroom)
 * adds this script, a #classroom-data JSON block and the #classroom-bar to
 * the quiz pages it serves; the static site never loads it.
 *
 * It uses only window.CourseQuiz (templates/assets/js/quiz.js):
 *   - a click on [data-action="submit"] is caught before quiz.js sees it; the
 *     answers (CourseQuiz.getResponses()) are POSTed to
 *     ../classroom/api/quizzes/<quiz>/attempts, where the server grades them
 *     with course/grading/rules.py and commits the attempt;
 *   - only once the server has answered 201 is the result shown:
 *     on a full page (practice, or an exam already attempted) by
 *     CourseQuiz.submit(), which grades the same answers with the same core;
 *     on a stripped exam page (no right answers in it) whose answers the
 *     trainer's setting now shows (the 201 says "revealed") by reloading: the
 *     server now serves the full page, and this script puts the answers back
 *     (setResponses) and shows the result (submit) there; otherwise only the
 *     score is announced and the page stays stripped;
 *   - a refusal (closed, no attempts left, signed out) is announced in the
 *     bar's live region and nothing is graded on the page.
 * A different learner on the same browser starts with a clean page: the
 * quiz states quiz.js keeps in localStorage are dropped.
 */
(function () {
  "use strict";

  const dataElement = document.getElementById("classroom-data");
  const quizApi = window.CourseQuiz;
  if (!dataElement || !quizApi) return;

  const config = JSON.parse(dataElement.textContent);
  const messages = config.messages;
  const statusElement = document.getElementById("classroom-status");
  const whoElement = document.getElementById("classroom-who");
  const submitButton = document.querySelector('[data-action="submit"]');
  const apiBase = new URL("../classroom/api/", document.baseURI);
  const reviewKey = "classroom-review:" + config.quiz;
  const learnerKey = "classroom-learner";
  let session = null;
  let sending = false;

  function format(message, values) {
    return message.replace(/%\((\w+)\)s|%%/g, (match, name) => (name ? String(values[name]) : "%"));
  }

  function say(text, isError) {
    statusElement.textContent = text;
    statusElement.classList.toggle("is-error", Boolean(isError));
  }

  function joinPage() {
    window.location.assign("../classroom/join?next=" + encodeURIComponent(window.location.pathname));
  }

  function attemptsText(info) {
    if (info.max_attempts === null) return "";
    return format(messages.attempts_left, { count: Math.max(0, info.max_attempts - info.attempts_used) });
  }

  function blockSubmit(blocked) {
    if (submitButton) submitButton.disabled = blocked;
  }

  function showQuizState(info) {
    const parts = [];
    if (info.mode === "exam" && config.variant === "exam") parts.push(messages.mode_exam);
    if (info.state !== "open") parts.push(messages[info.state]);
    else if (info.max_attempts !== null && info.attempts_used >= info.max_attempts) parts.push(messages.no_attempts);
    const text = attemptsText(info);
    if (text) parts.push(text);
    blockSubmit(info.state !== "open" || (info.max_attempts !== null && info.attempts_used >= info.max_attempts));
    say(parts.join(" "), false);
  }

  function savedText(attempt) {
    const left = attempt.attempts_left === null ? "" : " " + format(messages.attempts_left, { count: attempt.attempts_left });
    return format(messages.saved, { number: attempt.number }) + left;
  }

  function refusal(response, body) {
    if (body && (body.state === "closed" || body.state === "not_open")) return messages[body.state];
    if (response.status === 409 && body && body.attempts_left === 0) return messages.no_attempts;
    return format(messages.not_saved, { reason: (body && (body.message || body.error)) || String(response.status) });
  }

  function forgetOtherLearner(learnerId) {
    let previous = null;
    try {
      previous = window.localStorage.getItem(learnerKey);
      if (previous !== null && previous !== String(learnerId)) {
        for (const key of Object.keys(window.localStorage)) {
          if (key.startsWith("course-quiz:")) window.localStorage.removeItem(key);
        }
      }
      window.localStorage.setItem(learnerKey, String(learnerId));
    } catch (error) {
      return; // no storage: nothing was kept either
    }
    if (previous !== null && previous !== String(learnerId)) quizApi.setResponses({});
  }

  async function post(responses) {
    const url = new URL("quizzes/" + encodeURIComponent(config.quiz) + "/attempts", apiBase);
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": session.csrf },
      body: JSON.stringify({ responses: responses }),
    });
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    return { response: response, body: body };
  }

  async function send() {
    if (sending || !session) return;
    sending = true;
    blockSubmit(true);
    say(messages.sending, false);
    const responses = quizApi.getResponses();
    let answer;
    try {
      answer = await post(responses);
    } catch (error) {
      say(messages.network, true);
      blockSubmit(false);
      sending = false;
      return;
    }
    sending = false;
    const { response, body } = answer;
    if (response.status === 401) return joinPage();
    if (!response.ok || !body) {
      say(refusal(response, body), true);
      blockSubmit(response.status === 403 || response.status === 409);
      return;
    }
    const info = session.quizzes[config.quiz];
    info.attempts_used = body.attempt.number;
    if (config.variant === "exam" && body.revealed) {
      window.sessionStorage.setItem(reviewKey, JSON.stringify({ responses: responses, attempt: body.attempt }));
      window.location.reload();
      return;
    }
    if (config.variant === "exam") {
      // The trainer's setting keeps the answers back: the score only, no page grading.
      showQuizState(info);
      const left = body.attempt.attempts_left === null ? "" : " " + format(messages.attempts_left, { count: body.attempt.attempts_left });
      say(format(messages.exam_saved, { number: body.attempt.number, percent: Math.round(body.result.percent * 10) / 10 }) + left, false);
      return;
    }
    blockSubmit(false);
    const shown = quizApi.submit();
    if (Math.abs(shown.score - body.result.score) > 1e-9) {
      console.warn("classroom: the page and the server graded differently", shown.score, body.result.score);
    }
    say(savedText(body.attempt), false);
  }

  function catchSubmit(event) {
    const target = event.target;
    const button = target && target.closest ? target.closest('[data-action="submit"]') : null;
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    send();
  }

  async function start() {
    document.addEventListener("click", catchSubmit, true);
    let response;
    try {
      response = await fetch(new URL("session", apiBase), { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (error) {
      say(messages.network, true);
      return;
    }
    if (response.status === 401) return joinPage();
    if (!response.ok) return say(messages.network, true);
    session = await response.json();
    whoElement.textContent = format(messages.signed_in, { name: session.learner.name, class: session.class.name });
    forgetOtherLearner(session.learner.id);
    const pending = window.sessionStorage.getItem(reviewKey);
    window.sessionStorage.removeItem(reviewKey);
    if (pending && config.variant === "full") {
      const review = JSON.parse(pending);
      quizApi.setResponses(review.responses);
      quizApi.submit();
      say(savedText(review.attempt), false);
      return;
    }
    showQuizState(session.quizzes[config.quiz]);
  }

  start();
})();
