/*
 * The quiz page (templates/site/quiz.html): answering, grading, try again.
 *
 * A plain script, no build step, no network; loaded after grading.js, whose
 * window.CourseGrading grades by the rules of course-format.md section 4 (the
 * same core and test vectors as course/grading/rules.py). The quiz comes from the
 * page's <script type="application/json" id="quiz-data"> block: the
 * Question.to_dict() mappings plus pass mark, storage key, display letters
 * and the interface strings in the course's language.
 *
 * For wrappers, the <article id="quiz"> carries data-quiz (id), data-module,
 * data-pass-mark, data-max (points), data-question-count and data-shuffle.
 *
 * Hooks (section 6), kept exactly:
 *   [data-question="<id>"]     each question (a <fieldset>), also carrying
 *                              data-type and data-points; after grading
 *                              data-earned="<points>" and data-status
 *                              (right | partial | wrong | unanswered)
 *   input[data-letter]         choice inputs: a, b, c... (file order, even
 *                              when shuffled); true_false: true / false
 *   [data-action="submit"], [data-action="retry"]
 *   [data-result]              after grading: data-score, data-max,
 *                              data-percent, data-passed ("true"/"false")
 * Numbers in these attributes are String(number) in JavaScript: the shortest
 * form that reads back as the same double ("3", "87.5",
 * "0.6666666666666666"), never rounded, so they equal course.grading.rules's
 * floats exactly. Visible text rounds to 2 decimals.
 *
 * API for wrappers (an LMS/SCORM layer), window.CourseQuiz:
 *   getResponses()      {questionId: response}, canonical forms of
 *                       course/grading/rules.py ("a", ["a","c"], true, "text",
 *                       ["b", null], ...); null when unanswered
 *   setResponses(map)   back to answering (if graded), clear every answer,
 *                       fill those given; unknown ids and letters are ignored
 *   submit()            grade what is on the page, show it, store it and
 *                       return the result
 *   useStorage(on)      false: forget this quiz's stored state and keep
 *                       nothing in localStorage from now on (an LMS that
 *                       keeps the learner's answers calls this, so nothing
 *                       stays behind on a shared computer); true: resume
 *   onResult(callback)  callback(result) after every grading by submit()
 *                       or the page's button (not when restored on reload)
 *   result: {quiz, score, max, percent, passed, pass_mark,
 *            earned: {questionId: points}, responses}
 *
 * Storage: localStorage[storage_key], storage_key =
 * "course-quiz:<course title slug>:<quiz id>", holds {version, fingerprint,
 * order, responses, submitted, result}; a stored state whose fingerprint
 * (a hash of the questions) differs from the page's is ignored. Answers are
 * saved as they are given; the result when graded; try again clears both.
 *
 * Shuffle (quiz shuffle: true): the options of single and multiple questions
 * are shown in a random order, never the file order, and labelled by their
 * position on the page; answers are still recorded by letter. The order is
 * stored, so a reload shows the same one; try again draws a new one.
 */
(function () {
  "use strict";

  const dataElement = document.getElementById("quiz-data");
  const grading = window.CourseGrading;
  if (!dataElement || !grading) return;

  const quiz = JSON.parse(dataElement.textContent);
  const messages = quiz.messages;
  const form = document.getElementById("quiz-form");
  const resultElement = document.getElementById("quiz-result");
  const resultActions = document.querySelector(".result-actions");
  const submitButton = document.querySelector('[data-action="submit"]');
  const retryButton = document.querySelector('[data-action="retry"]');
  const STATE_VERSION = 1;
  const callbacks = [];
  const questions = quiz.questions.map((data) => ({
    data: data,
    element: form.querySelector('[data-question="' + CSS.escape(data.id) + '"]'),
  }));

  let state = freshState();
  let lastResult = null;

  // ---- small helpers -------------------------------------------------------

  function format(message, values) {
    return message.replace(/%\((\w+)\)s|%%/g, (match, name) => (name ? String(values[name]) : "%"));
  }

  function shown(value) {
    const text = String(Number(value.toFixed(2)));
    return quiz.reading && quiz.reading.decimal_comma ? text.replace(".", ",") : text;
  }

  function letterAt(index) {
    return String.fromCharCode(97 + index);
  }

  function indexOfLetter(value) {
    return value.charCodeAt(0) - 97;
  }

  function fileOrder(count) {
    return Array.from({ length: count }, (_, index) => letterAt(index));
  }

  function isShuffled(question) {
    return quiz.shuffle && (question.data.type === "single" || question.data.type === "multiple");
  }

  function freshState() {
    return { version: STATE_VERSION, fingerprint: quiz.fingerprint, order: {}, responses: {}, submitted: false, result: null };
  }

  // ---- storage -------------------------------------------------------------

  function load() {
    try {
      const stored = JSON.parse(window.localStorage.getItem(quiz.storage_key));
      if (stored && stored.version === STATE_VERSION && stored.fingerprint === quiz.fingerprint) return stored;
    } catch (error) {
      // No storage (blocked, private mode) or unreadable: start afresh.
    }
    return null;
  }

  let storageOn = true;

  function useStorage(enabled) {
    storageOn = Boolean(enabled);
    if (storageOn) return save();
    try {
      window.localStorage.removeItem(quiz.storage_key);
    } catch (error) {
      // Nothing stored, or storage blocked: nothing to forget.
    }
  }

  function save() {
    if (!storageOn) return;
    try {
      window.localStorage.setItem(quiz.storage_key, JSON.stringify(state));
    } catch (error) {
      // Storage full or blocked: the page still works, it just forgets.
    }
  }

  // ---- shuffle -------------------------------------------------------------

  function shuffledOrder(count) {
    const order = fileOrder(count);
    for (let i = count - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    if (count > 1 && order.join() === fileOrder(count).join()) order.push(order.shift());
    return order;
  }

  function isPermutation(order, count) {
    return Array.isArray(order) && order.length === count && order.slice().sort().join() === fileOrder(count).join();
  }

  function chooseOrders(stored) {
    const orders = {};
    for (const question of questions) {
      if (!isShuffled(question)) continue;
      const count = question.data.options.length;
      const kept = stored && stored[question.data.id];
      orders[question.data.id] = isPermutation(kept, count) ? kept : shuffledOrder(count);
    }
    return orders;
  }

  function applyOrders(orders) {
    for (const question of questions) {
      const order = orders[question.data.id];
      if (!order) continue;
      const list = question.element.querySelector(".options");
      for (const key of order) list.appendChild(list.querySelector('[data-option="' + key + '"]'));
      for (const label of question.element.querySelectorAll("[data-letter-of]")) {
        label.textContent = quiz.letters[order.indexOf(label.dataset.letterOf)];
      }
    }
  }

  // ---- reading and writing answers -----------------------------------------

  function choiceInputs(element) {
    return Array.from(element.querySelectorAll("input[data-letter]"));
  }

  function textInput(element) {
    return element.querySelector('input[type="text"]');
  }

  function selects(element) {
    return Array.from(element.querySelectorAll("select"));
  }

  const readers = {
    single: (element) => {
      const checked = choiceInputs(element).find((input) => input.checked);
      return checked ? checked.dataset.letter : null;
    },
    multiple: (element) => {
      const letters = choiceInputs(element).filter((input) => input.checked).map((input) => input.dataset.letter);
      return letters.length ? letters.sort() : null;
    },
    true_false: (element) => {
      const checked = choiceInputs(element).find((input) => input.checked);
      return checked ? checked.dataset.letter === "true" : null;
    },
    short: readText,
    numeric: readText,
    matching: readSelects,
    ordering: readSelects,
  };

  function readText(element) {
    const value = textInput(element).value;
    return value.trim() ? value : null;
  }

  function readSelects(element) {
    const values = selects(element).map((select) => select.value || null);
    return values.some((value) => value !== null) ? values : null;
  }

  const writers = {
    single: (element, response) => checkLetters(element, [response]),
    multiple: (element, response) => checkLetters(element, Array.isArray(response) ? response : []),
    true_false: (element, response) => checkLetters(element, typeof response === "boolean" ? [String(response)] : []),
    short: writeText,
    numeric: writeText,
    matching: writeSelects,
    ordering: writeSelects,
  };

  function checkLetters(element, letters) {
    for (const input of choiceInputs(element)) input.checked = letters.includes(input.dataset.letter);
  }

  function writeText(element, response) {
    textInput(element).value = typeof response === "string" || typeof response === "number" ? String(response) : "";
  }

  function writeSelects(element, response) {
    selects(element).forEach((select, index) => {
      const value = Array.isArray(response) ? response[index] : null;
      select.value = typeof value === "string" && select.querySelector('option[value="' + CSS.escape(value) + '"]') ? value : "";
    });
  }

  function readResponses() {
    const responses = {};
    for (const question of questions) responses[question.data.id] = readers[question.data.type](question.element);
    return responses;
  }

  function writeResponses(responses) {
    for (const question of questions) {
      const response = responses && Object.prototype.hasOwnProperty.call(responses, question.data.id) ? responses[question.data.id] : null;
      writers[question.data.type](question.element, response);
    }
  }

  // ---- showing a result ----------------------------------------------------

  function setMark(mark, text) {
    if (!mark) return;
    mark.textContent = text;
    mark.hidden = !text;
  }

  function optionIsRight(data, key) {
    if (data.type === "true_false") return (key === "true") === data.answer;
    return data.options[indexOfLetter(key)].correct === true;
  }

  function markChoices(question) {
    for (const input of choiceInputs(question.element)) {
      const option = input.closest(".option");
      const right = optionIsRight(question.data, input.dataset.letter);
      const chosen = input.checked;
      option.classList.toggle("is-right", right);
      option.classList.toggle("is-chosen", chosen);
      option.classList.toggle("is-wrong", chosen && !right);
      let text = "";
      if (chosen) text = right ? messages.chosen_right : messages.chosen_wrong;
      else if (right) text = messages.right_answer;
      setMark(option.querySelector(".option-mark"), text);
      const feedback = option.querySelector(".option-feedback");
      if (feedback) feedback.hidden = !chosen;
    }
  }

  function markRows(question) {
    selects(question.element).forEach((select, index) => {
      const row = select.closest(".row");
      const key = question.data.answer[index];
      const right = select.value === key;
      row.classList.toggle("is-right", right);
      row.classList.toggle("is-wrong", !right);
      const text = right ? messages.row_right : format(messages.row_wrong, { answer: quiz.letters[indexOfLetter(key)] });
      setMark(row.querySelector(".row-mark"), text);
    });
  }

  function markText(question, earned) {
    const answered = readText(question.element) !== null;
    const right = earned.points === question.data.points;
    const box = question.element.querySelector(".text-answer");
    box.classList.toggle("is-right", answered && right);
    box.classList.toggle("is-wrong", answered && !right);
    setMark(box.querySelector(".answer-mark"), answered ? (right ? messages.status_right : messages.status_wrong) : "");
  }

  const markers = {
    single: markChoices,
    multiple: markChoices,
    true_false: markChoices,
    short: markText,
    numeric: markText,
    matching: markRows,
    ordering: markRows,
  };

  function statusOf(question, earned, response) {
    if (response === null) return "unanswered";
    if (earned.points >= question.data.points) return "right";
    return earned.points > 0 ? "partial" : "wrong";
  }

  function showQuestion(question, earned, response) {
    const element = question.element;
    const status = statusOf(question, earned, response);
    element.dataset.earned = String(earned.points);
    element.dataset.status = status;
    markers[question.data.type](question, earned);
    const outcome = element.querySelector(".question-outcome");
    outcome.querySelector(".question-score").textContent =
      messages["status_" + status] + " · " + format(messages.question_score, { earned: shown(earned.points), points: shown(question.data.points) });
    outcome.hidden = false;
  }

  function paragraph(className, text) {
    const element = document.createElement("p");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function showSummary(result, unanswered) {
    resultElement.dataset.result = "";
    resultElement.dataset.score = String(result.score);
    resultElement.dataset.max = String(result.max);
    resultElement.dataset.percent = String(result.percent);
    resultElement.dataset.passed = String(result.passed);
    const title = document.createElement("h2");
    title.textContent = messages.result_title;
    const values = { score: shown(result.score), max: shown(result.max), percent: shown(result.percent), pass_mark: shown(quiz.pass_mark) };
    const parts = [
      title,
      paragraph("result-score", format(messages.score, values)),
      paragraph("result-verdict " + (result.passed ? "is-passed" : "is-failed"), format(result.passed ? messages.passed : messages.failed, values)),
    ];
    if (unanswered) parts.push(paragraph("result-unanswered", format(messages.unanswered, { count: unanswered })));
    resultElement.replaceChildren(...parts);
    resultElement.closest(".quiz-result").classList.add("is-graded");
  }

  function setAnswering(answering) {
    for (const control of form.querySelectorAll("input, select")) control.disabled = !answering;
    submitButton.hidden = !answering;
    resultActions.hidden = answering;
    form.classList.toggle("is-graded", !answering);
  }

  function grade(responses) {
    const graded = grading.gradeQuiz({ pass_mark: quiz.pass_mark, questions: quiz.questions }, responses, quiz.reading);
    const earned = {};
    for (const question of questions) earned[question.data.id] = graded.earned[question.data.id].points;
    return {
      quiz: quiz.id,
      score: graded.score,
      max: graded.max,
      percent: graded.percent,
      passed: graded.passed,
      pass_mark: quiz.pass_mark,
      earned: earned,
      responses: responses,
      details: graded.earned,
    };
  }

  function show(result) {
    let unanswered = 0;
    for (const question of questions) {
      const response = result.responses[question.data.id];
      if (response === null) unanswered += 1;
      showQuestion(question, result.details[question.data.id], response);
    }
    showSummary(result, unanswered);
    setAnswering(false);
  }

  function publicResult(result) {
    const copy = JSON.parse(JSON.stringify(result));
    delete copy.details;
    return copy;
  }

  // ---- clearing ------------------------------------------------------------

  function clearMarks() {
    for (const question of questions) {
      const element = question.element;
      delete element.dataset.earned;
      delete element.dataset.status;
      element.querySelector(".question-outcome").hidden = true;
      for (const marked of element.querySelectorAll(".is-right, .is-wrong, .is-chosen")) {
        marked.classList.remove("is-right", "is-wrong", "is-chosen");
      }
      for (const hidden of element.querySelectorAll(".option-mark, .row-mark, .answer-mark, .option-feedback")) hidden.hidden = true;
    }
    for (const name of ["result", "score", "max", "percent", "passed"]) delete resultElement.dataset[name];
    resultElement.replaceChildren();
    resultElement.closest(".quiz-result").classList.remove("is-graded");
    setAnswering(true);
    lastResult = null;
  }

  // ---- actions -------------------------------------------------------------

  function submit() {
    const result = grade(readResponses());
    show(result);
    lastResult = publicResult(result);
    state.responses = result.responses;
    state.submitted = true;
    state.result = lastResult;
    save();
    resultElement.focus();
    for (const callback of callbacks) {
      try {
        callback(publicResult(result));
      } catch (error) {
        window.setTimeout(() => {
          throw error;
        });
      }
    }
    return publicResult(result);
  }

  function retry() {
    clearMarks();
    writeResponses({});
    state = freshState();
    state.order = chooseOrders(null);
    applyOrders(state.order);
    save();
    const first = form.querySelector("input, select");
    if (first) first.focus();
  }

  function setResponses(responses) {
    if (state.submitted) {
      clearMarks();
      state.submitted = false;
      state.result = null;
    }
    writeResponses(responses || {});
    state.responses = readResponses();
    save();
  }

  function answersChanged() {
    if (state.submitted) return;
    state.responses = readResponses();
    save();
  }

  // ---- start ---------------------------------------------------------------

  function start() {
    const stored = load();
    state.order = chooseOrders(stored && stored.order);
    applyOrders(state.order);
    if (stored) {
      writeResponses(stored.responses);
      state.responses = readResponses();
      if (stored.submitted) {
        const result = grade(state.responses);
        show(result);
        lastResult = publicResult(result);
        state.submitted = true;
        state.result = lastResult;
      }
    }
    save();
    form.addEventListener("change", answersChanged);
    form.addEventListener("input", answersChanged);
    form.addEventListener("submit", (event) => event.preventDefault());
    submitButton.addEventListener("click", submit);
    retryButton.addEventListener("click", retry);
  }

  window.CourseQuiz = {
    getResponses: readResponses,
    setResponses: setResponses,
    submit: submit,
    onResult: (callback) => {
      callbacks.push(callback);
    },
    useStorage: useStorage,
  };

  start();
})();
