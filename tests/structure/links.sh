# links.sh — the layer order holds at link time too: no object file of a
# layer uses a symbol that only a higher layer defines (a declaration written
# by hand would get past the include folders; the linker's view does not).
# Reads the object files of the build in BUILD (CTest sets it) with nm; the
# layers and their order come from EBM_LAYERS in CMakeLists.txt.
set -u
: "${SRC:?SRC must name the source tree}" "${BUILD:?BUILD must name the build tree}"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

layers=$(sed -n '/^set(EBM_LAYERS/,/)/p' "$SRC/CMakeLists.txt" | sed 's/set(EBM_LAYERS//; s/)//' |
  tr -s ' \n' '\n' | grep ':' | cut -d: -f1)
[ "$(echo "$layers" | wc -l)" -ge 10 ] || { echo "FAIL: cannot read EBM_LAYERS" >&2; exit 1; }

# One pass of nm per layer: "D layer symbol" for what a layer defines, "U
# layer object symbol" for what each object file uses; awk joins them.
listing=$(mktemp)
trap 'rm -f "$listing"' EXIT
n=0
for layer in $layers; do
  n=$((n + 1))
  objects=$(find "$BUILD/CMakeFiles/ebm_$layer.dir" -name '*.o' 2>/dev/null)
  [ -n "$objects" ] || { fail "no object files for layer $layer in $BUILD"; continue; }
  # shellcheck disable=SC2086
  nm --defined-only --extern-only $objects | awk -v n="$n" 'NF == 3 {print "D", n, $3}' >>"$listing"
  # shellcheck disable=SC2086
  nm --undefined-only $objects | awk -v n="$n" -v build="$BUILD/CMakeFiles/" '
    /:$/ {obj = substr($0, 1, length($0) - 1); sub(build, "", obj); next}
    NF >= 1 {print "U", n, obj, $NF}' >>"$listing"
done
checked=$(awk '$1 == "U" {print $3}' "$listing" | sort -u | wc -l)
offences=$(awk '$1 == "D" { if (!($3 in low) || $2 < low[$3]) low[$3] = $2; next }
  $1 == "U" { use[++k] = $0 }
  END { for (i = 1; i <= k; i++) { split(use[i], f, " ")
          if ((f[4] in low) && low[f[4]] > f[2])
            printf "%s (layer %d) uses %s, defined only in a higher layer (%d)\n", f[3], f[2], f[4], low[f[4]] } }' "$listing")
[ -z "$offences" ] || while read -r line; do fail "$line"; done <<<"$offences"
[ "$checked" -gt 50 ] || fail "only $checked object files checked"

if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "ok   $checked object files in $n layers use no symbol of a higher layer"
echo "all checks passed"
