# The man page and the bash completion the build generates (`ebm _docs`)
# name every command of `ebm help` and every plugin of `ebm list`, and the
# completion, sourced into bash, completes commands, options, config keys
# and plugin names.
source "$SRC/tests/cli/lib.bash"

"$EBM" help >help.txt 2>&1 || fail "ebm help"
commands=$(sed -n 's/^  \([a-z]*\)  .*/\1/p' help.txt)
[ "$(echo "$commands" | wc -w)" -ge 9 ] || fail "ebm help lists too few commands: $commands"
declare -A plugins
for kind in models samplers datasets estimators; do
  plugins[$kind]=$("$EBM" list "$kind" | sed -n 's/^  \([a-z_0-9]*\) — .*/\1/p')
  [ "$(echo "${plugins[$kind]}" | wc -w)" -ge 3 ] || fail "ebm list $kind lists too few: ${plugins[$kind]}"
done

expect_status 0 "ebm _docs man" -- "$EBM" _docs man
cp "$WORK/out" ebm.1
MANWIDTH=200 man -l ebm.1 >man.txt 2>man.err && [ ! -s man.err ] &&
  pass "man -l renders it without warnings" || { fail "man -l ebm.1"; cat man.err >&2; }
for cmd in $commands; do
  grep -q "^   $cmd\$" man.txt && pass "the man page has a section for $cmd" ||
    fail "the man page lacks the command $cmd"
done
grep -q "_docs" man.txt && fail "the man page shows the build's _docs command" ||
  pass "the man page leaves out _docs"
for kind in "${!plugins[@]}"; do
  missing=0
  for p in ${plugins[$kind]}; do   # a .TP tag: alone on its line, or before the text
    grep -qE "^       $p( |\$)" man.txt || { fail "the man page lacks the $kind plugin $p"; missing=1; }
  done
  [ $missing -eq 1 ] || pass "the man page names every one of the $(echo "${plugins[$kind]}" | wc -w) $kind"
done
expect_in man.txt "EBM_DATA_DIR" "the man page says where the data is found"

expect_status 0 "ebm _docs bash" -- "$EBM" _docs bash
cp "$WORK/out" ebm.bash
bash -n ebm.bash && pass "the completion is valid bash" || fail "the completion does not parse"
expect_status 2 "ebm _docs with nothing to print" -- "$EBM" _docs

# complete WORD... : what the completion offers for the last word, one a line.
# The words are split as bash splits them (COMP_WORDBREAKS holds '=').
complete_words() {
  bash -c 'source ./ebm.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ebm
           printf "%s\n" "${COMPREPLY[@]}"' complete "$@"
}
offered=$(complete_words ebm "")
for cmd in $commands; do
  echo "$offered" | grep -qx "$cmd" || fail "'ebm <TAB>' does not offer $cmd"
done
[ "$(echo "$offered" | wc -l)" -eq "$(echo "$commands" | wc -w)" ] &&
  pass "'ebm <TAB>' offers exactly the $(echo "$commands" | wc -w) commands" ||
  fail "'ebm <TAB>' offers: $offered"
[ "$(complete_words ebm sw)" = sweep ] && pass "'ebm sw<TAB>' gives sweep" || fail "'ebm sw<TAB>'"
complete_words ebm run x.yaml --q | grep -qx -- "--quiet" && pass "'ebm run --q<TAB>' gives --quiet" ||
  fail "'ebm run --q<TAB>'"
complete_words ebm run x.yaml model.hid | grep -qx "model.hidden=" &&
  pass "'ebm run x.yaml model.hid<TAB>' gives model.hidden=" || fail "key completion"
complete_words ebm list "" | grep -qx "estimators" && pass "'ebm list <TAB>' offers the kinds" ||
  fail "'ebm list <TAB>'"
check_values() {   # check_values KIND KEY: KEY=<TAB> offers every plugin of KIND
  local got p missing=0; got=$(complete_words ebm run x.yaml "$2" =)
  for p in ${plugins[$1]}; do
    echo "$got" | grep -qx "$p" || { fail "'$2=<TAB>' does not offer the $1 plugin $p"; missing=1; }
  done
  [ $missing -eq 1 ] || pass "'ebm run x.yaml $2=<TAB>' offers all $(echo "${plugins[$1]}" | wc -w) $1"
}
check_values models model.type
check_values samplers train.sampler.type
check_values datasets data.type
check_values estimators log.estimators.0.type
[ "$(complete_words ebm run x.yaml model.type = rb)" = rbm ] &&
  pass "'model.type=rb<TAB>' gives rbm" || fail "'model.type=rb<TAB>'"
complete_words ebm run x.yaml model.rule = | grep -qx storkey &&
  pass "an enum key offers its choices" || fail "'model.rule=<TAB>'"
finish
