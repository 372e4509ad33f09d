"""The trusted side of the worker layer: launching workers and talking to the fork server."""
