"""nbgrader configuration for the course "Summits and Warheads".

nbgrader reads this file from the directory it runs in, so every `nbgrader ...`
and `course ...` command is run from the repository root (the course root).
"""

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

# --- identity and layout --------------------------------------------------------
c.CourseDirectory.course_id = "summits-and-warheads"
# The committed, instructor-facing notebooks (with solutions and hidden tests)
# live in notebooks/<assignment>/, not nbgrader's default source/.
c.CourseDirectory.source_directory = "notebooks"

# --- execution limits while validating and autograding -----------------------------
# Every course notebook runs top to bottom in well under 10 s, so a cell that takes
# 60 s is a runaway student loop: stop it rather than stall a grading batch.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# A kernel that dies is not retried: the same code would die again.
c.Execute.execute_retries = 0

# --- what `course grade` and `course check` allow one submission ---------------------
# (course/autograder/limits.py; the cell timeout is c.Execute.timeout above; `course grade`
# options override these for one batch). nbgrader ignores this section.
c.GradingLimits.submission_timeout = 300  # seconds for the whole notebook
c.GradingLimits.memory_mb = 2048
c.GradingLimits.max_processes = 256
c.GradingLimits.max_file_mb = 64
c.GradingLimits.max_disk_mb = 256  # all the files one submission writes, together
c.GradingLimits.max_files = 10_000
c.GradingLimits.max_output_bytes = 1_000_000
c.GradingLimits.max_notebook_bytes = 20_000_000

# --- output limits: hostile or careless output must not bloat feedback or the gradebook
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# --- what students see in place of solutions ---------------------------------------
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# --- feedback -------------------------------------------------------------------------
# Feedback shows each test's message but not the hidden test code: hidden tests stay useful
# for the next class, and the messages are written to teach without giving answers away.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
    # tracebacks quote the lines around the error, which can be hidden tests
    "course.pipeline.redact.RedactTestTracebacks",
    # padded rubric tables; after CSSHTMLHeaderPreprocessor, which resets the page's inlined CSS
    "course.pipeline.pagestyle.TableStyle",
]
# The formgrader renders submissions with an HTMLExporter built from this file: the same padding.
c.HTMLExporter.preprocessors = ["course.pipeline.pagestyle.TableStyle"]

# --- deadlines and late submissions ----------------------------------------------------------------
# Due dates and extensions live in the gradebook (`course deadline`, `course extensions import`;
# see docs/instructor-guide.md). A due date written without a zone, and the times in a Moodle
# grading worksheet, are read in this time zone. The formgrader shows times in NbGraderAPI.timezone.
c.Deadlines.timezone = "UTC"
c.NbGraderAPI.timezone = "UTC"
# What a late submission costs, applied by `course grade` exactly as by `nbgrader autograde`
# (nbgrader's AssignLatePenalties with this plugin), per notebook, on its score:
#   "none" - no penalty (nbgrader's default); "zero" - the whole score.
c.LateSubmissionPlugin.penalty_method = "none"
# For "a share of the score per started day late", use the course's plugin instead (stock nbgrader
# can use it too):
#   c.AssignLatePenalties.plugin_class = "course.pipeline.deadlines.PerDayPenalty"
#   c.PerDayPenalty.per_day = 0.1
