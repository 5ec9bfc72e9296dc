# ebm report in a real browser: headless Chromium (Debian's chromium, which
# scripts/setup.sh installs for this test) loads the page of a run, a sweep
# and a reproduce directory; every picture must load (no broken link) and the
# tables must hold the run files' numbers (as `ebm show --json` reads them).
source "$SRC/tests/cli/lib.bash"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: no chromium; scripts/setup.sh installs it (Debian package chromium)"
  exit 77
fi

# The page as Chromium leaves it after loading (its script has checked the
# pictures by then). A generous timeout: the machine may be busy.
render() {
  timeout 300 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$WORK/chromium-profile" --virtual-time-budget=10000 \
    --dump-dom "file://$1" 2>"$WORK/chromium.err"
}

# check PAGE SHOW_JSON TABLE_ID: every image loaded; each row of the table
# holds the final values the run files have
check() {
  local page=$1 json=$2 table=$3 what=$4
  render "$page" >"$WORK/dom.html" || { fail "$what: chromium could not render $page"; cat "$WORK/chromium.err" >&2; return; }
  python3 - "$WORK/dom.html" "$json" "$table" <<'PY' && pass "$what: every picture loads, the table holds the run's numbers" || fail "$what: see above"
import html.parser, json, sys
dom, shown, table_id = sys.argv[1], sys.argv[2], sys.argv[3]

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.check = None; self.images = []; self.tables = {}; self.table = None
        self.row = None; self.cell = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") == "image-check": self.check = a
        if tag == "img": self.images.append(a.get("src"))
        if tag == "table": self.table = self.tables.setdefault(a.get("id"), [])
        if tag == "tr" and self.table is not None: self.row = []; self.table.append(self.row)
        if tag in ("td", "th") and self.row is not None:
            self.cell = {"text": "", "v": a.get("data-v")}; self.row.append(self.cell)
    def handle_endtag(self, tag):
        if tag in ("td", "th"): self.cell = None
        if tag == "table": self.table = None
    def handle_data(self, data):
        if self.cell is not None: self.cell["text"] += data

p = Page(); p.feed(open(dom).read())
assert p.check and p.check.get("data-broken") == "0", ("pictures", p.check)
assert int(p.check["data-images"]) == len(p.images) > 0, (p.check, p.images)
rows = p.tables[table_id]
head = [c["text"] for c in rows[0]]
runs = json.load(open(shown))["rows"]
by_name = {r[0]["text"]: r for r in rows[1:]}
checked = 0
for run in runs:
    row = by_name[run["name"]]
    for metric, value in run["metrics"].items():
        if value is None: continue
        cell = row[head.index(metric)]
        assert abs(float(cell["v"]) - value) <= 1e-12 * max(1, abs(value)), (run["name"], metric, cell, value)
        checked += 1
assert checked > 0
print(f"  {len(p.images)} pictures loaded, {checked} numbers match")
PY
}

# a run
"$EBM" run "$SRC/experiments/hopfield-recall.yaml" --out "$WORK/run" --quiet >/dev/null || fail "run"
expect_status 0 "report of a run" -- "$EBM" report "$WORK/run"
expect_in "$WORK/out" "$WORK/run/report/index.html" "the page's path is printed"
mkdir -p "$WORK/runs" && ln -s "$WORK/run" "$WORK/runs/run"
"$EBM" show "$WORK/runs" --json >"$WORK/run.json"
check "$WORK/run/report/index.html" "$WORK/run.json" runs-table "a run"
grep -q '<td class=pass>PASS</td>' "$WORK/run/report/index.html" && pass "the run's expect: entry is a PASS row" || fail "no PASS row"

# a plain directory of runs (not a sweep), as ebm show takes it
"$EBM" run "$SRC/experiments/hopfield-recall.yaml" seed=3 --out "$WORK/runs/seed3" --quiet >/dev/null || fail "run seed3"
expect_status 0 "report of a directory of runs" -- "$EBM" report "$WORK/runs"
"$EBM" show "$WORK/runs" --json >"$WORK/runs.json"
check "$WORK/runs/report/index.html" "$WORK/runs.json" runs-table "a directory of runs"
grep -q 'seed=3' "$WORK/runs/report/index.html" && pass "… its runs labelled by what differs" || fail "no seed=3 label"

# a sweep
"$EBM" sweep "$SRC/experiments/hopfield-capacity.yaml" data.dim=100 "data.load=0.05,0.1,0.15" \
  --out "$WORK/sw" --quiet >/dev/null || fail "sweep"
expect_status 0 "report of a sweep" -- "$EBM" report "$WORK/sw"
"$EBM" show "$WORK/sw" --json >"$WORK/sw.json"
check "$WORK/sw/report/index.html" "$WORK/sw.json" sweep-0-table "a sweep"

# a reproduce directory: the page is written by ebm reproduce itself
expect_status 0 "reproduce" -- "$EBM" reproduce "$SRC/experiments/hopfield-recall.yaml" --out "$WORK/rep" --quiet
expect_in "$WORK/out" "$WORK/rep/report/index.html" "reproduce names its page"
expect_in "$WORK/rep/reproduce.csv" ',PASS,' "reproduce.csv keeps the table"
mkdir -p "$WORK/rep-runs" && ln -s "$WORK/rep/hopfield-recall" "$WORK/rep-runs/hopfield-recall"
"$EBM" show "$WORK/rep-runs" --json >"$WORK/rep.json"
check "$WORK/rep/report/index.html" "$WORK/rep.json" runs-table "a reproduce directory"
grep -q 'Personnaz' "$WORK/rep/report/index.html" && pass "the page cites the source" || fail "no source"

# copied elsewhere, the page still finds every picture (relative links)
cp -r "$WORK/sw/report" "$WORK/copied"
check "$WORK/copied/index.html" "$WORK/sw.json" sweep-0-table "a copied page"
finish
