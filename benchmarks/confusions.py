"""Where the test images of each class go: the largest confusions of learners exported by `benchmarks/fmnist_lt.py`.

    python benchmarks/confusions.py [--imb-ratio 100] [--seed 0] [--top 3]

Loads `benchmarks/results/fmnist_lt_rRATIO/seedS/*/*.pkl`, predicts the Fashion-MNIST test set, and writes
`benchmarks/results/fmnist_lt_rRATIO_confusions.md`: for each method, each class's three most frequent predictions.
"""
import argparse
from pathlib import Path
import torch
from elm_fastai.data import lt_dls
from lt_report import test_confusion

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--imb-ratio', type=float, default=100)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--top', type=int, default=3)
    a = p.parse_args()
    tag = f'fmnist_lt_r{a.imb_ratio:g}'
    root = Path('benchmarks/results') / tag / f'seed{a.seed}'
    dls = lt_dls('fmnist', imb_ratio=a.imb_ratio, device='cpu')
    vocab, C = list(dls.vocab), len(dls.vocab)
    md = [f'# Fashion-MNIST-LT, ρ = {a.imb_ratio:g}, seed {a.seed}: where each class\'s 1,000 test images go', '',
          f'Command: `python benchmarks/confusions.py --imb-ratio {a.imb_ratio:g} --seed {a.seed}` (learners of '
          f'`benchmarks/fmnist_lt.py`). Training images per class: {list(dls.cls_num_list)}.', '']
    for pkl in sorted(root.glob('*/*.pkl')):
        cm = torch.from_numpy(test_confusion(pkl, dls))
        md += [f'## {pkl.stem}', '', '| true class (training images) | predicted as (test images of 1,000) |', '|---|---|']
        for c in range(C):
            top = cm[c].argsort(descending=True)[:a.top]
            md.append(f'| {vocab[c]} ({dls.cls_num_list[c]}) | ' + ', '.join(f'{vocab[int(k)]} {int(cm[c, k])}' for k in top) + ' |')
        md.append('')
    out = Path('benchmarks/results') / f'{tag}_confusions.md'
    out.write_text('\n'.join(md))
    print('\n'.join(md))

if __name__ == '__main__': main()
