"""ELM under the microscope: λ, DRW, which wrong class ĵ is picked and the sign of its margin, with per-class results.

    python benchmarks/elm_study.py [--dataset fmnist] [--seeds 1] [--epochs 8] [--arch resnet8]

Trains ELM and its variants with the schedule of `benchmarks/fmnist_lt.py` (same data, model and LDAM-DRW-shaped
schedule): LDAM, ELM at λ ∈ {0.25, 0.5, 1}, each with and without DRW, and the opt-in variants of `ELMLoss`
(`pick='pair'`, `enlarge=True`) with DRW. CE, LDAM-DRW and ELM-DRW (λ = 1) are read from that benchmark's runs of the
same seed when they exist (`--dataset fmnist` with its default epochs and arch), else trained here. Then predicts the test
set with every exported learner and reports, besides the accuracy table and the paired differences (`PAIRS`), each class that collapses (accuracy below half of LDAM-DRW's and
20 points below it) and where its test images went. Writes `benchmarks/results/elm_study_DATASET/` and `….md`.
"""
import json
from pathlib import Path
import numpy as np
import torch
from elm_fastai.data import lt_dls
from lt_report import benchmark_args, run_groups, command_line, write_report, test_confusion, group_folders, stops_on_ctrl_c

# group: (losses, drw, loss_kw), in the order they are trained (the most informative first)
VARIANTS = {'elm_drw_pair': (['elm'], True, dict(pick='pair')), 'elm_drw_enlarge': (['elm'], True, dict(enlarge=True)),
            'elm_drw_lam0.5': (['elm'], True, dict(lam=0.5)), 'elm_drw_lam0.25': (['elm'], True, dict(lam=0.25)),
            'ldam': (['ldam'], False, None), 'elm': (['elm'], False, None),
            'elm_lam0.5': (['elm'], False, dict(lam=0.5)), 'elm_lam0.25': (['elm'], False, dict(lam=0.25))}
NAMES = dict(fmnist='Fashion-MNIST', cifar10='CIFAR-10')
REFERENCES = [(['elm', 'ldam'], True, 'margin_drw', None), (['ce'], False, 'ce', None)]
# a − b in the report, seed by seed with t-intervals: each ELM setting against LDAM-DRW (λ = 0), the smaller λ against the
# released λ = 1, and both margins without DRW
PAIRS = [('ELM-DRW', 'LDAM-DRW'), ('ELM-DRW lam=0.5', 'LDAM-DRW'), ('ELM-DRW lam=0.25', 'LDAM-DRW'), ('ELM-DRW pick=pair', 'LDAM-DRW'),
         ('ELM-DRW enlarge=True', 'LDAM-DRW'), ('ELM-DRW lam=0.5', 'ELM-DRW'), ('ELM-DRW pick=pair', 'ELM-DRW'), ('ELM', 'LDAM')]

def collapses(runs, cms, vocab, counts) -> list:
    "Markdown lines: classes under half of LDAM-DRW's accuracy and 20 points below it (same seed), and where their test images went"
    lines = ['| run | seed | class (training images) | accuracy (LDAM-DRW) | most frequent wrong prediction |', '|---|---|---|---|---|']
    for r in runs:
        ref = next((x for x in runs if x['name'] == 'LDAM-DRW' and x['seed'] == r['seed']), None)
        key = f"{r['name']}|{r['seed']}"
        if ref is None or key not in cms: continue
        cm = np.array(cms[key])
        for c in range(len(vocab)):
            if r['per_class'][c] < ref['per_class'][c] / 2 and ref['per_class'][c] - r['per_class'][c] >= 20:
                wrong = cm[c].copy(); wrong[c] = -1; k = int(wrong.argmax())
                lines.append(f"| {r['name']} | {r['seed']} | {vocab[c]} ({counts[c]}) | {r['per_class'][c]:.1f} "
                             f"({ref['per_class'][c]:.1f}) | {vocab[k]}: {cm[c, k]} of {cm[c].sum()} |")
    return lines

def main():
    a = benchmark_args(__doc__, seeds='1', **{
        '--dataset': dict(default='fmnist', choices=['fmnist', 'cifar10']),
        '--only': dict(default=None, help='comma-separated variant groups to run (default: all, in order)')})
    seeds = a.seed_list
    tag = f'elm_study_{a.dataset}_r{a.imb_ratio:g}_{a.arch}_e{a.epochs}'
    out = Path(a.out) / tag
    fm = a.dataset == 'fmnist'
    dls = lt_dls(a.dataset, imb_ratio=a.imb_ratio, device='cpu', drop_last=False)
    kw = dict(epochs=a.epochs, arch=a.arch, n_in=1 if fm else 3, lr=0.1, precision=a.precision)
    bench = Path(a.out) / (f'fmnist_lt_r{a.imb_ratio:g}' if fm and (a.epochs, a.arch) == (8, 'resnet8')
                           else f'{a.dataset}_lt_r{a.imb_ratio:g}_{a.arch}_e{a.epochs}')
    groups = [g for g in VARIANTS if a.only is None or g in a.only.split(',')]
    cms_file = out / 'confusions.json'

    def report(runs, res):
        cms = json.loads(cms_file.read_text()) if cms_file.exists() else {}
        for r in runs:   # confusion matrices of runs not seen yet, from their exported learners
            key = f"{r['name']}|{r['seed']}"
            if key in cms: continue
            pkl = next(iter(sorted(p for d in (bench, out) for p in d.glob(f"seed{r['seed']}/*/{r['name']}_seed{r['seed']}.pkl"))), None)
            if pkl is not None: cms[key] = test_confusion(pkl, dls).tolist()
        cms_file.parent.mkdir(parents=True, exist_ok=True); cms_file.write_text(json.dumps(cms))
        setup = [f'{NAMES[a.dataset]}-LT ρ = {a.imb_ratio:g}: {sum(res["cls_num_list"])} training images, per class {res["cls_num_list"]}; '
                 'balanced test set of 10,000.',
                 f'{a.arch} (cosine head for LDAM/ELM), {a.epochs} epochs, batch 128, SGD lr 0.1, LDAM-DRW-shaped schedule, DRW from 80 %; '
                 f'seeds {seeds}; s = 30, max_m = 0.5, λ = 1 unless the name says otherwise. CE, LDAM-DRW and ELM-DRW: runs of '
                 f'`{bench.name}`.']
        notes = ['## Collapsed classes', '', 'Classes whose accuracy is below half of LDAM-DRW\'s, and at least 20 points below it, in the same seed, and '
                 'where their test images went (from the confusion matrices in `confusions.json`):', '',
                 *collapses(runs, cms, res['vocab'], res['cls_num_list'])]
        write_report(Path(a.out) / f'{tag}.md', out, f'ELM study, {NAMES[a.dataset]}-LT ρ = {a.imb_ratio:g}: test accuracy (%)',
                     command_line('benchmarks/elm_study.py'), setup, group_folders(bench, ref_plan) + group_folders(out, plan),
                     dict(dataset=a.dataset, imb_ratio=a.imb_ratio, seeds=seeds, **kw), notes, PAIRS)

    ref_plan = [(s, *g) for s in seeds for g in REFERENCES]
    plan = [(s, *VARIANTS[g][:2], g, VARIANTS[g][2]) for s in seeds for g in groups]
    with stops_on_ctrl_c(out):
        ref_runs, _ = run_groups(dls, ref_plan, bench, a.report_only, None, a.rerun_without_logits, **kw)
        run_groups(dls, plan, out, a.report_only, lambda runs, res: report(ref_runs + runs, res), a.rerun_without_logits, **kw)

if __name__ == '__main__': main()
