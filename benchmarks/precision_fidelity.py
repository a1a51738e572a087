"""bf16 against fp32: the same runs (same seeds, same data, same schedule) in both precisions.

    python benchmarks/precision_fidelity.py                                       # Fashion-MNIST-LT, ResNet-8, 8 epochs
    python benchmarks/precision_fidelity.py --dataset cifar10 --arch resnet32 --epochs 30 --losses ldam --seeds 0,1

Trains each loss (with DRW) for each seed in fp32 and in bf16 (autocast, channels-last; the loss in float32) and
reports balanced accuracy per precision (mean ± sample std over the seeds, ddof = 1) and the per-seed differences
bf16 − fp32 with their 95 % t-interval and verdict (`elm_fastai.report.paired_difference`, as every method comparison of
the package: "not distinguishable" unless the interval excludes 0). Every run checkpoints: rerun the command to resume.
Writes `benchmarks/results/precision_DATASET_ARCH_eEPOCHS/` and `….md`.
"""
import json, time
from pathlib import Path
import numpy as np
import torch
from elm_fastai.data import lt_dls
from elm_fastai.train import run_experiments
from elm_fastai.report import paired_difference, paired_verdict, trained_on
from elm_fastai.precision import processor
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
            dls, losses, a.seed_list, out, dict(precision=p, torch_threads=torch.get_num_threads(), processor=processor('cpu')), resume=True,
            epochs=a.epochs, arch=a.arch, n_in=1 if a.dataset == 'fmnist' else 3, lr=0.1, precision=p, log='quiet')
    runs = [dict(r, name=f"{r['name']} {p}", processor=r.get('processor', res[p]['config'].get('processor'))) for p in res for r in res[p]['runs']]   # one method per precision, paired by seed
    secs = {p: np.mean([r['train_seconds'] for r in res[p]['runs']]) for p in res}
    ms = lambda v: f'{np.mean(v):.2f}' + (f' ± {np.std(v, ddof=1):.2f}' if len(v) > 1 else '')
    md = [f'# bf16 against fp32: {a.dataset}-LT ρ = {a.imb_ratio:g}, {a.arch}, {a.epochs} epochs', '',
          f'Command: `{command_line("benchmarks/precision_fidelity.py")}` (report written {time.strftime("%Y-%m-%d")})  ',
          f'Machine: {machine(cpu=False)}; trained on: {trained_on(runs)}  ', f'Seeds {a.seed_list}; the same seed gives the same model initialisation, batches and augmentation '
          'in both precisions. Balanced accuracy (%) on the test set, last epoch: mean ± sample std (ddof = 1) over the seeds both '
          'precisions ran; bf16 − fp32 seed by seed, its mean, sample std and 95 % t-interval ("beats" only where the interval excludes 0).', '',
          '| run | seeds | fp32 | bf16 | bf16 − fp32 per seed | mean | std | 95 % interval | verdict |', '|---|---|---|---|---|---|---|---|---|']
    for name in dict.fromkeys(r['name'] for r in res.get('fp32', {}).get('runs', [])):
        d = paired_difference(runs, f'{name} bf16', f'{name} fp32', key='balanced_acc')
        if d is None: continue
        acc = {p: [r['balanced_acc'] for s in d['seeds'] for r in runs if r['name'] == f'{name} {p}' and r['seed'] == s] for p in ('fp32', 'bf16')}
        std, ci = ('n/a', 'n/a') if d['n'] < 2 else (f"{d['std']:.2f}", f"[{d['low']:+.2f}, {d['high']:+.2f}]")
        md.append(f"| {name} | {','.join(map(str, d['seeds']))} | {ms(acc['fp32'])} | {ms(acc['bf16'])} | "
                  f"{', '.join(f'{x:+.2f}' for x in d['diffs'])} | {d['mean']:+.2f} | {std} | {ci} | {paired_verdict(d)} |")
    if len(secs) == 2: md += ['', f'Mean wall time per run (other jobs shared the machine): fp32 {secs["fp32"]:.0f} s, bf16 {secs["bf16"]:.0f} s.']
    out = Path(a.out) / f'{tag}.md'
    out.write_text('\n'.join(md) + '\n'); print('\n'.join(md))

if __name__ == '__main__': main()
