#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 (Django 6 needs it), or fails with a clear message.
set -u
cands=()
[ -n "${PYTHON:-}" ] && cands+=("$PYTHON")
cands+=(python3.13 python3.12)
if command -v pyenv >/dev/null 2>&1; then
  want=$(cat "$(dirname "$0")/../.python-version" 2>/dev/null)
  for v in "$want" 3.13.0 3.12.1; do
    p=$(pyenv prefix "$v" 2>/dev/null) && cands+=("$p/bin/python3")
  done
fi
cands+=(python3)
for c in "${cands[@]}"; do
  path=$(command -v "$c" 2>/dev/null) || continue
  real=$("$path" -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null) \
    && { echo "$real"; exit 0; }
done
echo "error: AUX needs Python >= 3.12 (Django 6). Install python3.12 or newer (e.g. 'pyenv install 3.12'), or set PYTHON=/path/to/python3.12." >&2
exit 1
