"""The instructor's commands, one module per `course` verb (release, collect, grade, feedback,
export, report, check), built on nbgrader's own commands and gradebook (`gradebook`).
Grading one submission is the autograder's job (course.autograder)."""
