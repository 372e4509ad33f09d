"""What runs in the untrusted processes: the fork server, the worker, and the sandbox they apply.

Imports nothing of kata's trusted side but :mod:`grader.settings` (a test enforces it).
"""
