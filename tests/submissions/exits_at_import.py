"""Fault: exits while being imported."""
import sys
sys.exit(0)
