#!/usr/bin/env bash
# test_fuzz_smoke.sh - `make check`'s short fuzz run: every target, its seeds, then 10 s.
exec "$(dirname "$0")/run.sh" smoke
