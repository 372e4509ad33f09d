"""Fault: never finishes importing."""
while True:
    pass
