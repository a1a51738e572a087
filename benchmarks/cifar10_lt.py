"""CIFAR-10-LT accuracy benchmark (the shipped JPEG copy): CE, LDAM-DRW and ELM-DRW with the LDAM-DRW protocol.

    python benchmarks/cifar10_lt.py                                         # the paper's protocol: ResNet-32, 200 epochs (GPU)
    python benchmarks/cifar10_lt.py --arch resnet8 --epochs 12 --seeds 0    # the shortened CPU version

CIFAR-10-LT as LDAM-DRW builds it (exponential profile, ρ = 100 by default, selection seed 0) from the JPEG copy in
`../shared/data/cifar10_jpg.tgz` (or a downloaded CIFAR-10), batch 128, SGD lr 0.1, momentum 0.9, wd 2e-4, warm-up 2.5 %
of the epochs, x0.01 at 80 % and x0.0001 at 90 %, DRW (β = 0.9999) from 80 % for LDAM and ELM. The JPEG copy is
lossy: compare the methods with each other, not with published CIFAR-10 numbers. Writes
`benchmarks/results/cifar10_lt_rRATIO_ARCH_eEPOCHS/` and `….md`; rerun the command to resume.
"""
from pathlib import Path
from elm_fastai.data import lt_dls
from lt_report import benchmark_args, run_groups, command_line, write_report

def main():
    a = benchmark_args(__doc__, epochs=200, arch='resnet32',
                       **{'--device': dict(default=None, help='cpu, cuda, … (default: a GPU if there is one)'),
                          '--data-path': dict(default=None, help='CIFAR-10 archive or folder (default: ../shared/data/cifar10_jpg.tgz, else a download)')})
    seeds = a.seed_list
    tag = f'cifar10_lt_r{a.imb_ratio:g}_{a.arch}_e{a.epochs}'
    out = Path(a.out) / tag
    dls = lt_dls('cifar10', a.data_path, imb_ratio=a.imb_ratio, device=a.device, drop_last=False)
    kw = dict(epochs=a.epochs, arch=a.arch, n_in=3, lr=0.1)
    plan = [(seed, *g, None) for seed in seeds for g in [(['elm', 'ldam'], True, 'margin_drw'), (['ce'], False, 'ce')]]

    def report(runs, res):
        done = sorted({r['seed'] for r in runs})
        setup = [f'Device: {dls.device}. Training set: {sum(res["cls_num_list"])} images, per class {res["cls_num_list"]}; '
                 'test set: 10,000 (balanced), JPEG copy of CIFAR-10 (lossy).',
                 f'{a.arch} (cosine head for LDAM/ELM, linear otherwise), {a.epochs} epochs, batch 128, SGD lr 0.1, '
                 f'mean ± std over the seeds each row ran (planned: {seeds}, finished for some method: {done}). '
                 'Many/medium/few: classes with >100 / 20-100 / <20 training images (n/a: no class in that group).']
        write_report(Path(a.out) / f'{tag}.md', out / 'results.json', f'CIFAR-10-LT, ρ = {a.imb_ratio:g}, {a.arch}, '
                     f'{a.epochs} epochs: test accuracy (%)', command_line('benchmarks/cifar10_lt.py'), setup, runs, res,
                     dict(dataset='cifar10', imb_ratio=a.imb_ratio, seeds=seeds, device=str(dls.device), **kw),
                     [f'Per-class accuracy plots: `{tag}/seedS/GROUP/per_class_accuracy.png`; every run: `{tag}/results.json`.',
                      'Published reference on lossless CIFAR-10-LT (ResNet-32, 200 epochs; LDAM-DRW paper): CE 70.36, '
                      'LDAM-DRW 77.03 top-1. Not comparable with a shortened schedule or the JPEG copy.'])
    run_groups(dls, plan, out, a.report_only, report, **kw)

if __name__ == '__main__': main()
