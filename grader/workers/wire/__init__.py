"""What crosses between the trusted process and a worker: the plain-data codec, its framing, capped text.

Imported by both sides; imports nothing of kata's trusted side but :mod:`grader.settings`.
"""
