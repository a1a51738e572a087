"""Shared by the accuracy benchmarks: options, the machine line, and the report (the package's `elm_fastai.report`) of their finished groups.

Runs are trained by `elm_fastai.train.run_groups`. A group is one `run_experiments` call (some losses, one seed) stored in `OUT/seedS/GROUP/`; a group whose results.json
exists is read instead of trained again, and an unfinished run goes on from its last epoch (`OUT/seedS/GROUP/runs/RUN/checkpoint.pth`),
so an interrupted benchmark resumes when its command is run again, on this machine or on another.
"""
import argparse, importlib, os, json, pickle, platform, shlex, signal, sys, time, types, warnings
from contextlib import contextmanager
from pathlib import Path
import numpy as np
import torch
from fastai.learner import load_learner
from fastai.interpret import ClassificationInterpretation
from elm_fastai.train import run_groups, run_name, interrupted_line, CtrlC   # run_groups: imported by the benchmark scripts from here
from elm_fastai import report
from elm_fastai.report import collect_runs
from elm_fastai.precision import processor

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
    p.add_argument('--seeds', default=seeds, help=f'comma-separated seeds (default: {seeds or "the plan recorded in the results folder, else 0"})')
    p.add_argument('--epochs', type=int, default=epochs)
    p.add_argument('--arch', default=arch)
    p.add_argument('--precision', default=precision, choices=['fp32', 'bf16', 'fp16'],
                   help=f'fp32, bf16 or fp16 (default: {precision or "bf16 where the device computes it natively"})')
    for name, kw in extra.items(): p.add_argument(name, **kw)
    p.add_argument('--out', default=str(Path(__file__).resolve().parent / 'results'), help='results folder (default: benchmarks/results)')
    p.add_argument('--report-only', action='store_true', help='rewrite the report from the finished runs, train nothing')
    p.add_argument('--rerun-without-logits', action='store_true',
                   help='train again (into OUT/reruns/) each finished group of the plan with a run that saved no test logits; the rerun takes its place, the first run is kept in superseded.json')
    a = p.parse_args()
    try: a.seed_list = None if a.seeds is None else [int(s) for s in a.seeds.split(',')]
    except ValueError: p.error(f'--seeds {a.seeds}: give comma-separated integers, e.g. 0,1,2')
    return a

@contextmanager
def stops_on_ctrl_c(out):
    "Ctrl-C stops the benchmark at the next batch with the package's one line (the run, its last checkpoint, the same command, which resumes), exit 130"
    signal.signal(signal.SIGINT, CtrlC.handler)   # the signal sets a flag; `train_one`'s `CtrlC` callback stops at the next batch
    try:
        yield
        if CtrlC.requested: raise KeyboardInterrupt   # pressed after the last batch
    except KeyboardInterrupt:
        script = sys.argv[0]
        print(interrupted_line(out, ['python', script, *sys.argv[1:]], Path(script).name, CtrlC.training), file=sys.stderr, flush=True)
        raise SystemExit(130)

def sync(device):
    "Wait for the device's queued work (CUDA), so that a wall-clock reading times it; nothing on the CPU"
    if torch.device(device).type == 'cuda': torch.cuda.synchronize(device)

def machine(device=None, threads=None, cpu=True) -> str:
    "Where a benchmark ran: processor (`cpu`: name this one's), CPU cores, torch threads (default: this process's; 'not recorded' for old runs) and version, and the GPU when `device` is one"
    dev = torch.device(device if device is not None else 'cpu')
    t = 'torch threads not recorded' if threads == 'not recorded' else f'{threads or torch.get_num_threads()} torch threads'
    s = (f'{processor("cpu")}, ' if cpu else '') + f'{platform.machine()}, {os.cpu_count()} CPU cores, {t}, torch {torch.__version__}'
    return s + (f', GPU {torch.cuda.get_device_name(dev)}' if dev.type == 'cuda' else '')

def command_line(script:str, argv=None) -> str:
    "The command that reproduces the whole report: without --report-only, --only GROUPS or --shard K/N (one process's share of it)"
    args, keep = list(sys.argv[1:] if argv is None else argv), []
    while args:
        o = args.pop(0)
        if o in ('--only', '--shard') and args: args.pop(0)
        elif o not in ('--report-only', '--rerun-without-logits') and not o.startswith(('--only=', '--shard=')): keep.append(o)
    return ' '.join(['python', script] + keep)

def group_folders(out:Path, # the benchmark's results folder
                  plan:list, # (seed, losses, drw, group, loss_kw) tuples of `run_groups`
                 ) -> list:
    "The folders `OUT/seedS/GROUP/` of the plan's groups that exist (finished, or with a run in progress), in plan order (the order of the report's rows), then those being trained again (`OUT/reruns/seedS/GROUP/`)"
    return [Path(out) / sub / f'seed{p[0]}' / p[3] for sub in ('', 'reruns') for p in plan if (Path(out) / sub / f'seed{p[0]}' / p[3]).is_dir()]

def missing_line(out:Path, # the benchmark's results folder
                 plan:list, # (seed, losses, drw, group, loss_kw) tuples of `run_groups`: the report's whole grid
                ) -> str:
    "One line naming the runs of the plan that have not finished (per method, its seeds), or that every one has"
    miss = {}
    for seed, losses, drw, group, kw in plan:
        if not (Path(out) / f'seed{seed}' / group / 'results.json').exists():
            for l in losses: miss.setdefault(run_name(l, drw, kw), []).append(seed)
    if not miss: return 'Every run of the planned grid has finished.'
    return (f'Planned here and not finished ({sum(map(len, miss.values()))} runs; a run in progress is named below): '
            + '; '.join(f"{n} seed{'s' if len(s) > 1 else ''} {', '.join(map(str, s))}" for n, s in miss.items()) + '.')

def write_report(md_path:Path, # the markdown report
                 out:Path, # the benchmark's results folder: the merged results.json and the plots go here
                 title:str, # first line of the report
                 command:str, # the command that made it
                 setup:list, # lines describing data, model and schedule
                 folders:list, # the group folders to report (`group_folders`)
                 config:dict, # the benchmark's settings, recorded in results.json
                 notes:list=(), # lines after the tables
                 pairs:list|None=(), # (a, b) run names for the paired differences (None: the best against each other; (): none)
                ) -> dict:
    "The package's report (`elm_fastai.report.write_report`) of the finished groups, with the machine and what the runs trained on first; return the collected runs"
    got = collect_runs(*folders)
    ts = [r.get('torch_threads') for r in got['runs']]   # None: a run from before the threads were recorded
    known = '/'.join(str(t) for t in sorted(set(ts) - {None}))
    threads = 'not recorded' if not known else known + (' (some runs: not recorded)' if None in ts else '')
    where = [f'Machine: {machine(config.get("device"), threads, cpu=False)}', f'Trained on: {report.trained_on(got["runs"])}']   # the runs' own record, not this machine
    text = report.write_report(got, md_path, out, title, command, [*where, *setup], notes, pairs, config)
    print(text, end='', flush=True)
    return got
