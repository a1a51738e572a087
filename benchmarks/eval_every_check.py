"""`--eval-every K` leaves the training and the last epoch unchanged: one loss trained twice on CIFAR-10-LT, evaluating the
test set every epoch (K = 1) and every K epochs before the DRW switch (K = 5), then compared bit for bit.

    OMP_NUM_THREADS=1 python benchmarks/eval_every_check.py --arch resnet8 --epochs 10 --loss ldam

Writes `benchmarks/results/eval_every_check.md`: the final weights (equal or not), the last-epoch scores of both runs,
the evaluated epochs, and the median seconds per epoch of each run (one process, the two runs one after the other).
"""
import argparse, time
from pathlib import Path
import numpy as np
import torch
from elm_fastai.data import lt_dls
from elm_fastai.train import train_one, run_name
from lt_report import machine

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--arch', default='resnet8'); p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--loss', default='ldam'); p.add_argument('--k', type=int, default=5); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--precision', default='bf16'); p.add_argument('--data-path', default=None)
    p.add_argument('--out', default=str(Path(__file__).resolve().parent / 'results' / 'eval_every_check.md'))
    a = p.parse_args()
    dls = lt_dls('cifar10', a.data_path, imb_ratio=100, device='cpu', drop_last=False)
    res = {}
    for k in (1, a.k):
        t = time.perf_counter()
        learn, s = train_one(dls, a.loss, True, epochs=a.epochs, arch=a.arch, seed=a.seed, precision=a.precision, eval_every=k, log='lines')
        res[k] = (torch.cat([q.detach().flatten().float() for q in learn.model.state_dict().values()]), s, time.perf_counter() - t)
    (w1, s1, t1), (wk, sk, tk) = res[1], res[a.k]
    same_w = bool(torch.equal(w1, wk))
    same = same_w and s1['per_class'] == sk['per_class']
    sec = lambda s: np.median([h['seconds'] for h in s['history']])
    md = [f'# `--eval-every {a.k}` against evaluating every epoch: {run_name(a.loss, True)}, CIFAR-10-LT ρ = 100, {a.arch}, {a.epochs} epochs', '',
          f'Command: `OMP_NUM_THREADS=1 python benchmarks/eval_every_check.py --arch {a.arch} --epochs {a.epochs} --loss {a.loss} --k {a.k}` '
          f'(written {time.strftime("%Y-%m-%d")})  ', f'Machine: {machine("cpu")}, precision {a.precision}, seed {a.seed}', '',
          f'- Final weights: {"identical, bit for bit" if same_w else "DIFFERENT"} ({w1.numel():,} numbers).',
          f'- Last-epoch test accuracy: {s1["acc"]:.2f} % (K = 1) and {sk["acc"]:.2f} % (K = {a.k}); per-class accuracies {"identical" if s1["per_class"] == sk["per_class"] else "DIFFERENT"}.',
          f'- Training losses of every epoch: {"identical" if [h["train_loss"] for h in s1["history"]] == [h["train_loss"] for h in sk["history"]] else "DIFFERENT"}.',
          f'- Epochs evaluated with K = {a.k}: {[h["epoch"] + 1 for h in sk["history"] if h["accuracy"] is not None]} of {a.epochs}.',
          f'- Median seconds per epoch: {sec(s1):.1f} (K = 1), {sec(sk):.1f} (K = {a.k}); whole run {t1:.0f} s and {tk:.0f} s '
          '(one process, one run after the other; other jobs shared the machine, so the times are indicative).', '',
          'Verdict: ' + ('the training and the last epoch are unchanged by `--eval-every`.' if same else 'the runs DIFFER: `--eval-every` changed the training.')]
    Path(a.out).write_text('\n'.join(md) + '\n'); print('\n'.join(md))
    if not same: raise SystemExit('eval_every_check: the two runs differ')

if __name__ == '__main__': main()
