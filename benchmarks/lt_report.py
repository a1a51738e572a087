"""Shared by the accuracy benchmarks: options, the machine line, and results.json with a markdown report.

Runs are trained by `elm_fastai.train.run_groups`. A group is one `run_experiments` call (some losses, one seed) stored in `OUT/seedS/GROUP/`; a group whose results.json
exists is read instead of trained again, and an unfinished run goes on from its last epoch (`OUT/seedS/GROUP/runs/RUN/checkpoint.pth`),
so an interrupted benchmark resumes when its command is run again, on this machine or on another.
"""
import argparse, importlib, os, json, pickle, platform, sys, time, types, warnings
from pathlib import Path
import numpy as np
import torch
from fastai.learner import load_learner
from fastai.interpret import ClassificationInterpretation
from elm_fastai.train import run_groups, summarize, results_table, save_per_class_plot, paired_difference, paired_verdict   # run_groups: imported by the benchmark scripts from here
from elm_fastai.predictions import load_test_logits, posthoc_adjusted, probabilities, ece, plot_reliability
import matplotlib.pyplot as plt

class _RenamedUnpickler(pickle.Unpickler):
    "Reads learners exported before a class moved between modules of the package (metrics out of `callbacks`; `data` split in commit 7865d36)"
    def find_class(self, module, name):
        if module.startswith('elm_fastai.') and not hasattr(importlib.import_module(module), name):
            for sub in ('tensor_data', 'longtail', 'data', 'metrics', 'callbacks', 'learner', 'losses', 'models', 'precision', 'checkpoint'):
                m = importlib.import_module(f'elm_fastai.{sub}')
                if hasattr(m, name): return getattr(m, name)
        return super().find_class(module, name)

_renamed_pickle = types.ModuleType('renamed_pickle')
_renamed_pickle.__dict__.update({k: getattr(pickle, k) for k in ('load', 'loads', 'dump', 'dumps', 'Pickler', 'HIGHEST_PROTOCOL')},
                                Unpickler=_RenamedUnpickler)

def test_confusion(pkl:Path, # a learner exported by `run_experiments`
                   dls): # the `DataLoaders` it was trained on (its test set is `dls.valid`)
    "Test-set confusion matrix (rows: true class, columns: predicted class) of an exported learner, by fastai's `ClassificationInterpretation`"
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        learn = load_learner(pkl, pickle_module=_renamed_pickle)
    learn.dls = dls
    with learn.no_bar(): return ClassificationInterpretation.from_learner(learn, dl=dls.valid).confusion_matrix()   # builds C×C×N: for benchmarks with few classes

def benchmark_args(doc:str, # the script's docstring (its first line is the description)
                   seeds='0,1,2', epochs=8, arch='resnet8', # defaults of the script
                   precision='fp32', # default --precision (fp32: the precision of the committed results; None: the device's default)
                   **extra): # more options: name -> argparse keyword arguments
    "Parse the options every accuracy benchmark shares, plus `extra`"
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument('--imb-ratio', type=float, default=100)
    p.add_argument('--seeds', default=seeds)
    p.add_argument('--epochs', type=int, default=epochs)
    p.add_argument('--arch', default=arch)
    p.add_argument('--precision', default=precision, choices=['fp32', 'bf16', 'fp16'],
                   help=f'fp32, bf16 or fp16 (default: {precision or "bf16 where the device computes it natively"})')
    for name, kw in extra.items(): p.add_argument(name, **kw)
    p.add_argument('--out', default=str(Path(__file__).resolve().parent / 'results'), help='results folder (default: benchmarks/results)')
    p.add_argument('--report-only', action='store_true', help='rewrite the report from the finished runs, train nothing')
    a = p.parse_args()
    a.seed_list = [int(s) for s in a.seeds.split(',')]
    return a

def sync(device):
    "Wait for the device's queued work (CUDA), so that a wall-clock reading times it; nothing on the CPU"
    if torch.device(device).type == 'cuda': torch.cuda.synchronize(device)

def machine(device=None, threads=None) -> str:
    "Where a benchmark ran: processor, CPU cores, torch threads (default: this process's; 'not recorded' for old runs) and version, and the GPU when `device` is one"
    dev = torch.device(device if device is not None else 'cpu')
    t = 'torch threads not recorded' if threads == 'not recorded' else f'{threads or torch.get_num_threads()} torch threads'
    s = f'{platform.machine()}, {os.cpu_count()} CPU cores, {t}, torch {torch.__version__}'
    return s + (f', GPU {torch.cuda.get_device_name(dev)}' if dev.type == 'cuda' else '')

def command_line(script:str, argv=None) -> str:
    "The command that reproduces the whole report: without --report-only, nor --only GROUPS (one process's share of it)"
    args, keep = list(sys.argv[1:] if argv is None else argv), []
    while args:
        o = args.pop(0)
        if o == '--only' and args: args.pop(0)
        elif o != '--report-only' and not o.startswith('--only='): keep.append(o)
    return ' '.join(['python', script] + keep)

def best_table(runs:list) -> list:
    "Markdown lines: each run's best epoch by test top-1 (what LDAM-DRW's and ELM's code report), when the runs record it"
    runs = [r for r in runs if 'best' in r]
    if not runs: return []
    lines = ['Best epoch by test accuracy (LDAM-DRW and the ELM code report this one; it selects on the test set):', '',
             '| loss | seed | best epoch | acc | balanced acc | many | medium | few |', '|---|---|---|---|---|---|---|---|']
    f = lambda v: 'n/a' if v != v else f'{v:.2f}'
    lines += [f"| {r['name']} | {r['seed']} | {r['best']['epoch'] + 1} | " + ' | '.join(f(r['best'][k]) for k in ('acc', 'balanced_acc', 'many', 'medium', 'few')) + ' |'
              for r in runs]
    return lines + ['']

def paired_lines(runs:list, # every run of the report
                 pairs:list, # (a, b) run names: a − b; b may be a list, the best of which (mean last-epoch accuracy over its seeds) is taken
                ) -> list:
    "Markdown lines: the per-seed differences a − b of the last and best epoch's accuracy, with their 95 % t-intervals and what they allow one to say"
    if not pairs: return []
    summary = {r['name']: r for r in summarize(runs)}
    lines = ['Paired differences, seed by seed (a − b, test accuracy in points; mean, sample std with ddof = 1, 95 % t-interval '
             'over the seeds both ran; "beats" only where the interval excludes 0):', '',
             '| a − b | epoch | seeds | per seed | mean | std | 95 % interval | verdict |', '|---|---|---|---|---|---|---|---|']
    f = lambda v: 'n/a' if v != v else f'{v:+.2f}'
    for a, b in pairs:
        if isinstance(b, (list, tuple)):
            b = max((n for n in b if n in summary), key=lambda n: summary[n]['acc'], default=None)
        if a not in summary or b is None or b not in summary: continue
        for best in (False, True):
            p = paired_difference(runs, a, b, best=best)
            if p is None: continue
            std = 'n/a' if p['n'] < 2 else f"{p['std']:.2f}"
            ci = 'n/a' if p['n'] < 2 else f"[{p['low']:+.2f}, {p['high']:+.2f}]"
            lines.append(f"| {a} − {b} | {'best' if best else 'last'} | {','.join(map(str, p['seeds']))} | "
                         f"{', '.join(f(d) for d in p['diffs'])} | {f(p['mean'])} | {std} | {ci} | {paired_verdict(p)} |")
    return lines + ['']

def logits_lines(out:Path, # the benchmark's results folder (OUT/seedS/GROUP/runs/RUN/test_logits.npz)
                 runs:list, # every run of the report
                 cls_num_list:list, # training images per class
                 png:Path|None=None, # reliability diagrams, one per method (its first seed with saved logits)
                ) -> list:
    "Markdown lines from the runs' saved test logits: accuracy, post-hoc logit adjustment (τ = 1) and ECE per method, mean ± sample std over seeds"
    found = {}
    for f in sorted(Path(out).glob('seed*/*/runs/*/test_logits.npz')):
        r = next((r for r in runs if f"{r['name']}_seed{r['seed']}".replace(' ', '_') == f.parent.name
                  and f.parents[3].name == f"seed{r['seed']}"), None)
        if r is not None: found.setdefault(r['name'], []).append((r['seed'], load_test_logits(f)))
    names = [n for n in dict.fromkeys(r['name'] for r in runs) if n in found]
    missing = sorted({f"{r['name']} seed {r['seed']}" for r in runs if r['name'] not in found or r['seed'] not in [s for s, _ in found[r['name']]]})
    if not names: return [f'No run of this report has saved test logits yet, so no post-hoc adjustment or calibration ({len(missing)} runs without them).', '']
    ms = lambda v: f'{np.mean(v):.2f}' + (f' ± {np.std(v, ddof=1):.2f}' if len(v) > 1 else '')
    lines = ['From the saved test logits (`runs/*/test_logits.npz`, the last epoch): top-1 accuracy, the same after post-hoc logit '
             'adjustment (Menon et al.: argmax of s·z − τ log π with τ = 1, nothing tuned on the test set), and the expected '
             'calibration error (15 bins, of softmax(s·z)); mean ± sample std (ddof = 1) over the seeds with logits:', '',
             '| loss | seeds | acc | post-hoc LA acc | change | ECE (%) |', '|---|---|---|---|---|---|']
    for n in names:
        acc, adj, e = [], [], []
        for _, s in found[n]:
            acc.append(100 * (s['logits'].argmax(1) == s['targets']).mean())
            adj.append(100 * (posthoc_adjusted(s['logits'], cls_num_list, s['scale']).argmax(1) == s['targets']).mean())
            e.append(ece(probabilities(s), s['targets']))
        lines.append(f"| {n} | {','.join(str(sd) for sd, _ in found[n])} | {ms(acc)} | {ms(adj)} | {np.mean(adj) - np.mean(acc):+.2f} | {ms(e)} |")
    if missing: lines += ['', f'Runs without saved logits (finished before runs saved them, learner not on this machine): {", ".join(missing)}.']
    if png is not None:
        fig, axs = plt.subplots(1, len(names), figsize=(3 * len(names), 3.2), squeeze=False)
        for ax, n in zip(axs[0], names):
            sd, s = found[n][0]
            plot_reliability(probabilities(s), s['targets'], ax=ax, title=f'{n} s{sd}')
            ax.title.set_fontsize(8)
        fig.tight_layout(); fig.savefig(png, dpi=110); plt.close(fig)
        lines += ['', f'Reliability diagrams (first seed with logits of each method): `{Path(png).parent.name}/{Path(png).name}`.']
    return lines + ['']

def write_report(md_path:Path, # the markdown report
                 json_path:Path, # every run, the summary and the configuration
                 title:str, # first line of the report
                 command:str, # the command that made it
                 setup:list, # lines describing data, model and schedule
                 runs:list, res:dict, config:dict,
                 notes:list=(), # lines after the tables
                 pairs:list=(), # (a, b) run names for `paired_lines`
                 logits_out:Path|None=None): # results folder whose saved test logits give the post-hoc and calibration table
    summary = summarize(runs)
    ts = [r['torch_threads'] for r in runs]   # None: a run from before the threads were recorded
    known = '/'.join(str(t) for t in sorted(set(ts) - {None}))
    threads = 'not recorded' if not known else known + (' (some runs: not recorded)' if None in ts else '')
    json_path.write_text(json.dumps(dict(config=config, cls_num_list=res['cls_num_list'], vocab=res['vocab'],
                                         runs=runs, summary=summary), indent=1))
    save_per_class_plot(summary, res['cls_num_list'], res['vocab'], json_path.parent / 'per_class_accuracy.png')
    md = [f'# {title}', '',
          f'Command: `{command}` (report written {time.strftime("%Y-%m-%d")}; {sum(r["train_seconds"] for r in runs) / 60:.0f} min of training in all)  ',
          f'Machine: {machine(config.get("device"), threads)}  ', *[l + '  ' for l in setup[:-1]], setup[-1], '',
          'Last epoch (what the trained model scores; ± is the sample std over seeds, ddof = 1):', '', results_table(summary, res['vocab']), '', *best_table(runs),
          *paired_lines(runs, pairs),
          *(logits_lines(logits_out, runs, res['cls_num_list'], json_path.parent / 'reliability.png') if logits_out is not None else []),
          'Wall time per run, for planning only: other jobs may have shared the machine, so it is no speed comparison.', '',
          '| loss | seeds run | train minutes per run (mean) | seconds per epoch (median) |', '|---|---|---|---|']
    sec = {s['name']: np.median([h['seconds'] for r in runs if r['name'] == s['name'] for h in r.get('history', [])] or [np.nan])
           for s in summary}   # median epoch time per row, nan where the runs recorded none
    md += [f"| {r['name']} | {r['n_seeds']} | {r['train_seconds'] / 60:.1f} | " + ('n/a (not recorded)' if np.isnan(sec[r['name']]) else f"{sec[r['name']]:.1f}") + ' |'
           for r in summary]
    md += ['', *notes]
    md_path.write_text('\n'.join(md) + '\n')
    print('\n'.join(md), flush=True)
