"""The HTTP endpoints, one module per audience: learners, the quiz API, trainers, verification."""
