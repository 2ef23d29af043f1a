"""Classroom mode: a web server for a training room with no LMS.

It serves the built course, takes quiz submissions and grades them with
``course.grading.rules`` (the one grading core), stores every attempt, and gives
trainers a dashboard, CSV exports and PDF certificates. The static site and
the LMS packages do not need it.

Layout, in the order a request meets it:

- ``config``       what the server was started with
- ``db``           engines (SQLite in WAL mode, or PostgreSQL) and transactions
- ``migrations``   the versioned schema, applied on start
- ``tables``       the tables as the queries see them
- ``store``        the queries: classes, learners, quiz settings, attempts
- ``security``     signed cookies, CSRF tokens, trainer passwords and sessions
- ``throttle``     counting wrong passwords and codes (per name, address, learner, overall) in the database
- ``trainers``     trainer accounts, administrators and signing in (counted before the password is checked)
- ``sitefiles``    canonical request paths, and the build's files served by manifest kind (keys to trainers only)
- ``pages``        quiz pages for classroom mode (script injected, exam pages stripped until answers are shown)
- ``submissions``  reading a submission, grading it, recording the attempt
- ``reports``      gradebook, item analysis and chart geometry for the dashboard
- ``certificates`` eligibility, verification codes, QR codes and the PDF
- ``views``        the Jinja environment of ``templates/classroom``
- ``routes``       the HTTP endpoints (learner, api, trainer, verify)
- ``app``          the Starlette application and its middleware
- ``server``       building the site and running uvicorn
"""
