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
 *   showGraded(map)     fill these answers and show their result, as after
 *                       a reload, without calling onResult (a resume)
 *   the form dispatches "course-answers" (bubbling) whenever an answer
 *                       changes, moves and swaps included
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
 * One item per position (ordering, and matching with each_choice_once):
 *   the rows' <select>s (the hooks above) stay; choosing an item already
 *   held by another row swaps the two, so a full answer is a permutation.
 *   Ordering rows also move: Up/Down buttons, Alt+ArrowUp/ArrowDown on a
 *   row's list, and dragging the handle with a pointer. The first move
 *   fills empty positions with the items left, in the order shown; every
 *   move is announced (aria-live).
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
      select.dataset.was = select.value;
    });
    refreshMoves(element);
  }

  // ---- one item per position: swap, move, drag -------------------------------

  function swapRows(target) {
    return target instanceof HTMLSelectElement ? target.closest('.rows[data-swap="true"]') : null;
  }

  // Arrow keys step a closed <select> through its values, one change event
  // each: those steps are not choices, so the swap waits until the learner
  // leaves the list. A pick with the pointer (or a script) swaps at once.
  function noteKey(event) {
    if (swapRows(event.target) && !event.altKey && event.key !== "Tab") event.target.dataset.keyed = "true";
  }

  function swapOnChange(event) {
    const select = event.target;
    if (!swapRows(select)) return;
    if (select.dataset.keyed) {
      select.dataset.pending = "true";
      return;
    }
    swapAway(select);
  }

  function swapOnLeave(event) {
    const select = event.target;
    if (!swapRows(select)) return;
    delete select.dataset.keyed;
    if (!select.dataset.pending) return;
    delete select.dataset.pending;
    swapAway(select);
    answersChanged();
  }

  function swapAway(select) {
    const rows = swapRows(select);
    const was = select.dataset.was || "";
    for (const other of rows.querySelectorAll("select")) {
      if (other !== select && select.value && other.value === select.value) other.value = was;
      other.dataset.was = other.value;
    }
  }

  function refreshMoves(element) {
    const list = selects(element);
    list.forEach((select, index) => {
      const row = select.closest(".row");
      const up = row.querySelector('[data-move="up"]');
      const down = row.querySelector('[data-move="down"]');
      if (up) up.disabled = select.disabled || index === 0;
      if (down) down.disabled = select.disabled || index === list.length - 1;
    });
  }

  function itemText(select) {
    const option = select.selectedOptions[0];
    return option && option.value ? option.textContent : messages.empty_position;
  }

  // Move the item at position ``from`` to position ``to``, the others shifting.
  function moveItem(element, from, to) {
    const list = selects(element);
    if (to < 0 || to >= list.length || from === to || list[from].disabled) return false;
    const values = list.map((select) => select.value);
    const unused = fileOrder(list[0].options.length - 1).filter((key) => !values.includes(key));
    const filled = values.map((value) => value || unused.shift() || "");
    const [moved] = filled.splice(from, 1);
    filled.splice(to, 0, moved);
    list.forEach((select, index) => {
      select.value = filled[index];
      select.dataset.was = select.value;
    });
    refreshMoves(element);
    const status = element.querySelector("[data-move-status]");
    if (status) status.textContent = format(messages.moved, { item: itemText(list[to]), n: to + 1 });
    answersChanged();
    return true;
  }

  function rowIndex(element, node) {
    return selects(element).indexOf(node.closest(".row").querySelector("select"));
  }

  function moveByButton(event) {
    const button = event.target.closest && event.target.closest("[data-move]");
    if (!button) return;
    const question = questions.find((q) => q.element.contains(button));
    const from = rowIndex(question.element, button);
    const to = from + (button.dataset.move === "up" ? -1 : 1);
    if (!moveItem(question.element, from, to)) return;
    // Focus follows the item, on the same button where it still can move.
    const row = selects(question.element)[to].closest(".row");
    const same = row.querySelector('[data-move="' + button.dataset.move + '"]');
    (same && !same.disabled ? same : row.querySelector("[data-move]:not([disabled])") || row.querySelector("select")).focus();
  }

  function moveByKey(event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const target = event.target;
    if (!target.closest || !target.closest(".rows.is-list")) return;
    const question = questions.find((q) => q.element.contains(target));
    const from = rowIndex(question.element, target);
    const to = from + (event.key === "ArrowUp" ? -1 : 1);
    event.preventDefault();
    if (moveItem(question.element, from, to)) selects(question.element)[to].focus();
  }

  // Dragging a row's handle with a mouse, pen or finger (pointer events).
  function startDrag(event) {
    const handle = event.target.closest && event.target.closest(".drag-handle");
    if (!handle || event.button > 0) return;
    const question = questions.find((q) => q.element.contains(handle));
    const from = rowIndex(question.element, handle);
    if (selects(question.element)[from].disabled) return;
    event.preventDefault();
    const dragged = handle.closest(".row");
    dragged.classList.add("is-dragged");
    const rowUnder = (moveEvent) => {
      const under = document.elementFromPoint(moveEvent.clientX, moveEvent.clientY);
      const row = under && under.closest(".row");
      return row && question.element.contains(row) ? rowIndex(question.element, row) : -1;
    };
    const over = (moveEvent) => {
      for (const row of question.element.querySelectorAll(".row")) row.classList.remove("is-drop-target");
      const index = rowUnder(moveEvent);
      if (index >= 0) selects(question.element)[index].closest(".row").classList.add("is-drop-target");
    };
    const end = (upEvent) => {
      document.removeEventListener("pointermove", over);
      document.removeEventListener("pointerup", end);
      document.removeEventListener("pointercancel", end);
      for (const row of question.element.querySelectorAll(".row")) row.classList.remove("is-drop-target", "is-dragged");
      const to = upEvent.type === "pointerup" ? rowUnder(upEvent) : -1;
      if (to >= 0) moveItem(question.element, from, to);
    };
    document.addEventListener("pointermove", over);
    document.addEventListener("pointerup", end);
    document.addEventListener("pointercancel", end);
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
    for (const question of questions) refreshMoves(question.element);
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
    form.dispatchEvent(new CustomEvent("course-answers", { bubbles: true }));
  }

  // Back to a graded state without a new report: the answers and their
  // result as they were when the learner left (an LMS wrapper's resume).
  function showGraded(responses) {
    if (state.submitted) clearMarks();
    writeResponses(responses || {});
    const result = grade(readResponses());
    show(result);
    lastResult = publicResult(result);
    state.responses = result.responses;
    state.submitted = true;
    state.result = lastResult;
    save();
    return publicResult(result);
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
    form.addEventListener("change", swapOnChange);
    form.addEventListener("change", answersChanged);
    form.addEventListener("click", moveByButton);
    form.addEventListener("keydown", moveByKey);
    form.addEventListener("keydown", noteKey);
    form.addEventListener("focusout", swapOnLeave);
    form.addEventListener("pointerdown", startDrag);
    form.addEventListener("input", answersChanged);
    form.addEventListener("submit", (event) => event.preventDefault());
    submitButton.addEventListener("click", submit);
    retryButton.addEventListener("click", retry);
  }

  window.CourseQuiz = {
    getResponses: readResponses,
    setResponses: setResponses,
    showGraded: showGraded,
    submit: submit,
    onResult: (callback) => {
      callbacks.push(callback);
    },
    useStorage: useStorage,
  };

  start();
})();
