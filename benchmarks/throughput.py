"""Training throughput: `elm_fastai_train`'s fastai loop against a plain PyTorch loop, and ELM against CE.

    OMP_NUM_THREADS=1 python benchmarks/throughput.py [--dataset fmnist] [--arch resnet8] [--reps 3] [--device cpu] [--precision fp32]

Same data (the long-tailed training set of `elm_fastai_train`), model (`make_model`), augmentation (`PadCropFlip`, then
scaling and normalising), optimiser settings (SGD lr 0.1, momentum 0.9, weight decay 2e-4 on every parameter) and
batch size 128 in both loops. Measured per epoch, the configurations interleaved `--reps` times (in rotating order):
- fastai ELM-DRW: `lt_learner` + `fit_ldam`, the learner `train_one` trains (DRW, metrics, progress bar), the
  training phase timed by a callback, and the whole epoch (training + validation on the test set);
- plain ELM: the same model and `ELMLoss` in a hand-written loop over shuffled index batches (training only);
- fastai CE: as `elm_fastai_train --loss ce` (linear head, cross entropy), for the ELM-vs-CE epoch time.
Reports medians of wall time and of the process's CPU time (robust to other jobs on a shared machine), and their
ratios. With `--precision bf16` both loops autocast the forward pass to bf16 with a channels-last model (the loss in float32).
Writes `benchmarks/results/throughput_DATASET_ARCH_DEVICE[_PRECISION].md` (no suffix: fp32).
"""
import argparse, statistics, time
from pathlib import Path
import torch
from fastai.callback.core import Callback
from fastai.torch_core import TensorImage
from elm_fastai.data import lt_dls
from elm_fastai.tensor_data import PadCropFlip, FMNIST_STATS, CIFAR_STATS
from elm_fastai.models import make_model
from elm_fastai.losses import lt_loss, wants_cosine_head
from elm_fastai.learner import lt_learner
from lt_report import machine, sync

def clocks(dev):
    sync(dev)
    return time.perf_counter(), time.process_time()

class TrainPhaseTimer(Callback):
    "Wall and CPU seconds of each training phase (from before_train to after_train)"
    order = -100
    def __init__(self): self.times = []
    def before_train(self): self.t0 = clocks(self.dls.device)
    def after_train(self):
        t1 = clocks(self.dls.device); self.times.append((t1[0] - self.t0[0], t1[1] - self.t0[1]))

def fastai_epoch(dls, loss, arch, n_in, seed, precision='fp32'):
    "Train one epoch the way `train_one` does; (train wall, train CPU, epoch wall, epoch CPU) seconds"
    torch.manual_seed(seed)
    timer = TrainPhaseTimer()
    learn = lt_learner(dls, arch, loss, drw=True, lr=0.1, n_in=n_in, cbs=timer, precision=precision)
    t0 = clocks(dls.device)
    learn.fit_ldam(1, 0.1, warmup=0)
    t1 = clocks(dls.device)
    return (*timer.times[0], t1[0] - t0[0], t1[1] - t0[1])

def plain_setup(dls, loss, arch, n_in, seed, lr=0.1):
    "Model, loss and optimiser of the hand-written loop (as `elm_fastai_train` sets them), seeded, on `dls.device`"
    torch.manual_seed(seed)
    model = make_model(arch, len(dls.cls_num_list), wants_cosine_head(loss), n_in).to(dls.device)
    loss_func = lt_loss(loss, list(dls.cls_num_list))
    if isinstance(loss_func, torch.nn.Module): loss_func = loss_func.to(dls.device)
    return model, loss_func, torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=2e-4)

def plain_epoch(dls, loss, arch, n_in, seed, stats, precision='fp32'):
    "One epoch of a hand-written loop with the same model, loss, data, augmentation and optimiser; (wall, CPU) seconds"
    dev = dls.device
    model, loss_func, opt = plain_setup(dls, loss, arch, n_in, seed)
    low = precision == 'bf16'
    if low: model = model.to(memory_format=torch.channels_last)
    x_all, y_all = dls.train.dataset.x, dls.train.dataset.y
    mean = torch.tensor(stats[0], device=dev).view(1, -1, 1, 1); std = torch.tensor(stats[1], device=dev).view(1, -1, 1, 1)
    augment = PadCropFlip(4)
    model.train()
    t0 = clocks(dev)
    for idx in torch.randperm(len(y_all), device=dev).split(128):
        x = augment.encodes(TensorImage(x_all[idx])).as_subclass(torch.Tensor)   # the same batched crop and flip
        x = (x.float() / 255 - mean) / std
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=low): out = model(x)
        l = loss_func(out.float(), y_all[idx])
        opt.zero_grad(); l.backward(); opt.step()
    t1 = clocks(dev)
    return t1[0] - t0[0], t1[1] - t0[1]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='fmnist', choices=['fmnist', 'cifar10'])
    p.add_argument('--arch', default=None, help='default: resnet8 for fmnist, resnet32 for cifar10 (as elm_fastai_train)')
    p.add_argument('--reps', type=int, default=3)
    p.add_argument('--device', default='cpu')
    p.add_argument('--data-path', default=None, help='dataset archive or folder (default: where lt_dls finds it)')
    p.add_argument('--precision', default='fp32', choices=['fp32', 'bf16'])
    p.add_argument('--out', default=str(Path(__file__).resolve().parent / 'results'))
    a = p.parse_args()
    arch = a.arch or ('resnet8' if a.dataset == 'fmnist' else 'resnet32')
    n_in, stats = (1, FMNIST_STATS) if a.dataset == 'fmnist' else (3, CIFAR_STATS)
    dls = lt_dls(a.dataset, a.data_path, imb_ratio=100, device=a.device, drop_last=False)
    n = len(dls.train.dataset)
    res = {k: [] for k in ('fastai ELM-DRW', 'plain ELM', 'fastai CE')}
    pr = a.precision
    fastai_epoch(dls, 'elm', arch, n_in, 0, pr); plain_epoch(dls, 'elm', arch, n_in, 0, stats, pr)   # warm-up, not timed
    runs = {'fastai ELM-DRW': lambda rep: fastai_epoch(dls, 'elm', arch, n_in, rep, pr),
            'plain ELM': lambda rep: plain_epoch(dls, 'elm', arch, n_in, rep, stats, pr),
            'fastai CE': lambda rep: fastai_epoch(dls, 'ce', arch, n_in, rep, pr)}
    names = list(runs)
    for rep in range(a.reps):
        for k in names[rep % 3:] + names[:rep % 3]: res[k].append(runs[k](rep))   # rotate the order: no loop always runs first
        print(rep, {k: [round(t, 2) for t in v[-1]] for k, v in res.items()}, flush=True)
    med = {k: [statistics.median(t[i] for t in v) for i in range(len(v[0]))] for k, v in res.items()}
    f, pl, ce = med['fastai ELM-DRW'], med['plain ELM'], med['fastai CE']
    paired = lambda i: statistics.median(e[i] / c[i] for e, c in zip(res['fastai ELM-DRW'], res['fastai CE']))   # same repetition: similar load
    md = [f'# Training throughput: {a.dataset}-LT ρ = 100, {arch}, {a.device}, {pr}', '',
          f'Command: `OMP_NUM_THREADS={torch.get_num_threads()} python benchmarks/throughput.py --dataset {a.dataset} --arch {arch} '
          f'--reps {a.reps} --device {a.device} --precision {pr}` ({time.strftime("%Y-%m-%d")})  ',
          f'Machine: {machine(a.device)}  ',
          f'{n} training images per epoch, batch 128; medians over {a.reps} interleaved repetitions (one epoch each).', '',
          '| loop | train wall s | train CPU s | images/s (wall) | images/s (CPU) | epoch wall s (with test set) | epoch CPU s |',
          '|---|---|---|---|---|---|---|']
    for k in res:
        m = med[k]
        md.append(f'| {k} | {m[0]:.1f} | {m[1]:.1f} | {n / m[0]:.0f} | {n / m[1]:.0f} | '
                  + (f'{m[2]:.1f} | {m[3]:.1f} |' if len(m) > 2 else 'n/a | n/a |'))
    md += ['', '| ratio | wall | CPU | target |', '|---|---|---|---|',
           f'| fastai ELM-DRW / plain ELM, training phase | {f[0] / pl[0]:.3f} | {f[1] / pl[1]:.3f} | ≤ 1.05 (fp32), ≤ 1.10 (bf16) |',
           f'| fastai ELM-DRW / fastai CE, whole epoch | {f[2] / ce[2]:.3f} | {f[3] / ce[3]:.3f} | ≤ 1.03 |',
           f'| fastai ELM-DRW / fastai CE, training phase | {f[0] / ce[0]:.3f} | {f[1] / ce[1]:.3f} | |',
           f'| fastai ELM-DRW / fastai CE, whole epoch, median of the per-repetition ratios | {paired(2):.3f} | {paired(3):.3f} | ≤ 1.03 |', '',
           'CE runs with a linear head and ELM with a cosine head (`NormedLinear`), as `elm_fastai_train` trains them. '
           'Every repetition, in seconds (wall, CPU[, epoch wall, epoch CPU]):', '']
    md += [f'- {k}: ' + '; '.join(', '.join(f'{t:.2f}' for t in r) for r in v) for k, v in res.items()]
    out = Path(a.out) / (f'throughput_{a.dataset}_{arch}_{a.device}' + ('' if pr == 'fp32' else f'_{pr}') + '.md')
    out.write_text('\n'.join(md) + '\n'); print('\n'.join(md))

if __name__ == '__main__': main()
