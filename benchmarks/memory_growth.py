"""Resident memory of a training process, epoch after epoch, with and without `TrimHeap`.

    OMP_NUM_THREADS=1 python benchmarks/memory_growth.py [--epochs 30] [--precision bf16] [--img-max 1000]

A 200-epoch CPU run of ours was killed for memory after epoch 179, at 17.5 GB: glibc keeps the memory that training
frees inside its heap. `lt_learner` now adds `TrimHeap`, which hands it back after every epoch. This script trains the
same ResNet-32 as the CIFAR-LT protocol (CE, the package's precision callbacks, a `Checkpoint` every epoch) on small
in-memory CIFAR-sized images (`band_dls`, long-tailed like CIFAR-10-LT ρ = 100, `--img-max` images in the largest
class), once without `TrimHeap` and once with it, each in a fresh process (a heap is per process), the two side by
side so that they share the machine alike. It records the resident memory after every epoch, the CPU time of every
epoch (the process's own, so less disturbed by other jobs than the wall time) and the time spent in `trim_heap`.
Writes `benchmarks/results/memory_growth.md` and `memory_growth.png`.
"""
import argparse, multiprocessing as mp, statistics, tempfile, time
from pathlib import Path
import numpy as np
import psutil
import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt
from lt_report import machine

def train(trim:bool, epochs:int, precision:str, img_max:int, threads:int) -> dict:
    "Train in this (fresh) process; return the resident memory (MB) and the seconds of every epoch"
    import torch
    from fastai.basics import Callback, set_seed
    from elm_fastai.learner import lt_learner
    import elm_fastai.checkpoint as ck
    from elm_fastai.checkpoint import Checkpoint, TrimHeap
    from elm_fastai.longtail import img_num_per_cls
    from elm_fastai.test_utils import band_dls
    torch.set_num_threads(threads)
    trim_sec, trim_heap = [], ck.trim_heap
    def timed_trim():
        t0 = time.perf_counter(); r = trim_heap(); trim_sec.append(time.perf_counter() - t0); return r
    ck.trim_heap = timed_trim   # what `TrimHeap.after_epoch` calls
    class Resident(Callback):
        order = TrimHeap.order + 1   # after the trim
        def before_epoch(self): self.t0, self.c0 = time.perf_counter(), time.process_time()
        def after_epoch(self):
            self.mb.append(psutil.Process().memory_info().rss / 2**20)
            self.sec.append(time.perf_counter() - self.t0); self.cpu.append(time.process_time() - self.c0)
    set_seed(0, reproducible=True)
    dls = band_dls(img_num_per_cls(img_max, 10, 'exp', 100), n_valid=100, size=32, bs=128, drop_last=False)
    learn = lt_learner(dls, 'resnet32', 'ce', drw=False, precision=precision)
    if not trim: learn.remove_cbs([cb for cb in learn.cbs if isinstance(cb, TrimHeap)])
    rec = Resident(); rec.mb, rec.sec, rec.cpu = [], [], []
    with tempfile.TemporaryDirectory() as d, learn.no_bar(), learn.no_logging():
        learn.add_cbs([rec, Checkpoint(d, meta=dict(trim=trim))])
        learn.fit_ldam(epochs, 0.1, warmup=1)
    return dict(trim=trim, mb=rec.mb, sec=rec.sec, cpu=rec.cpu, trim_sec=trim_sec, steps=len(dls.train), n_train=len(dls.train_ds))

def slope(mb:list, skip:int=5) -> float:
    "Growth in MB per epoch: least-squares slope over the epochs after the first `skip`"
    y = np.asarray(mb[skip:]); return float(np.polyfit(np.arange(len(y)), y, 1)[0])

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--epochs', type=int, default=30)
    p.add_argument('--precision', default='bf16', choices=['fp32', 'bf16'])
    p.add_argument('--img-max', type=int, default=1000, help='training images of the largest class (ρ = 100 below it)')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default='benchmarks/results')
    a = p.parse_args()
    if a.epochs < 10: raise SystemExit(f'--epochs {a.epochs}: use at least 10, the growth is fitted after the first 5')
    ctx = mp.get_context('spawn')   # each configuration in a fresh process: a fresh heap
    with ctx.Pool(2) as pool:   # side by side: the same load on both
        off, on = pool.starmap(train, [(trim, a.epochs, a.precision, a.img_max, a.threads) for trim in (False, True)])
    cmd = (f'OMP_NUM_THREADS={a.threads} python benchmarks/memory_growth.py --epochs {a.epochs} --precision {a.precision} '
           f'--img-max {a.img_max} --threads {a.threads}')
    md = ['# Resident memory of a training process, with and without `TrimHeap`', '',
          f'Command: `{cmd}` ({time.strftime("%Y-%m-%d")})  ', f'Machine: {machine("cpu", a.threads)}  ',
          f'ResNet-32, CE, {a.precision}, {off["n_train"]} long-tailed 32×32 images ({off["steps"]} steps of 128 an epoch), '
          'a `Checkpoint` every epoch; each configuration in its own process, the two side by side. Resident memory after '
          'each epoch (MB), and the median epoch in wall and in CPU seconds:', '',
          '| | after epoch 1 | after epoch 5 | last epoch | growth per epoch after epoch 5 (MB) | median epoch, wall (s) | median epoch, CPU (s) |',
          '|---|---|---|---|---|---|---|']
    for name, r in (('without `TrimHeap`', off), ('with `TrimHeap`', on)):
        md.append(f'| {name} | {r["mb"][0]:.0f} | {r["mb"][4]:.0f} | {r["mb"][-1]:.0f} | {slope(r["mb"]):.1f} | '
                  f'{statistics.median(r["sec"]):.2f} | {statistics.median(r["cpu"]):.2f} |')
    ratio = lambda k: statistics.median(on[k]) / statistics.median(off[k])
    md += ['', f'With / without `TrimHeap`, ratio of the median epochs: wall {ratio("sec"):.3f}, CPU {ratio("cpu"):.3f}. '
           f'`trim_heap` itself took {1e3 * statistics.median(on["trim_sec"]):.1f} ms per epoch (median).']
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    (out / 'memory_growth.md').write_text('\n'.join(md) + '\n'); print('\n'.join(md))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for name, r in (('without TrimHeap', off), ('with TrimHeap', on)):
        ax.plot(np.arange(1, len(r['mb']) + 1), r['mb'], marker='.', label=name)
    ax.set(xlabel='epoch', ylabel='resident memory (MB)', ylim=(0, None), title=f'ResNet-32, {a.precision}, {off["steps"]} steps per epoch')
    ax.legend(frameon=False); fig.savefig(out / 'memory_growth.png', dpi=110, bbox_inches='tight')

if __name__ == '__main__': main()
