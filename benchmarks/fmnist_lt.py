"""Fashion-MNIST-LT accuracy benchmark: CE, Focal, CB, balanced softmax, LA, LDAM-DRW and ELM-DRW on the CPU.

    python benchmarks/fmnist_lt.py [--imb-ratio 100] [--seeds 0,1,2] [--epochs 8] [--arch resnet8]

Every method trains the same ResNet on the same long-tailed training set (LDAM-DRW's exponential profile, seed 0) with
the same LDAM-DRW-shaped schedule (SGD, lr 0.1, warm-up, x0.01 at 80 % and x0.0001 at 90 % of the epochs; DRW from 80 %
for LDAM and ELM), once per seed. Writes `benchmarks/results/fmnist_lt_rRATIO/` (results.json, per_class_accuracy.png,
the learners) and `benchmarks/results/fmnist_lt_rRATIO.md` (mean ± std over seeds, the exact command, the machine).
Needs Debian's `dataset-fashion-mnist`.
"""
import argparse, json, platform, sys, time
from pathlib import Path
import torch
from elm_fastai.data import lt_dls
from elm_fastai.train import run_experiments, summarize, results_table

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--imb-ratio', type=float, default=100)
    p.add_argument('--seeds', default='0,1,2')
    p.add_argument('--epochs', type=int, default=8)
    p.add_argument('--arch', default='resnet8')
    p.add_argument('--out', default='benchmarks/results')
    p.add_argument('--report-only', action='store_true', help='rewrite the table from the finished runs, train nothing')
    a = p.parse_args()
    seeds = [int(s) for s in a.seeds.split(',')]
    tag = f'fmnist_lt_r{a.imb_ratio:g}'
    out = Path(a.out) / tag
    dls = lt_dls('fmnist', imb_ratio=a.imb_ratio, device='cpu')
    kw = dict(epochs=a.epochs, arch=a.arch, n_in=1, lr=0.1)
    runs = []
    # ELM-DRW, LDAM-DRW and CE on every seed first, then the other baselines; the table is rewritten after each group
    # of runs, and a group whose results.json exists is read instead of trained again (rerun the command to resume)
    groups = [(['elm', 'ldam'], True, 'margin_drw'), (['ce'], False, 'ce'), (['focal', 'cb', 'bsoftmax', 'la'], False, 'baselines')]
    plan = [(seed, g) for g in groups[:2] for seed in seeds] + [(seed, groups[2]) for seed in seeds]
    plan.sort(key=lambda sg: (sg[1][2] == 'baselines', sg[0]))
    for seed, (losses, drw, group) in plan:
        done = out / f'seed{seed}' / group / 'results.json'
        if done.exists(): res = json.loads(done.read_text())
        elif a.report_only: continue
        else: res = run_experiments(dls, losses, [seed], done.parent, drw=drw, **kw)
        runs += res['runs']
        write_report(a, tag, out, runs, res, kw, seeds)

def write_report(a, tag, out, runs, res, kw, seeds):
    summary = summarize(runs)
    done = sorted({r['seed'] for r in runs})
    results = dict(config=dict(dataset='fmnist', imb_ratio=a.imb_ratio, seeds=seeds, **kw), cls_num_list=res['cls_num_list'],
                   vocab=res['vocab'], runs=runs, summary=summary)
    (out / 'results.json').write_text(json.dumps(results, indent=1))
    cmd = 'python benchmarks/fmnist_lt.py' + (' ' + ' '.join(o for o in sys.argv[1:] if o != '--report-only') if sys.argv[1:] else '')
    md = [f'# Fashion-MNIST-LT, ρ = {a.imb_ratio:g}: test accuracy (%)', '',
          f'Command: `{cmd}` ({time.strftime("%Y-%m-%d")}, {sum(r["train_seconds"] for r in runs) / 60:.0f} min of training in all)  ',
          f'Machine: {platform.machine()}, 2 CPU cores shared with other jobs, {torch.get_num_threads()} torch threads, '
          f'torch {torch.__version__}  ',
          f'Training set: {sum(res["cls_num_list"])} images, per class {res["cls_num_list"]}; test set: 10,000 (balanced).  ',
          f'{a.arch} (cosine head for LDAM/ELM, linear otherwise), {a.epochs} epochs, batch 128, SGD lr 0.1, '
          f'mean ± std over the seeds each row ran (n_seeds; planned: {seeds}, finished for some method: {done}). '
          'Many/medium/few: classes with >100 / 20-100 / <20 training images (n/a: no class in that group).', '',
          results_table(summary, res['vocab']), '',
          'Wall time per run, for planning only: the 2 cores were shared with other jobs, so it is no speed comparison.', '',
          '| loss | seeds run | train minutes per run (mean) |', '|---|---|---|']
    md += [f"| {r['name']} | {r['n_seeds']} | {r['train_seconds'] / 60:.1f} |" for r in summary]
    md += ['', f'Per-class accuracy plots: `{tag}/seedS/GROUP/per_class_accuracy.png`; every run: `{tag}/results.json`.']
    (Path(a.out) / f'{tag}.md').write_text('\n'.join(md) + '\n')
    print('\n'.join(md), flush=True)

if __name__ == '__main__': main()
