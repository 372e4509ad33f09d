"""Fault: raises while being imported."""
raise RuntimeError("no config file")
