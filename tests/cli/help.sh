# The command table drives the help: `ebm help` lists every command, and for
# each one `ebm CMD --help`, `ebm CMD -h` and `ebm help CMD` print its usage
# and exit 0; unknown commands and unknown help topics exit 2.
source "$SRC/tests/cli/lib.bash"

expect_status 0 "ebm help" -- "$EBM" help
cp "$WORK/out" "$WORK/help"
commands=$(sed -n 's/^  \([a-z]*\)  .*/\1/p' "$WORK/help")
[ "$(echo "$commands" | wc -w)" -ge 9 ] && pass "ebm help lists $(echo "$commands" | wc -w) commands" ||
  fail "ebm help lists too few commands: $commands"
for cmd in run sweep validate list plot sample reproduce show version help; do
  echo "$commands" | grep -qx "$cmd" || fail "ebm help does not list $cmd"
done
for cmd in $commands; do
  for ask in --help -h; do
    expect_status 0 "ebm $cmd $ask" -- "$EBM" "$cmd" "$ask" &&
      expect_in "$WORK/out" "usage: ebm $cmd" "ebm $cmd $ask prints its usage"
  done
  expect_status 0 "ebm help $cmd" -- "$EBM" help "$cmd" &&
    expect_in "$WORK/out" "usage: ebm $cmd" "ebm help $cmd prints its usage"
done
expect_status 0 "ebm --help" -- "$EBM" --help
expect_status 2 "ebm with no command" -- "$EBM"
expect_in "$WORK/err" "usage: ebm <command>" "… prints the usage on stderr"
expect_status 2 "ebm help of an unknown command" -- "$EBM" help nosuch
expect_in "$WORK/err" "unknown command 'nosuch'" "… names it"
expect_status 2 "an unknown command" -- "$EBM" nosuch
expect_in "$WORK/err" "  run " "… and lists the commands"
expect_status 2 "an option the command does not take" -- "$EBM" show -j 2 x
expect_in "$WORK/err" "unknown option '-j'" "… is named"
finish
