"""What one rank's long-tailed callbacks cost at iNaturalist's 8,142 classes: host syncs per batch, the largest tensor, time.

    python benchmarks/scale_check.py [--classes 8142] [--bs 256]

Trains one epoch of a tiny model (16 features, cosine head) on random data with ELM, `DRW`, `lt_metrics`,
`LogitRangeWarning` and `EpochHistory`, for 4 and for 8 training+validation batches. It counts the calls that wait
for the device (`Tensor.item`, `tolist`, `bool`, `float`, `int`) by the file they come from: a count that grows with
the batches is a sync per batch. It records, with the PyTorch profiler, the largest tensor any op of those callbacks
touched (a C×C matrix would be 66 M elements), and times an epoch with and without the callbacks.
Writes `benchmarks/results/scale_check.md`.
"""
import argparse, collections, time, traceback
from pathlib import Path
import numpy as np
import torch
from fastai.basics import *
from elm_fastai.losses import ELMLoss
from elm_fastai.models import NormedLinear
from elm_fastai.callbacks import DRW, LogitRangeWarning
from elm_fastai.metrics import lt_metrics
from elm_fastai.checkpoint import EpochHistory
from lt_report import machine

SYNCS = ['item', 'tolist', '__bool__', '__float__', '__int__']

def learner(C, bs, n_batches, with_cbs):
    g = torch.Generator().manual_seed(0)
    ds = [(x, int(y)) for x, y in zip(torch.randn(bs * n_batches, 16, generator=g), torch.randint(0, C, (bs * n_batches,), generator=g))]
    counts = np.maximum(2, 1000 * np.exp(-np.arange(C) / (C / 5))).astype(int).tolist()
    cbs = [DRW(0), LogitRangeWarning(), EpochHistory()] if with_cbs else []
    return Learner(DataLoaders.from_dsets(ds, ds, bs=bs, device='cpu'), nn.Sequential(nn.Linear(16, 16), NormedLinear(16, C)),
                   loss_func=ELMLoss(counts), metrics=lt_metrics(counts) if with_cbs else [], cbs=cbs)

def count_syncs(learn):
    calls, orig = collections.Counter(), {n: getattr(torch.Tensor, n) for n in SYNCS}
    def wrap(n):
        def f(self, *a, **k):
            frame = next((fr for fr in reversed(traceback.extract_stack()[:-1]) if 'elm_fastai' in fr.filename), None)
            calls[Path(frame.filename).name if frame else 'fastai/torch'] += 1
            return orig[n](self, *a, **k)
        return f
    for n in SYNCS: setattr(torch.Tensor, n, wrap(n))
    try:
        with learn.no_bar(), learn.no_logging(): learn.fit(1, 0.01)
    finally:
        for n in SYNCS: setattr(torch.Tensor, n, orig[n])
    return calls

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--classes', type=int, default=8142); p.add_argument('--bs', type=int, default=256)
    a = p.parse_args()
    few, many = count_syncs(learner(a.classes, a.bs, 4, True)), count_syncs(learner(a.classes, a.bs, 8, True))
    rows = [f'| {f} | {few.get(f, 0)} | {many.get(f, 0)} | {"yes" if many.get(f, 0) > few.get(f, 0) else "no"} |' for f in sorted(set(few) | set(many))]
    learn = learner(a.classes, a.bs, 4, True)
    with torch.profiler.profile(record_shapes=True) as prof, learn.no_bar(), learn.no_logging(): learn.fit(1, 0.01)
    biggest = max((int(np.prod(s)) for e in prof.events() for s in (e.input_shapes or []) if s), default=0)
    times = {}
    for with_cbs in (False, True, False, True):
        learn = learner(a.classes, a.bs, 8, with_cbs)
        with learn.no_bar(), learn.no_logging():
            t = time.perf_counter(); learn.fit(1, 0.01); times.setdefault(with_cbs, []).append(time.perf_counter() - t)
    t0, t1 = np.median(times[False]), np.median(times[True])
    md = ['# Long-tailed callbacks at iNaturalist scale', '',
          f'Command: `python benchmarks/scale_check.py --classes {a.classes} --bs {a.bs}` ({time.strftime("%Y-%m-%d")})  ',
          f'Machine: {machine()}  ', f'C = {a.classes} classes, batch {a.bs}, ELM with DRW, lt_metrics, LogitRangeWarning, EpochHistory; '
          'one epoch of 4 (then 8) training and as many validation batches.', '',
          '## Calls that wait for the device, by file', '', '| file | 4+4 batches | 8+8 batches | grows with the batches |', '|---|---|---|---|', *rows, '',
          f'Largest tensor an op touched during the epoch: {biggest:,} elements (C×C would be {a.classes ** 2:,}; batch × C is {a.bs * a.classes:,}).', '',
          f'Epoch of 8+8 batches, median of 2: {t0:.2f} s without the callbacks and metrics, {t1:.2f} s with them (× {t1 / t0:.2f}).']
    out = Path(__file__).resolve().parent / 'results' / 'scale_check.md'
    out.write_text('\n'.join(md) + '\n'); print('\n'.join(md))

if __name__ == '__main__': main()
