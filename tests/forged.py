"""Submissions that rewrite their own worker's replies: what a learner can send the trusted side.

A forger replaces the worker's ``_reply`` at import time; its replies to calls
(and, with ``also_import``, to the import) are the bytes the test chose.
"""

FORGER = '''
import grader.workers.inside.worker as _worker

_replies = [0]
_original = _worker._reply

def _forge(channel, answer):
    _replies[0] += 1
    if _replies[0] == 1 and not {also_import}:
        return _original(channel, answer)  # the import's answer, as it is
    {body}

_worker._reply = _forge
'''


def forger(source: str, body: str, also_import: bool = False) -> str:
    """``source`` (a correct submission) whose worker sends what ``body`` sends instead of each reply."""
    return FORGER.replace("{also_import}", str(also_import)).replace("{body}", body) + source


def aliased(raw_bytes: int) -> str:
    """A reply of 24 arrays that all take the same ``raw_bytes``: 24 times that decoded before arrays had
    to be in order."""
    return ("channel.send_bytes(__import__('struct').pack('>I', len(_t := ('{\"ok\": [' + ','.join("
            f"['{{\"a\": [\"|u1\", [{raw_bytes}], 0]}}'] * 24) + '], \"out\": \"\"}}').encode())) + _t "
            f"+ bytes({raw_bytes}))")


ALIASED = aliased(8 << 20)
"""24 arrays on the same 8 MiB: 192 MiB decoded from an 8 MiB frame, before the fix."""
BAD_DTYPE = ("channel.send_bytes(__import__('struct').pack('>I', len(_t := b'{\"ok\": {\"a\": [\"(,\", [1], 0]}, "
             "\"out\": \"\"}')) + _t + bytes(8))")
"""A reply whose array names a dtype numpy's parser chokes on (SyntaxError)."""
