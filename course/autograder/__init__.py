"""The runtime that grades one submission: rebuild it around the instructor's template, run it in
a sandboxed kernel forked from a pre-imported zygote, score it, and end what it left running.

`worker.grade_submission` is the entry point (used by `course grade` and `course check`); `limits`
holds every limit, `compat` every private hook into jupyter_client and nbclient.
"""
