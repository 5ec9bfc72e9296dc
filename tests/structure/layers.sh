# layers.sh — the layout keeps its promises: every file includes headers of
# its own layer or of layers below it (the order is EBM_LAYERS in
# CMakeLists.txt, then framework/cli on top), no file under framework/
# includes a header under models/, and no two modules include each other in
# a circle (a module is a .c, its .h and its *_internal.h). Run by CTest with
# SRC set to the source tree; prints every offence.
set -u
: "${SRC:?SRC must name the source tree}"
cd "$SRC" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The layers, lowest first: "name:dir,dir" entries between `set(EBM_LAYERS`
# and its closing parenthesis.
layers=$(sed -n '/^set(EBM_LAYERS/,/)/p' CMakeLists.txt | sed 's/set(EBM_LAYERS//; s/)//' |
  tr -s ' \n' '\n' | grep ':')
layers="$layers
cli:framework/cli"
[ "$(echo "$layers" | wc -l)" -ge 10 ] || { echo "FAIL: cannot read EBM_LAYERS from CMakeLists.txt" >&2; exit 1; }

# dir -> layer number, header -> dir
declare -A layer_of_dir header_dir
n=0
while IFS=: read -r name dirs; do
  n=$((n + 1))
  for dir in ${dirs//,/ }; do
    layer_of_dir[$dir]=$n
    for h in "$dir"/*.h; do
      [ -e "$h" ] || continue
      base=${h##*/}
      [ -z "${header_dir[$base]:-}" ] || fail "header $base is in both ${header_dir[$base]} and $dir"
      header_dir[$base]=$dir
    done
  done
done <<<"$layers"

# module of a path: its folder and its name without _internal and extension
module() { local f=${1%.*}; echo "${f%_internal}"; }

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
files=0
for dir in "${!layer_of_dir[@]}"; do
  for f in "$dir"/*.c "$dir"/*.h; do
    [ -e "$f" ] || continue
    files=$((files + 1))
    mine=${layer_of_dir[$dir]}
    echo "$(module "$f") $(module "$f")" >>"$edges"
    for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
      base=${inc##*/}
      # the build writes it (scripts/revision.cmake); only framework/base includes it
      [ "$base" = ebm_revision.h ] && [ "$dir" = framework/base ] && continue
      hdir=${header_dir[$base]:-}
      [ -n "$hdir" ] || { fail "$f includes \"$inc\", which no layer holds"; continue; }
      [ "${layer_of_dir[$hdir]}" -le "$mine" ] ||
        fail "$f (layer ${mine}) includes $hdir/$base, a header of a higher layer (${layer_of_dir[$hdir]})"
      case $f in framework/*) case $hdir in models*) fail "$f includes $hdir/$base: the framework knows no model by name" ;; esac ;; esac
      echo "$(module "$f") $(module "$hdir/$base")" >>"$edges"
    done
  done
done
[ "$files" -gt 100 ] || fail "only $files files found: the layer list is not being read"

# tsort names a loop when the graph has a circle.
if ! tsort "$edges" >/dev/null 2>"$edges.err"; then
  fail "modules include each other in a circle:"
  sed 's/^/  | /' "$edges.err" >&2
fi
rm -f "$edges.err"

if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "ok   $files files in $n layers: no upward include, no circle"
echo "all checks passed"
