"""CIFAR-10-LT accuracy benchmark (the shipped JPEG copy) with the LDAM-DRW protocol: CE, LDAM-DRW and ELM's settings.

    python benchmarks/cifar10_lt.py                                   # the paper's protocol (ResNet-32, 200 epochs): the plan the results folder records, else seed 0 of every group
    OMP_NUM_THREADS=1 python benchmarks/cifar10_lt.py --shard 1/2 &  # half of the plan per process, two processes on two cores
    OMP_NUM_THREADS=1 python benchmarks/cifar10_lt.py --only ce &     # or one group
    OMP_NUM_THREADS=1 python benchmarks/cifar10_lt.py --only ce --rerun-without-logits &   # train again a finished group that saved no test logits
    python benchmarks/cifar10_lt.py --seeds 0,1,2 --groups ce,ldam_drw,elm@0,elm_drw   # GROUP@S+S…: that group trains only these seeds
    python benchmarks/cifar10_lt.py --imb-ratio 10 --report-only      # no --seeds/--groups: the plan the folder's results.json records
    python benchmarks/cifar10_lt.py --arch resnet8 --epochs 12 --groups margin_drw,ce --precision fp32   # the shortened CPU version
    python benchmarks/cifar10_lt.py --seeds 0 --groups ldam_drw,elm_drw --precision fp32 --out benchmarks/results/fp32   # another precision: a folder of its own

CIFAR-10-LT as LDAM-DRW builds it (exponential profile, ρ = 100 by default, selection seed 0) from the JPEG copy in
`../shared/data/cifar10_jpg.tgz` (or a downloaded CIFAR-10), batch 128, SGD lr 0.1, momentum 0.9, wd 2e-4, warm-up 2.5 %
of the epochs, x0.01 at 80 % and x0.0001 at 90 %, DRW (β = 0.9999) from 80 % where the group says so. The JPEG copy is
lossy: compare the methods with each other; published CIFAR-10-LT numbers are indicative only. Every run checkpoints
after each epoch: rerun the same command to resume. Writes `benchmarks/results/cifar10_lt_rRATIO_ARCH_eEPOCHS/` and `….md`:
the report shows every finished run of the groups in `--groups` (whichever command trained it, e.g. one with `--seeds 1`)
and names the runs of this command's plan that have not finished. A command without `--seeds` and `--groups` takes the
plan that the results folder's report recorded (says so in one line), so a resume or `--report-only` cannot replace it.
"""
import json, sys
from pathlib import Path
from elm_fastai.data import lt_dls
from elm_fastai.train import shard_setting
from lt_report import benchmark_args, run_groups, command_line, write_report, group_folders, stops_on_ctrl_c, missing_line

# group: (losses, DRW, loss settings); each group is one folder of runs
GROUPS = {'ce': (['ce'], False, None), 'ldam_drw': (['ldam'], True, None), 'elm': (['elm'], False, None),
          'elm_drw': (['elm'], True, None), 'elm_drw_lam0.5': (['elm'], True, dict(lam=0.5)),
          'margin_drw': (['elm', 'ldam'], True, None),   # margin_drw: ELM-DRW and LDAM-DRW in one group (the shortened benchmark)
          'la': (['la'], False, None), 'bs': (['bsoftmax'], False, None), 'vs': (['vs'], False, None)}   # without DRW, as their papers
PROTOCOL = 'ce,ldam_drw,elm,elm_drw,elm_drw_lam0.5,la,bs,vs'
PUBLISHED = {100: 'CE 70.36, LDAM-DRW 77.03', 10: 'CE 86.39, LDAM-DRW 88.16'}   # LDAM-DRW paper, Table 2, top-1 (%)
PUBLISHED_OTHER = {100: 'Other published numbers, each under its own schedule: the DDC repository\'s table (ResNet-32, 200 epochs, best epoch): '
                        'LDAM-DRW 77.97 ± 0.17, VS 80.29 ± 0.23; logit adjustment\'s README: 77.9 after about 1,240 epochs.'}
PAIRS = [('ELM-DRW', 'LDAM-DRW'), ('ELM-DRW', ['LA', 'BalancedSoftmax', 'VS']), ('ELM', 'LDAM-DRW')]   # a − b in the report; a list: its best

def group_seeds(groups:str, # --groups: comma-separated GROUP (trains `seeds`) or GROUP@S+S… (trains these seeds only)
                seeds:list, # --seeds
               ) -> dict:
    "Each group of `--groups` and the seeds it trains, in order; a one-line error for an unknown group or a bad seed"
    out = {}
    for item in groups.split(','):
        g, _, own = item.partition('@')
        if g not in GROUPS: raise SystemExit(f'unknown group {g!r}: use {", ".join(GROUPS)}')
        try: out[g] = [int(x) for x in own.split('+')] if own else list(seeds)
        except ValueError: raise SystemExit(f'bad seeds in {item!r}: write GROUP@S+S…, e.g. ce@0 or ce@0+1') from None
    return out

def recorded_plan(out:Path, # the benchmark's results folder
                 ) -> tuple|None:
    "The `--seeds` and `--groups` of the plan that `OUT/results.json` records, as the options write them (None: no report yet)"
    f = Path(out) / 'results.json'
    if not f.exists(): return None
    cfg = json.loads(f.read_text()).get('config', {})
    if 'groups' not in cfg: return None
    seeds, own = cfg['seeds'], cfg.get('group_seeds', {})
    groups = [g if own.get(g, seeds) == seeds else f"{g}@{'+'.join(map(str, own[g]))}" for g in cfg['groups']]
    return ','.join(map(str, seeds)), ','.join(groups)

def no_drw_line(groups) -> str: # the groups of the report
    "The report's sentence on the baselines trained without DRW, naming those of `groups` (none: '')"
    names = [n for g, n in (('la', 'LA'), ('bs', 'BS (balanced softmax)'), ('vs', 'VS')) if g in groups]
    if not names: return ''
    return (f"{', '.join(names[:-1])} and {names[-1]} train without DRW, as their papers do. " if len(names) > 1
            else f'{names[0]} trains without DRW, as its paper does. ')

def eval_line(runs) -> str:
    "Which runs evaluated the test set less often than every epoch (`--eval-every`)"
    sparse = sorted({f"{r['name']} seed {r['seed']} (K = {r['eval_every']})" for r in runs if r.get('eval_every', 1) != 1})
    if not sparse: return 'Every run evaluated the test set after every epoch.'
    return ('Evaluated every K epochs before the switch at 80 % and after every epoch from it on (`--eval-every K`; the training '
            'and the last epoch are the same as with K = 1): ' + ', '.join(sparse) + '; every other run after every epoch.')

def main():
    a = benchmark_args(__doc__, seeds=None, epochs=200, arch='resnet32', precision=None,
                       **{'--device': dict(default=None, help='cpu, cuda, … (default: a GPU if there is one)'),
                          '--data-path': dict(default=None, help='CIFAR-10 archive or folder (default: ../shared/data/cifar10_jpg.tgz, else a download)'),
                          '--groups': dict(default=None, help=f'comma-separated groups of {", ".join(GROUPS)} (default: the plan recorded in '
                                           f'the results folder, else {PROTOCOL}); GROUP@S+S… trains that group with these seeds only, e.g. ce@0'),
                          '--only': dict(default=None, help='train only these groups (comma-separated) in this process; the report lists all finished ones'),
                          '--shard': dict(default=None, help='K/N: train only the K-th of N slices of the (seed, group) plan in this process, or slurm (from the array job); the report lists all finished runs'),
                          '--eval-every': dict(type=int, default=1, help='evaluate every K epochs before the DRW switch at 80 %%, every epoch from it on (default 1)')})
    tag = f'cifar10_lt_r{a.imb_ratio:g}_{a.arch}_e{a.epochs}'
    out = Path(a.out) / tag
    given = []   # the options of the plan this command did not give, taken from the recorded plan, for the report's command line
    if a.seeds is None and a.groups is None and (rec := recorded_plan(out)):
        a.seeds, a.groups = rec
        given = ['--seeds', a.seeds, '--groups', a.groups]
        print(f'--seeds and --groups not given: the plan recorded in {out / "results.json"}: {" ".join(given)}', flush=True)
    a.seed_list = [int(s) for s in (a.seeds or '0').split(',')]
    per_group = group_seeds(a.groups or PROTOCOL, a.seed_list)
    groups = list(per_group)
    bad = [g for g in (a.only.split(',') if a.only else []) if g not in GROUPS]
    if bad: raise SystemExit(f'unknown group {bad[0]!r}: use {", ".join(GROUPS)}')
    dls = lt_dls('cifar10', a.data_path, imb_ratio=a.imb_ratio, device=a.device, drop_last=False)
    kw = dict(epochs=a.epochs, arch=a.arch, n_in=3, lr=0.1, precision=a.precision)
    if a.eval_every != 1: kw['eval_every'] = a.eval_every   # recorded per run (scores: eval_every); the training is the same
    seeds = list(dict.fromkeys(a.seed_list + [s for v in per_group.values() for s in v]))   # --seeds first, then the groups' own
    plan = [(seed, GROUPS[g][0], GROUPS[g][1], g, GROUPS[g][2]) for seed in seeds for g in groups if seed in per_group[g]]
    own = {}   # the groups' own seeds, e.g. {'[0]': ['ce', 'elm']}
    for g, v in per_group.items():
        if v != a.seed_list: own.setdefault(str(v), []).append(g)
    planned = f'{a.seed_list}' + ''.join(f'; {", ".join(gs)}: {v}' for v, gs in own.items())
    train = [p for p in plan if a.only is None or p[3] in a.only.split(',')]
    if a.shard is not None:   # the same slices as elm_fastai_train --shard: every N-th of the plan, from the K-th
        k, n = shard_setting(a.shard, len(train))
        train = train[k - 1::n]

    def report(runs, res):
        done = sorted({r['seed'] for r in runs})
        setup = [f'Device: {dls.device}. Training set: {sum(res["cls_num_list"])} images, per class {res["cls_num_list"]}; '
                 'test set: 10,000 (balanced), JPEG copy of CIFAR-10 (lossy).',
                 f'{a.arch} (cosine head for LDAM/ELM, linear otherwise), {a.epochs} epochs, batch 128, SGD lr 0.1, '
                 f'precision {", ".join(sorted({str(r.get("precision", "fp32 (not recorded)")) for r in runs}))}, '
                 f'mean ± sample std (ddof = 1) over the seeds each row ran (planned: {planned}, finished for some method: {done}). '
                 'Many/medium/few: classes with >100 / 20-100 / <20 training images (n/a: no class in that group).',
                 no_drw_line(groups) + eval_line(runs), missing_line(out, plan)]
        pub = PUBLISHED.get(int(a.imb_ratio)) if a.arch == 'resnet32' and a.epochs == 200 else None
        write_report(Path(a.out) / f'{tag}.md', out, f'CIFAR-10-LT, ρ = {a.imb_ratio:g}, {a.arch}, {a.epochs} epochs: test accuracy (%)',
                     command_line('benchmarks/cifar10_lt.py', sys.argv[1:] + given), setup, group_folders(out, shown),
                     dict(dataset='cifar10', imb_ratio=a.imb_ratio, seeds=a.seed_list, device=str(dls.device), groups=groups,
                          **({'group_seeds': per_group} if any(v != a.seed_list for v in per_group.values()) else {}), **kw),
                     [f'Each group\'s own table and per-class plot: `{tag}/seedS/GROUP/`.', '',
                      f'Published top-1 on lossless CIFAR-10-LT (ResNet-32, 200 epochs; LDAM-DRW paper): {pub}. Indicative only: '
                      'this is the JPEG copy.' if pub else 'No published number applies to this shortened schedule.',
                      *(['', PUBLISHED_OTHER[int(a.imb_ratio)]] if pub and int(a.imb_ratio) in PUBLISHED_OTHER else [])],
                     pairs=PAIRS)
    with stops_on_ctrl_c(out): run_groups(dls, train, out, a.report_only, None, a.rerun_without_logits, **kw)
    planned_keys = {(p[0], p[3]) for p in plan}   # the report shows every finished run of these groups, planned here or not (e.g. by a --seeds 1 command)
    finished = sorted((int(f.parent.parent.name[4:]), f.parent.name) for f in out.glob('seed*/*/results.json') if f.parent.parent.name[4:].isdigit())
    shown = plan + [(s, GROUPS[g][0], GROUPS[g][1], g, GROUPS[g][2]) for s, g in finished if g in per_group and (s, g) not in planned_keys]
    runs, res = run_groups(dls, shown, out, True, **kw)   # every finished group, whichever process trained it
    if runs: report(runs, res)

if __name__ == '__main__': main()
