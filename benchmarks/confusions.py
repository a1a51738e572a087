"""Where the test images of each class go, and which confusions moved between methods, from the runs' saved test logits.

    python benchmarks/confusions.py [--dataset fmnist|cifar10] [--imb-ratio 100] [--seed 0] [--top 3]
                                    [--folder TAG] [--reference LDAM-DRW]

Reads the test-set confusions each run stores in `benchmarks/results/TAG/seedS/*/runs/*/scores.json`, or computes them
from its saved `test_logits.npz` (TAG: `fmnist_lt_rRATIO` of `fmnist_lt.py`, or `cifar10_lt_rRATIO_resnet32_e200` of
`cifar10_lt.py`), committed files, so it works from a fresh clone; a run finished before either was saved gets its logits from its exported learner with
`python benchmarks/backfill_logits.py TAG` on the machine that trained it. Writes `benchmarks/results/TAG_confusions.md` (seed 0; `TAG_seedS_confusions.md` for another seed):
for each method, each class's most frequent predictions; then, for each method against the reference run, the
(true class, predicted class) pairs whose count changed most.
"""
import argparse, json
from pathlib import Path
import torch
from elm_fastai.report import collect_runs, run_dir_name

RESULTS = Path(__file__).resolve().parent / 'results'

def moved_pairs(cm, ref, vocab, top): # cm, ref: confusion matrices (true × predicted) of one method and of the reference
    "Markdown rows of the `top` off-diagonal pairs whose test-image count changed most from `ref` to `cm`"
    d = (cm - ref).float()
    d.fill_diagonal_(0)
    order = d.abs().flatten().argsort(descending=True)[:top]
    C = len(vocab)
    return [f'| {vocab[int(k) // C]} → {vocab[int(k) % C]} | {int(ref.flatten()[k])} | {int(cm.flatten()[k])} | {int(d.flatten()[k]):+d} |'
            for k in order if d.flatten()[k] != 0]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='fmnist', choices=['fmnist', 'cifar10'])
    p.add_argument('--imb-ratio', type=float, default=100)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--top', type=int, default=3, help='predictions shown per class')
    p.add_argument('--moved', type=int, default=8, help='pairs shown per method in the "moved" tables')
    p.add_argument('--folder', default=None, help='results folder name (default: that of the dataset\'s benchmark)')
    p.add_argument('--reference', default='LDAM-DRW', help='run name the other methods are compared with')
    a = p.parse_args()
    tag = a.folder or (f'fmnist_lt_r{a.imb_ratio:g}' if a.dataset == 'fmnist' else f'cifar10_lt_r{a.imb_ratio:g}_resnet32_e200')
    root = RESULTS / tag / f'seed{a.seed}'
    got = collect_runs(*sorted(d for d in root.iterdir() if d.is_dir())) if root.is_dir() else None   # each run's stored confusions (or its saved logits)
    cms = {run_dir_name(r['name'], r['seed']): torch.as_tensor(r['confusion']['counts']) for r in (got['runs'] if got else []) if 'counts' in r.get('confusion', {})}
    if not cms: raise SystemExit(f'no run in {root}/*/ stored its test-set confusions (scores.json) or test logits (runs/*/test_logits.npz): run the '
                                 f'benchmark, or benchmarks/backfill_logits.py {tag} where its exported learners are')
    counts, vocab = got['cls_num_list'], got['vocab']
    absent = [d for r in got['runs'] if (d := run_dir_name(r['name'], r['seed'])) not in cms]   # runs with neither confusions nor logits
    C = len(vocab)
    n_test = int(next(iter(cms.values())).sum()) // C
    md = [f'# {tag}, seed {a.seed}: where each class\'s {n_test:,} test images go', '',
          f'Command: `python benchmarks/confusions.py --dataset {a.dataset} --imb-ratio {a.imb_ratio:g} --seed {a.seed}'
          + (f' --folder {a.folder}' if a.folder else '') + f'` (stored confusions or saved test logits in `{tag}/seed{a.seed}/*/runs/*/`). '
          f'Training images per class: {counts}.', '']
    if absent: md += [f'Not shown: {", ".join(absent)}, finished before runs saved their confusions or test logits '
                      f'(`python benchmarks/backfill_logits.py {tag}` where the exported learners are, or train them again with the benchmark\'s `--rerun-without-logits`).', '']
    for name, cm in cms.items():
        md += [f'## {name}', '', f'| true class (training images) | predicted as (test images of {n_test:,}) |', '|---|---|']
        for c in range(C):
            top = cm[c].argsort(descending=True)[:a.top]
            md.append(f'| {vocab[c]} ({counts[c]}) | ' + ', '.join(f'{vocab[int(k)]} {int(cm[c, k])}' for k in top) + ' |')
        md.append('')
    ref_name = f'{a.reference}_seed{a.seed}'
    if ref_name in cms:
        ref = cms[ref_name]
        for name, cm in cms.items():
            if name == ref_name: continue
            md += [f'## Confusions that moved: {ref_name} → {name}', '',
                   f'The {a.moved} (true → predicted) pairs of wrong predictions whose count changed most.', '',
                   f'| true → predicted | {a.reference} | {name.removesuffix(f"_seed{a.seed}")} | change |', '|---|---|---|---|'] + moved_pairs(cm, ref, vocab, a.moved) + ['']
    out = RESULTS / (f'{tag}_confusions.md' if a.seed == 0 else f'{tag}_seed{a.seed}_confusions.md')   # one file per seed
    out.write_text('\n'.join(md))
    print('\n'.join(md))

if __name__ == '__main__': main()
