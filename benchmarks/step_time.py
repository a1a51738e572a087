"""ELM against CE per training step: the same batches, the two models stepped in alternation.

    OMP_NUM_THREADS=1 python benchmarks/step_time.py [--dataset fmnist] [--arch resnet8] [--steps 234] [--device cpu]

`throughput.py` times whole epochs, one after another; on a shared machine the load changes between epochs by more
than the difference being measured. Here each batch is fed to both models in turn (ELM-DRW's cosine head and `ELMLoss`
with the DRW class weights, and CE's linear head and cross entropy, as `elm_fastai_train` trains them), alternating
which goes first, and each step (forward, loss, backward, SGD step) is timed on its own. A change of load hits both
members of a pair alike, so the median of the per-pair ratios is a steadier estimate of ELM's cost per step than the
ratio of two epoch times. Data loading is left out: it is the same for both. Writes
`benchmarks/results/step_time_DATASET_ARCH_DEVICE.md`.
"""
import argparse, statistics, time
from pathlib import Path
import torch
from elm_fastai.data import lt_dls
from elm_fastai.losses import class_balanced_weights
from throughput import clocks, plain_setup
from lt_report import machine

def stepper(loss, dls, arch, n_in, drw):
    "A function that trains the model of `loss` for one step on a batch and returns its (wall, CPU) seconds"
    dev = dls.device
    model, loss_func, opt = plain_setup(dls, loss, arch, n_in, seed=0, lr=0.01)
    model.train()
    if drw: loss_func.weight = class_balanced_weights(list(dls.cls_num_list), 0.9999).to(dev)   # as DRW after its start
    return timed_step(model, loss_func, opt, dev)

def timed_step(model, loss_func, opt, dev,
               bf16=False, # the forward pass under bf16 autocast (the loss in float32)
               channels_last=False, # feed the batch channels-last (for a channels-last model)
              ):
    "A function that trains `model` for one step (forward, loss, backward, `opt` step) on a batch and returns its (wall, CPU) seconds"
    def step(x, y):
        t0 = clocks(dev)
        if channels_last: x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast(torch.device(dev).type, dtype=torch.bfloat16, enabled=bf16): out = model(x)
        l = loss_func(out.float() if bf16 else out, y)
        opt.zero_grad(); l.backward(); opt.step()
        t1 = clocks(dev)
        return t1[0] - t0[0], t1[1] - t0[1]
    return step

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='fmnist', choices=['fmnist', 'cifar10'])
    p.add_argument('--arch', default=None, help='default: resnet8 for fmnist, resnet32 for cifar10 (as elm_fastai_train)')
    p.add_argument('--steps', type=int, default=234, help='timed pairs of steps (the batches of the epoch, repeated as needed)')
    p.add_argument('--device', default='cpu')
    p.add_argument('--out', default='benchmarks/results')
    a = p.parse_args()
    arch = a.arch or ('resnet8' if a.dataset == 'fmnist' else 'resnet32')
    n_in = 1 if a.dataset == 'fmnist' else 3
    dls = lt_dls(a.dataset, imb_ratio=100, device=a.device, drop_last=True)
    batches = [(x.as_subclass(torch.Tensor), y.as_subclass(torch.Tensor)) for x, y in dls.train]
    steps = {'ELM-DRW': stepper('elm', dls, arch, n_in, drw=True), 'CE': stepper('ce', dls, arch, n_in, drw=False)}
    for x, y in batches[:5]:   # warm-up, not timed
        for s in steps.values(): s(x, y)
    times = {k: [] for k in steps}
    for i in range(a.steps):
        x, y = batches[i % len(batches)]
        for k in (list(steps) if i % 2 == 0 else list(steps)[::-1]): times[k].append(steps[k](x, y))
    elm, ce = times['ELM-DRW'], times['CE']
    ratio = [[e[c] / b[c] for e, b in zip(elm, ce)] for c in (0, 1)]
    q = lambda v: statistics.quantiles(v, n=4)
    md = [f'# ELM against CE per training step: {a.dataset}-LT ρ = 100, {arch}, {a.device}', '',
          f'Command: `OMP_NUM_THREADS={torch.get_num_threads()} python benchmarks/step_time.py --dataset {a.dataset} --arch {arch} '
          f'--steps {a.steps} --device {a.device}` ({time.strftime("%Y-%m-%d")})  ',
          f'Machine: {machine(a.device)}  ',
          f'{a.steps} pairs of training steps (batch {len(batches[0][1])}; forward, loss, backward, SGD step), the two models '
          'alternating on the same batch, the order flipped every pair. ELM-DRW: cosine head, `ELMLoss` with the DRW class '
          'weights; CE: linear head, cross entropy.', '',
          '| | wall | CPU |', '|---|---|---|',
          f'| ELM-DRW step, median ms | {statistics.median(t[0] for t in elm) * 1e3:.1f} | {statistics.median(t[1] for t in elm) * 1e3:.1f} |',
          f'| CE step, median ms | {statistics.median(t[0] for t in ce) * 1e3:.1f} | {statistics.median(t[1] for t in ce) * 1e3:.1f} |',
          f'| ELM-DRW / CE, median of the per-pair ratios | {statistics.median(ratio[0]):.3f} | {statistics.median(ratio[1]):.3f} |',
          f'| the same, quartiles | {q(ratio[0])[0]:.3f}–{q(ratio[0])[2]:.3f} | {q(ratio[1])[0]:.3f}–{q(ratio[1])[2]:.3f} |',
          f'| ELM-DRW / CE, total time | {sum(t[0] for t in elm) / sum(t[0] for t in ce):.3f} | '
          f'{sum(t[1] for t in elm) / sum(t[1] for t in ce):.3f} |']
    out = Path(a.out) / f'step_time_{a.dataset}_{arch}_{a.device}.md'
    out.write_text('\n'.join(md) + '\n'); print('\n'.join(md))

if __name__ == '__main__': main()
