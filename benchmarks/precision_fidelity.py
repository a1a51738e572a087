"""bf16 against fp32: the same runs (same seeds, same data, same schedule) in both precisions.

    python benchmarks/precision_fidelity.py                                       # Fashion-MNIST-LT, ResNet-8, 8 epochs
    python benchmarks/precision_fidelity.py --dataset cifar10 --arch resnet32 --epochs 30 --losses ldam --seeds 0,1

Trains each loss (with DRW) for each seed in fp32 and in bf16 (autocast, channels-last; the loss in float32) and
reports balanced accuracy per precision (mean ± std over the seeds), the per-seed differences, and whether the mean
difference is within the seed-to-seed spread (the larger of the two standard deviations). Every run checkpoints: rerun
the command to resume. Writes `benchmarks/results/precision_DATASET_ARCH_eEPOCHS/` and `….md`.
"""
import json, time
from pathlib import Path
import numpy as np
import torch
from elm_fastai.data import lt_dls
from elm_fastai.train import run_experiments
from lt_report import benchmark_args, command_line, machine

def main():
    a = benchmark_args(__doc__, seeds='0,1,2', epochs=8, arch='resnet8',
                       **{'--dataset': dict(default='fmnist', choices=['fmnist', 'cifar10']),
                          '--losses': dict(default='ldam,elm', help='losses, each trained with DRW')})
    losses = a.losses.split(',')
    tag = f'precision_{a.dataset}_{a.arch}_e{a.epochs}'
    dls = lt_dls(a.dataset, imb_ratio=a.imb_ratio, device='cpu', drop_last=False)
    res = {}
    for p in ('fp32', 'bf16'):
        out = Path(a.out) / tag / p
        if a.report_only and not (out / 'results.json').exists(): continue
        res[p] = json.loads((out / 'results.json').read_text()) if a.report_only else run_experiments(
            dls, losses, a.seed_list, out, dict(precision=p, torch_threads=torch.get_num_threads()), resume=True,
            epochs=a.epochs, arch=a.arch, n_in=1 if a.dataset == 'fmnist' else 3, lr=0.1, precision=p, log='quiet')
    bal = {p: {(r['name'], r['seed']): r['balanced_acc'] for r in res[p]['runs']} for p in res}
    secs = {p: np.mean([r['train_seconds'] for r in res[p]['runs']]) for p in res}
    md = [f'# bf16 against fp32: {a.dataset}-LT ρ = {a.imb_ratio:g}, {a.arch}, {a.epochs} epochs', '',
          f'Command: `{command_line("benchmarks/precision_fidelity.py")}` ({time.strftime("%Y-%m-%d")})  ',
          f'Machine: {machine()}  ', f'Seeds {a.seed_list}; the same seed gives the same model initialisation, batches and augmentation '
          'in both precisions. Balanced accuracy (%) on the test set, last epoch.', '',
          '| run | fp32 | bf16 | bf16 − fp32 per seed | mean difference | seed spread (larger std) | within the spread |', '|---|---|---|---|---|---|---|']
    for name in dict.fromkeys(n for n, _ in bal.get('fp32', {})):
        f = np.array([bal['fp32'][(name, s)] for s in a.seed_list if (name, s) in bal['fp32'] and (name, s) in bal.get('bf16', {})])
        b = np.array([bal['bf16'][(name, s)] for s in a.seed_list if (name, s) in bal['fp32'] and (name, s) in bal.get('bf16', {})])
        if not len(f): continue
        d, spread = b - f, max(f.std(), b.std())
        md.append(f'| {name} | {f.mean():.2f} ± {f.std():.2f} | {b.mean():.2f} ± {b.std():.2f} | {", ".join(f"{x:+.2f}" for x in d)} | '
                  f'{d.mean():+.2f} | {spread:.2f} | {"yes" if abs(d.mean()) <= spread else "no"} |')
    if len(secs) == 2: md += ['', f'Mean wall time per run (other jobs shared the machine): fp32 {secs["fp32"]:.0f} s, bf16 {secs["bf16"]:.0f} s.']
    out = Path(a.out) / f'{tag}.md'
    out.write_text('\n'.join(md) + '\n'); print('\n'.join(md))

if __name__ == '__main__': main()
