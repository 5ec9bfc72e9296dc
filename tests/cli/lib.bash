# lib.bash — shared by the CLI tests: a scratch directory, and checks that
# print what went wrong. EBM (the binary) and SRC (the tree) come from CTest.
set -u
: "${EBM:?EBM must name the ebm binary}" "${SRC:?SRC must name the source tree}"
WORK=$(mktemp -d /tmp/ebm-cli-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok   $*"; }

# expect_status WANT DESCRIPTION -- command...
expect_status() {
  local want=$1 what=$2; shift 3
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "$what: exit status $got, expected $want"; sed 's/^/  | /' "$WORK/err" >&2
    return 1
  fi
  pass "$what"
}

# expect_in FILE TEXT DESCRIPTION
expect_in() {
  if grep -qF -- "$2" "$1"; then pass "$3"; else
    fail "$3: '$2' not in $(basename "$1")"; sed 's/^/  | /' "$1" | head -20 >&2; fi
}

# Under sanitizers the binary is several times slower: long checks skip.
sanitized() { [ -n "${EBM_SANITIZED:-}" ]; }

finish() {
  if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
  echo "all checks passed"; exit 0
}
