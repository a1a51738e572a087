"""Save the test logits of runs that finished before every run saved them, from their exported learners.

    python benchmarks/backfill_logits.py cifar10_lt_r100_resnet32_e200 [--data-path ARCHIVE]

For each `benchmarks/results/TAG/seedS/GROUP/RUN.pkl` whose run folder (`GROUP/runs/RUN/`) has no `test_logits.npz`, load
the learner, predict the test set of the benchmark's data (dataset and ρ from `TAG/results.json`) and write the file
with `elm_fastai.predictions.save_test_logits`, as runs do now. The learners are not committed: run it on the machine
that trained them. Each file is checked against the run's committed per-class accuracy before it is kept.
"""
import argparse, json, warnings
from pathlib import Path
import numpy as np
from fastai.learner import load_learner
from elm_fastai.data import lt_dls
from elm_fastai.predictions import save_test_logits, load_test_logits, confusion_counts
from lt_report import _renamed_pickle

RESULTS = Path(__file__).resolve().parent / 'results'

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('tag', help='results folder name, e.g. cifar10_lt_r100_resnet32_e200')
    p.add_argument('--data-path', default=None, help='the dataset (default: where the benchmark found it)')
    a = p.parse_args()
    root = RESULTS / a.tag
    todo = [(pkl, pkl.parent / 'runs' / pkl.stem.replace(' ', '_')) for pkl in sorted(root.glob('seed*/*/*.pkl'))]
    todo = [(pkl, d) for pkl, d in todo if not (d / 'test_logits.npz').exists()]
    if not todo: print(f'every exported learner in {root} already has its test logits (or there is none)'); return
    cfg = json.loads((root / 'results.json').read_text())['config']
    dls = lt_dls(cfg['dataset'], a.data_path, imb_ratio=cfg['imb_ratio'], device='cpu', bs=256, drop_last=False)
    for pkl, d in todo:
        scores = json.loads((d / 'scores.json').read_text())
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            learn = load_learner(pkl, pickle_module=_renamed_pickle)
        learn.dls = dls
        tmp = save_test_logits(learn, d / 'test_logits.tmp.npz', dl=dls.valid)
        s = load_test_logits(tmp)
        cm = confusion_counts(s['logits'], s['targets'])
        pc = 100 * cm.diagonal() / cm.sum(1)
        diff = np.abs(pc - np.array(scores['per_class'])).max()
        if diff > 0.5:
            tmp.unlink()
            raise SystemExit(f'{pkl.name}: the logits give per-class accuracies up to {diff:.2f} points away from its scores.json: not written')
        tmp.rename(d / 'test_logits.npz')
        print(f'{d.relative_to(RESULTS)}/test_logits.npz: written (per-class accuracy within {diff:.2f} points of scores.json)')

if __name__ == '__main__': main()
