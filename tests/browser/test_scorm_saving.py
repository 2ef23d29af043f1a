"""Nothing a learner does in a SCORM package is lost: every answer reaches the LMS as it is
given (suspend_data and its interaction), commits come at a bounded rate, the earlier result
is shown again on relaunch, and scores are sent with at most 7 decimals.

The LMS is scorm-again in Chromium, as in tests/package/test_scorm.py (whose host page and
helpers these tests use); the clock is Playwright's, paused, so "two seconds" is exact.
"""

from __future__ import annotations

import json
import re

import pytest

from course.grading.rules import grade_quiz
from tests.package.test_scorm import ENGLISH, SCORM_AGAIN, VERSIONS, Lms, host_page, load, mastery_of, unzip

SCORE_ELEMENTS = re.compile(r"^cmi\.(core\.)?score\.(raw|min|max|scaled)$|^cmi\.interactions\.\d+\.weighting$")
SEVEN_DECIMALS = re.compile(r"^-?\d+(\.\d{1,7})?$")


@pytest.fixture(params=list(VERSIONS))
def english_lms(request, english_build, browser, tmp_path):
    if not (SCORM_AGAIN / "scorm12.js").is_file():
        pytest.skip("node_modules/scorm-again is missing (npm install): it is the LMS runtime of these tests")
    package = unzip(load(ENGLISH), english_build, VERSIONS[request.param], tmp_path / "package-root")
    folder = tmp_path / "lms"
    folder.mkdir()
    host_page(folder)
    (folder / "package").symlink_to(package.root, target_is_directory=True)
    lms = Lms(browser, package, folder)
    yield lms
    lms.close()


def commits(lms: Lms) -> int:
    return sum(1 for call in lms.calls() if call[0] in ("LMSCommit", "Commit"))


def response_key(lms: Lms) -> str:
    return "student_response" if lms.package.kind == "scorm12" else "learner_response"


def test_each_answer_is_committed_before_check_my_answers_at_most_once_per_two_seconds(english_lms):
    lms = english_lms
    module = lms.package.course.modules[0]
    frame = lms.open_quiz(lms.launch(module.id, mastery_of(lms.package, module.id)))
    before = commits(lms)
    frame.locator('[data-question="q1"] input[data-letter="b"]').check()
    frame.locator('[data-question="q3"] input[data-letter="false"]').check()
    frame.locator('[data-question="q4"] input[type="text"]').fill("manifest")
    frame.locator('[data-question="q7"] .row >> nth=0 >> [data-move="down"]').click()  # a move in the ordering list
    # Saved to the LMS at once; committed within the gap, not once per answer.
    saved = json.loads(lms.get("cmi.suspend_data"))["q"]["customs-basics-quiz"]["r"]
    assert saved == {"q1": "b", "q3": False, "q4": "manifest", "q7": ["b", "a", "c"]}
    assert commits(lms) - before <= 1
    lms.page.clock.run_for(2100)
    assert commits(lms) - before >= 1
    after = commits(lms)
    lms.page.clock.run_for(10_000)
    assert commits(lms) == after, "no commit when nothing changed"
    # The interactions carry each response already, with no result yet.
    found = lms.cmi()["interactions"]
    found = [found[k] for k in sorted(found, key=int)] if isinstance(found, dict) else found
    by_id = {i["id"]: i for i in found}
    assert by_id["customs-basics-quiz.q1"][response_key(lms)] == "b"
    assert by_id["customs-basics-quiz.q1"].get("result", "") == ""
    # The browser crashes here: what the LMS committed is all there is, and it has every answer.
    assert not lms.errors, "\n".join(lms.errors)


def test_the_earlier_result_is_shown_again_on_relaunch_and_scores_have_seven_decimals(english_lms):
    lms = english_lms
    package = lms.package
    module = package.course.modules[0]
    quiz = package.course.quizzes_for(module.id)[0]
    frame = lms.open_quiz(lms.launch(module.id, mastery_of(package, module.id)))
    for position, key in enumerate(["c", "a", "b"]):  # a third of q7: 1/3 of 8 points, 4.1666...%
        frame.locator('[data-question="q7"] select').nth(position).select_option(key)
    frame.locator('[data-action="submit"]').click()
    graded = grade_quiz(quiz, {"q7": ["c", "a", "b"]})
    assert len(repr(graded.score / graded.max).split(".")[1]) > 7, "the case needs a long fraction"
    sets = [call[1:3] for call in lms.calls() if call[0] in ("LMSSetValue", "SetValue") and SCORE_ELEMENTS.match(call[1])]
    assert sets
    for element, value in sets:
        assert SEVEN_DECIMALS.match(value), f"{element} = {value}"
        assert -1 <= float(value) <= 1 or not element.endswith("scaled")
    if package.kind == "scorm2004":
        assert lms.get("cmi.score.scaled") == "0.0416667"
        assert float(lms.get("cmi.score.raw")) == pytest.approx(graded.score, abs=1e-7)
    else:
        assert lms.get("cmi.core.score.raw") == "4.1666667"
    lms.unload()
    cmi = lms.cmi()
    core = cmi["core"] if package.kind == "scorm12" else cmi
    entry = {"entry": "resume"}
    initial = {"suspend_data": cmi["suspend_data"], "interactions": cmi["interactions"], **mastery_of(package, module.id)}
    initial.update({"core": {**entry, "lesson_status": core["lesson_status"]}} if package.kind == "scorm12" else entry)
    frame = lms.open_quiz(lms.launch(module.id, initial))
    result = frame.locator("[data-result]")
    assert result.count() == 1, "the earlier result is shown on relaunch"
    assert float(result.get_attribute("data-score")) == pytest.approx(graded.score)
    assert frame.get_attribute('[data-question="q7"]', "data-status") == "partial"
    calls_before = len(lms.calls())
    # Try again, then leave: the next launch shows answering again, not the old result.
    frame.locator('[data-action="retry"]').click()
    assert frame.locator("[data-result]").count() == 0
    new_sets = [c for c in lms.calls()[calls_before:] if c[0] in ("LMSSetValue", "SetValue") and "score" in c[1]]
    assert not new_sets, "showing the earlier result reports nothing again"
    lms.unload()
    cmi = lms.cmi()
    initial["suspend_data"] = cmi["suspend_data"]
    frame = lms.open_quiz(lms.launch(module.id, initial))
    assert frame.locator("[data-result]").count() == 0
    assert not lms.errors, "\n".join(lms.errors)


def test_inside_the_package_the_module_page_shows_the_lms_result_and_search_works(english_lms):
    lms = english_lms
    package = lms.package
    module = package.course.modules[0]
    quiz = package.course.quizzes_for(module.id)[0]
    frame = lms.open_quiz(lms.launch(module.id, mastery_of(package, module.id)))
    frame.locator('[data-question="q1"] input[data-letter="a"]').check()
    frame.locator('[data-action="submit"]').click()
    assert frame.evaluate("() => CourseSearch.search('manifest').length") > 0, "the index ships in the package"
    frame.locator(".quiz-back a").click()
    frame.wait_for_url(f"**/modules/{module.id}.html")
    shown = frame.locator(f'[data-progress-quiz="{quiz.id}"]')
    shown.wait_for(state="visible")
    assert shown.get_attribute("data-state") == "not-passed"
    assert f"{quiz.max_points:g}" in shown.text_content()
    kept = frame.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('course-'))")
    assert kept == [], "inside an LMS the browser keeps no progress (shared computers)"
    assert not lms.errors, "\n".join(lms.errors)
