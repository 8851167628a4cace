"""Tools for the test suite and the benchmarks, not for the app: nothing here imports
Django, so a benchmark driving processes from outside the app can use it as well as a
test running inside Django."""
