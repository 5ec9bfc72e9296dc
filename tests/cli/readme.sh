# The README keeps its promises: every command of its two-minute tour runs as
# written (in a scratch directory beside the clone's experiments/ and
# configs/), the h5py example runs as written on the tour's results, every
# link stays inside the repository and reaches a file or heading, and the
# statements it once got wrong stay fixed.
source "$SRC/tests/cli/lib.bash"
README=$SRC/README.md
PY=/usr/bin/python3   # Debian's, with python3-h5py (scripts/setup.sh)

# block AFTER_HEADING LANG: the first ```LANG block after the heading
block() {
  awk -v h="$1" -v lang="$2" '
    $0 == h { seen = 1; next }
    seen && !inside && $0 == "```" lang { inside = 1; next }
    inside && $0 == "```" { exit }
    inside { print }' "$README"
}

block "## A two-minute tour" sh >tour.sh
n_cmds=$(grep -c '^ebm ' tour.sh)
[ "$n_cmds" -ge 8 ] && pass "the tour has $n_cmds ebm commands" || fail "the tour has $n_cmds ebm commands"
for cmd in run plot sweep report reproduce show; do
  grep -q "^ebm $cmd " tour.sh || fail "the tour lacks ebm $cmd"
done

ln -s "$SRC/experiments" experiments && ln -s "$SRC/configs" configs
ebm() { "$EBM" "$@"; }
while IFS= read -r line; do
  case $line in ebm\ *) ;; *) continue ;; esac
  eval "$line" >out.txt 2>err.txt && pass "tour: $line" ||
    { fail "tour: $line"; sed 's/^/  | /' err.txt | tail -5 >&2; }
done <tour.sh
[ "$(ls runs/hopfield-recall/*/plots/*.png 2>/dev/null | wc -l)" -ge 2 ] && pass "tour: the recall run is drawn" ||
  fail "tour: no pictures of the recall run"
[ -f runs/rbm-tour/plots/images_filters_W.png ] && pass "tour: the filters are drawn" ||
  fail "tour: no filters picture"
[ -f runs/rbm-tour/plots/samples.png ] && pass "tour: the samples are drawn" ||
  fail "tour: no samples picture"
[ "$(wc -l <runs/capacity/summary.csv)" -ge 5 ] && pass "tour: the sweep's summary has its points" ||
  fail "tour: runs/capacity/summary.csv"
[ -s runs/capacity/report/index.html ] && grep -q '<img' runs/capacity/report/index.html &&
  pass "tour: the sweep's report page, with pictures" || fail "tour: runs/capacity/report/index.html"
ls -d runs/hopfield-recall/* | grep -qE '/[0-9]{8}-[0-9]{6}$' &&
  pass "runs are named as the README says (YYYYMMDD-HHMMSS)" || fail "run directory names: $(ls runs/hopfield-recall)"

block "### Reading a run from Python" python >example.py
[ -s example.py ] || fail "no Python example found"
if "$PY" example.py >py.out 2>py.err; then
  pass "the h5py example runs as written"
  expect_in py.out "completed 1" "... it reads the attributes as str"
  expect_in py.out "(784, 64) (64, 28, 28)" "... the weights and the sample grid"
  expect_in py.out "(5, " "... and the curve up to step 5"
else
  fail "the h5py example fails"; sed 's/^/  | /' py.err >&2
fi

# Links: inside the repository, to files that exist and headings that do.
"$PY" - "$SRC" <<'PYEOF' >links.out 2>&1 && pass "every link of README.md and docs/ reaches a file or heading" || { fail "links"; cat links.out >&2; }
import os, re, sys
src = sys.argv[1]
def slug(h):
    h = re.sub(r'[`*]', '', h.strip().lower())
    return re.sub(r'[^\w\- ]', '', h).replace(' ', '-')
def anchors(path):
    return {slug(m) for m in re.findall(r'(?m)^#+ (.*)$', open(path).read())}
bad = []
pages = ['README.md'] + ['docs/' + f for f in os.listdir(os.path.join(src, 'docs')) if f.endswith('.md')]
for page in pages:
    text = open(os.path.join(src, page)).read()
    for target in re.findall(r'\]\(([^)\s]+)\)', text):
        if re.match(r'https?://', target):
            continue
        path, _, frag = target.partition('#')
        full = os.path.normpath(os.path.join(src, os.path.dirname(page), path)) if path else os.path.join(src, page)
        if not full.startswith(os.path.abspath(src) + os.sep) or not os.path.exists(full):
            bad.append(f'{page}: {target}: not a file of the repository')
        elif frag and full.endswith('.md') and frag not in anchors(full):
            bad.append(f'{page}: {target}: no such heading')
    for outside in (r'\.\./shared', r'(?<![\w-])/work/', r'DESIGN\.md', r'MATH\.md'):
        if re.search(outside, text):
            bad.append(f'{page}: mentions {outside}')
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PYEOF

# Statements the README once got wrong.
grep -qE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}' "$README" &&
  fail "README shows run directories in a format ebm does not use" || pass "run directory names match ebm's"
grep -q 'EBM_SCRIPTS' "$README" "$SRC"/docs/*.md && fail "a page names EBM_SCRIPTS, which ebm no longer reads" ||
  pass "no page names EBM_SCRIPTS"
grep -q 'Deep Learning 学习笔记 04 – Energy-Based Model' "$README" && pass "the README names the lecture notes" ||
  fail "the README does not name the lecture notes"
"$EBM" list >list.txt 2>&1
grep -qi "issue" list.txt && fail "ebm list mentions an issue" || pass "ebm list speaks for itself"
finish
