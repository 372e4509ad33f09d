"""Fault: imports a module that does not exist."""
import numpyy
