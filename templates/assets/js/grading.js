/*
 * The grading rules of course-format.md section 4, for the quiz page.
 *
 * The same rules as course/grading/rules.py, held to the same vectors
 * (tests/vectors/*.json) by tests/grading/test_vectors_js.py in real Chromium. It grades
 * from the mapping Question.to_dict() produces; responses use the canonical
 * forms documented in course/grading/rules.py. Points are computed with the same
 * operations in the same order as Python, so both give identical numbers.
 *
 * A plain script (no build step, no modules): it defines window.CourseGrading
 * and, when `module` exists, module.exports.
 *
 * Known residual difference: Python and the browser may ship different
 * Unicode versions; characters assigned only in the newer one may normalise,
 * case-fold or count as punctuation differently. Every character assigned in
 * Python's version is checked by tests/grading/test_vectors_js.py.
 */
(function (root) {
  "use strict";

  const REMOVED = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u200C-\u200F\u061C]/g;
  const INVISIBLE = /[\u200C-\u200F\u061C]/g;
  const VARIANTS = /[أإآٱىةیک\u0660-\u0669\u06F0-\u06F9]/g;
  const VARIANT_OF = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك" };
  const ARABIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;
  // Exactly Python's str.isspace(); JavaScript's \s differs (U+FEFF, U+001C-U+001F).
  const SPACE = "\t\n\u000B\f\r\u001C-\u001F \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
  const EDGE = new RegExp("^[" + SPACE + "\\p{P}]$", "u");
  const SPACES = new RegExp("[" + SPACE + "]+", "u");
  const OUTER_SPACES = new RegExp("^[" + SPACE + "]+|[" + SPACE + "]+$", "gu");
  const INTEGER = "[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:٬[0-9]{3})+|[0-9]+";
  const NUMBER = new RegExp("^[+-]?(?:(?:" + INTEGER + ")(?:[.٫][0-9]*)?|[.٫][0-9]+)$");
  // Where the course's language writes decimals with a comma (reading.decimal_comma, from CLDR by the build).
  const COMMA_INTEGER = "[0-9]{1,3}(?:\\.[0-9]{3})+|[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]{1,3}(?:٬[0-9]{3})+|[0-9]+";
  const COMMA_NUMBER = new RegExp("^[+-]?(?:(?:" + COMMA_INTEGER + ")(?:[,٫][0-9]*)?|[,٫][0-9]+)$");
  const PLAIN = { decimal_comma: false };

  class Unreadable extends Error {}

  function digitOf(ch) {
    const code = ch.codePointAt(0);
    return String(code >= 0x06F0 ? code - 0x06F0 : code - 0x0660);
  }

  function foldVariant(ch) {
    return VARIANT_OF[ch] || digitOf(ch);
  }

  // Python's str.casefold, one character at a time (toLowerCase alone keeps ß
  // and final sigma). Upper- then lower-casing one character equals casefold
  // except for the cases below (checked over all of Unicode in the tests).
  function casefoldChar(ch) {
    const code = ch.codePointAt(0);
    if (code >= 0x13A0 && code <= 0x13F5) return ch; // Cherokee folds to capitals
    if (code >= 0x13F8 && code <= 0x13FD) return String.fromCodePoint(code - 8);
    if (code >= 0xAB70 && code <= 0xABBF) return String.fromCodePoint(code - 0x97D0);
    if (ch === "\u0131") return ch; // dotless i
    if (ch === "\u1E9E") return "ss"; // capital sharp s
    return ch.toUpperCase().toLowerCase();
  }

  function casefold(text) {
    let out = "";
    for (const ch of text) out += casefoldChar(ch);
    return out;
  }

  function stripEdges(text) {
    const chars = Array.from(text);
    let start = 0;
    let end = chars.length;
    while (start < end && EDGE.test(chars[start])) start += 1;
    while (end > start && EDGE.test(chars[end - 1])) end -= 1;
    return chars.slice(start, end).join("");
  }

  function stripSpaces(text) {
    return text.replace(OUTER_SPACES, "");
  }

  function normalize(text) {
    text = text.normalize("NFKC").replace(REMOVED, "").replace(VARIANTS, foldVariant);
    return stripEdges(casefold(text)).split(SPACES).filter(Boolean).join(" ");
  }

  function parseNumber(text, decimalComma) {
    let value;
    if (decimalComma) {
      // NFKC would turn the no-break spaces that separate thousands into plain ones: read them first.
      text = stripSpaces(text.replace(INVISIBLE, "").replace(ARABIC_DIGITS, digitOf));
      text = text.replace(/[\u00a0\u202f]/g, " ").normalize("NFKC");
      if (!COMMA_NUMBER.test(text)) return null;
      value = Number(text.replace(/[. ٬]/g, "").replace(",", ".").replace("٫", "."));
    } else {
      text = stripSpaces(text.normalize("NFKC").replace(INVISIBLE, "").replace(ARABIC_DIGITS, digitOf));
      if (!NUMBER.test(text)) return null;
      value = Number(text.replace(/[,٬]/g, "").replace("٫", "."));
    }
    return Number.isFinite(value) ? value : null;
  }

  const graders = {};
  const UNANSWERED = { points: 0, warning: null };

  function registerGrader(type, grade) {
    graders[type] = grade;
  }

  function gradeQuestion(question, response, reading) {
    if (response === null || response === undefined || response === "") return UNANSWERED;
    if (Array.isArray(response) && response.length === 0) return UNANSWERED;
    const grade = graders[question.type];
    if (!grade) return { points: 0, warning: "no grader for question type `" + question.type + "`" };
    try {
      return grade(question, response, reading || PLAIN);
    } catch (error) {
      if (error instanceof Unreadable) return { points: 0, warning: error.message };
      throw error;
    }
  }

  function gradeQuiz(quiz, responses, reading) {
    const earned = {};
    for (const question of quiz.questions) {
      const response = Object.prototype.hasOwnProperty.call(responses, question.id) ? responses[question.id] : null;
      earned[question.id] = gradeQuestion(question, response, reading);
    }
    return summarize(quiz, earned);
  }

  function summarize(quiz, earned) {
    let score = 0;
    let max = 0;
    for (const question of quiz.questions) {
      score += earned[question.id].points;
      max += question.points;
    }
    const percent = (100 * score) / max;
    return { score: score, max: max, percent: percent, passed: percent >= quiz.pass_mark, earned: earned };
  }

  function allOrNothing(question, right) {
    return { points: right ? question.points : 0, warning: null };
  }

  function show(value) {
    if (typeof value === "string") return "`" + value + "`";
    return JSON.stringify(value) === undefined ? String(value) : JSON.stringify(value);
  }

  function letterIndex(value, count, what) {
    if (!(typeof value === "string" && value.length === 1 && value >= "a" && value <= "z")) {
      throw new Unreadable(show(value) + " is not a letter");
    }
    const index = value.charCodeAt(0) - 97;
    if (index >= count) throw new Unreadable("letter `" + value + "` names no " + what + " (there are " + count + ")");
    return index;
  }

  function letterList(response, count, what, emptyAllowed) {
    if (!Array.isArray(response)) throw new Unreadable("expected a list of letters, got " + show(response));
    return response.map((v) => (v === null && emptyAllowed ? null : letterIndex(v, count, what)));
  }

  function isNumber(value) {
    return typeof value === "number" && Number.isFinite(value);
  }

  // A number as an exact decimal (digits * 10 ** exponent) from its shortest
  // form, String(x), which is the digits Python's repr(x) gives.
  function decimal(value) {
    const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
    const fraction = match[3] || "";
    const digits = BigInt(match[2] + fraction) * (match[1] ? -1n : 1n);
    return { digits: digits, exponent: Number(match[4] || 0) - fraction.length };
  }

  function scaled(number, exponent) {
    return number.digits * 10n ** BigInt(number.exponent - exponent);
  }

  function within(value, answer, tolerance) {
    const numbers = [decimal(value), decimal(answer), decimal(tolerance)];
    const exponent = Math.min(...numbers.map((n) => n.exponent));
    const [v, a, t] = numbers.map((n) => scaled(n, exponent));
    const distance = v > a ? v - a : a - v;
    return distance <= t;
  }

  registerGrader("single", (question, response) => {
    const index = letterIndex(response, question.options.length, "option");
    return allOrNothing(question, question.options[index].correct === true);
  });

  registerGrader("multiple", (question, response) => {
    const chosen = new Set(letterList(response, question.options.length, "option", false));
    const correct = question.options.filter((option) => option.correct === true).length;
    if (!correct) throw new Unreadable("the question has no correct option");
    let right = 0;
    for (const index of chosen) if (question.options[index].correct === true) right += 1;
    const ratio = (right - (chosen.size - right)) / correct;
    return { points: ratio > 0 ? question.points * ratio : 0, warning: null };
  });

  registerGrader("true_false", (question, response) => {
    if (typeof response !== "boolean") throw new Unreadable("expected true or false, got " + show(response));
    return allOrNothing(question, response === question.answer);
  });

  registerGrader("short", (question, response) => {
    if (typeof response !== "string") throw new Unreadable("expected text, got " + show(response));
    const given = normalize(response);
    if (!given) return UNANSWERED;
    return allOrNothing(question, question.answers.some((accepted) => normalize(accepted) === given));
  });

  registerGrader("numeric", (question, response, reading) => {
    if (typeof response === "string" && !stripSpaces(response)) return UNANSWERED;
    const value = typeof response === "string" ? parseNumber(response, reading.decimal_comma) : response;
    if (!isNumber(value)) throw new Unreadable(show(response) + " is not a number");
    if (!(isNumber(question.answer) && isNumber(question.tolerance))) {
      throw new Unreadable("the question has no numeric answer");
    }
    return allOrNothing(question, within(value, question.answer, question.tolerance));
  });

  registerGrader("matching", (question, response) => {
    const given = letterList(response, question.choices.length, "choice", true);
    if (given.length > question.prompts.length) {
      throw new Unreadable(given.length + " answers for " + question.prompts.length + " prompts");
    }
    return shareRight(question, given, question.prompts.length);
  });

  registerGrader("ordering", (question, response) => {
    const given = letterList(response, question.items.length, "item", true);
    return shareRight(question, given, question.items.length);
  });

  // Points for the positions holding the right letter; missing positions are wrong.
  function shareRight(question, given, total) {
    if (given.every((index) => index === null)) return UNANSWERED;
    if (!total) throw new Unreadable("the question has nothing to match or order");
    let right = 0;
    const positions = Math.min(given.length, question.answer.length);
    for (let i = 0; i < positions; i += 1) {
      if (given[i] !== null && String.fromCharCode(97 + given[i]) === question.answer[i]) right += 1;
    }
    return { points: question.points * (right / total), warning: null };
  }

  const api = { normalize, parseNumber, gradeQuestion, gradeQuiz, summarize, registerGrader, graders };
  root.CourseGrading = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
