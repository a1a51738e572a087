"""Fashion-MNIST-LT accuracy benchmark: CE, Focal, CB, balanced softmax, LA, LDAM-DRW and ELM-DRW on the CPU.

    python benchmarks/fmnist_lt.py [--imb-ratio 100] [--seeds 0,1,2] [--epochs 8] [--arch resnet8]

Every method trains the same ResNet on the same long-tailed training set (LDAM-DRW's exponential profile, seed 0) with
the same LDAM-DRW-shaped schedule (SGD, lr 0.1, warm-up, x0.01 at 80 % and x0.0001 at 90 % of the epochs; DRW from 80 %
for LDAM and ELM), once per seed. Writes `benchmarks/results/fmnist_lt_rRATIO/` (results.json, per_class_accuracy.png,
the learners) and `benchmarks/results/fmnist_lt_rRATIO.md` (mean ± sample std over seeds, paired differences seed by seed
for ELM-DRW − LDAM-DRW and for the best mean against every other method, the exact command, the machine).
Needs Debian's `dataset-fashion-mnist`. Rerun the command to resume; `--report-only` rewrites the report.
"""
from pathlib import Path
from elm_fastai.data import lt_dls
from elm_fastai.report import default_pairs
from lt_report import benchmark_args, run_groups, command_line, write_report, group_folders, stops_on_ctrl_c, missing_line

def main():
    a = benchmark_args(__doc__)
    seeds = a.seed_list
    tag = f'fmnist_lt_r{a.imb_ratio:g}'
    out = Path(a.out) / tag
    dls = lt_dls('fmnist', imb_ratio=a.imb_ratio, device='cpu')
    kw = dict(epochs=a.epochs, arch=a.arch, n_in=1, lr=0.1, precision=a.precision)
    # ELM-DRW, LDAM-DRW and CE on every seed first, then the other baselines; the report is rewritten after each group
    groups = [(['elm', 'ldam'], True, 'margin_drw'), (['ce'], False, 'ce'), (['focal', 'cb', 'bsoftmax', 'la'], False, 'baselines')]
    plan = [(seed, *g, None) for g in groups[:2] for seed in seeds] + [(seed, *groups[2], None) for seed in seeds]
    plan.sort(key=lambda sg: (sg[3] == 'baselines', sg[0]))

    def report(runs, res):
        done = sorted({r['seed'] for r in runs})
        setup = [f'Training set: {sum(res["cls_num_list"])} images, per class {res["cls_num_list"]}; test set: 10,000 (balanced).',
                 f'{a.arch} (cosine head for LDAM/ELM, linear otherwise), {a.epochs} epochs, batch 128, SGD lr 0.1, '
                 f'mean ± sample std (ddof = 1) over the seeds each row ran (n; planned: {seeds}, finished for some method: {done}). '
                 'Many/medium/few: classes with >100 / 20-100 / <20 training images (n/a: no class in that group).', missing_line(out, plan)]
        write_report(Path(a.out) / f'{tag}.md', out, f'Fashion-MNIST-LT, ρ = {a.imb_ratio:g}: test accuracy (%)',
                     command_line('benchmarks/fmnist_lt.py'), setup, group_folders(out, plan),
                     dict(dataset='fmnist', imb_ratio=a.imb_ratio, seeds=seeds, **kw),
                     [f'Each group\'s own table and per-class plot: `{tag}/seedS/GROUP/`.'],
                     list(dict.fromkeys([('ELM-DRW', 'LDAM-DRW')] + default_pairs(runs))))   # ELM against LDAM, and the best mean against every other
    with stops_on_ctrl_c(out): run_groups(dls, plan, out, a.report_only, report, a.rerun_without_logits, **kw)

if __name__ == '__main__': main()
