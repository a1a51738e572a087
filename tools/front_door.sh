#!/usr/bin/env bash
# The README's front door, as a new user meets it: a fresh venv made by exactly the README's install (the first
# ```sh block's `pip install`, no extras), then (1) every module of the package imports, (2) `elm_fastai_train --help`
# works, (3) a tiny real run writes its table, plot and results.json (1 epoch of the default job when Fashion-MNIST
# is installed, else 1 epoch on a small image folder written here). Run from anywhere: `bash tools/front_door.sh`.
# Exits non-zero, naming the failed step, when any of them fails. .ci/run calls it.
set -uo pipefail
cd "$(dirname "$0")/.."
main=$(sed -n '/^```sh/,/^```/p' README.md | grep -m1 'elm_fastai_train')
install=$(grep -o 'pip install [^&]*' <<<"$main" | head -1 | sed 's/ *$//')
[ -n "$install" ] || { echo "front door: no 'pip install' in the README's first command"; exit 1; }
case "$install" in *'['*) echo "front door: the README's install names extras ($install): it must work without them"; exit 1;; esac
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "front door FAILED: $1"; exit 1; }
echo "+ python3 -m venv $work/venv && $work/venv/bin/$install   (the README's install, in a fresh venv)"
python3 -m venv "$work/venv" && "$work/venv/bin/"$install -q >"$work/pip.log" 2>&1 || { tail -5 "$work/pip.log"; fail "the README's install"; }
py="$work/venv/bin/python"
cd "$work"   # run from another folder: the installed package, not the checkout's files beside it
"$py" - <<'PY' || fail "a module of the package does not import with the declared dependencies alone"
import importlib, pkgutil, sys, elm_fastai
bad = []
for m in sorted(i.name for i in pkgutil.iter_modules(elm_fastai.__path__)):
    try: importlib.import_module(f'elm_fastai.{m}')
    except Exception as e: bad.append(f'elm_fastai.{m}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}')
print('\n'.join(bad) if bad else f'every module imports ({len(list(pkgutil.iter_modules(elm_fastai.__path__)))} modules)')
sys.exit(1 if bad else 0)
PY
"$work/venv/bin/elm_fastai_train" --help >/dev/null 2>"$work/help.err" || { tail -3 "$work/help.err"; fail "elm_fastai_train --help"; }
echo "elm_fastai_train --help works"
if "$py" -c "from elm_fastai.locations import find_fmnist; find_fmnist()" 2>/dev/null; then
  args=(--epochs 1 --out "$work/out"); what="1 epoch of the default job (Fashion-MNIST-LT)"
else
  "$py" - "$work/folder" <<'PY' || fail "writing the small image folder"
import sys, numpy as np
from pathlib import Path
from PIL import Image
rng = np.random.default_rng(0)
for split, n in (('train', (24, 12, 6)), ('test', (6, 6, 6))):
    for c, k in enumerate(n):
        d = Path(sys.argv[1]) / split / f'class{c}'; d.mkdir(parents=True)
        for i in range(k):
            a = rng.integers(0, 60, (32, 32, 3), dtype=np.uint8); a[:, c * 10:c * 10 + 10] += 150
            Image.fromarray(a).save(d / f'{i}.png')
PY
  args=(--dataset folder --data-path "$work/folder" --size 32 --epochs 1 --bs 16 --out "$work/out"); what="1 epoch on a small image folder"
fi
echo "+ elm_fastai_train ${args[*]}   ($what)"
"$work/venv/bin/elm_fastai_train" "${args[@]}" >"$work/run.log" 2>"$work/run.err" || { tail -5 "$work/run.log" "$work/run.err"; fail "the tiny run"; }
grep -q '^| loss | n | acc |' "$work/run.log" || { grep -n 'loss' "$work/run.log" | tail -5; fail "the tiny run printed no results table"; }
for f in results.json per_class_accuracy.png; do [ -s "$work/out/$f" ] || fail "the tiny run wrote no $f"; done
"$work/venv/bin/elm_fastai_report" "$work/out" --to "$work/report" >"$work/report.log" 2>"$work/report.err" || { tail -5 "$work/report.err"; fail "elm_fastai_report on the tiny run"; }
for f in report.md results.json per_class_accuracy.png; do [ -s "$work/report/$f" ] || fail "elm_fastai_report wrote no $f"; done
echo "front door OK: the README's install imports every module, --help works, $what wrote its table, plot and results.json, and elm_fastai_report its report"
