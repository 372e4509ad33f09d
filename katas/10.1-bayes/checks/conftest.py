"""Lets authors run these checks with pytest; see grader/pytest_plugin.py."""

from grader.pytest_plugin import *  # noqa: F401,F403
