"""The cohort report: one HTML file to look at a graded cohort, and code similarity.

``build`` gathers what it shows (``model``: one pass over the rows) and writes
the page (``page``, ``sections``, with ``plots`` as inline SVG and every text
escaped in one place, ``markup``); ``similarity`` finds pairs of submissions
more alike than independent work, for the report and ``kata similar``.
"""
