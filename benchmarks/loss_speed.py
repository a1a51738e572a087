"""Forward + backward time of each loss against `F.cross_entropy` on the same logits.

    python benchmarks/loss_speed.py [--threads 1] [--device cpu] [--out benchmarks/results/loss_speed.md]

For each (N, C) the logits are cosine-like (tanh of Gaussians) and the class counts follow the exponential long-tailed
profile at imbalance ratio 100 (500 for the iNaturalist-sized C=8142 row). On the CPU each loss is timed in CPU time of
the calling thread (`time.thread_time`, torch on 1 thread: other processes on a shared machine disturb it much less
than wall time), as the median of 7 blocks of repeated forward + backward; on CUDA by
`torch.utils.benchmark.Timer.blocked_autorange` (wall time, synchronised). Ratios are to `F.cross_entropy` on the same
logits, measured in the same run. `torch.compile` rows are the same loss compiled by inductor.
"""
import argparse, json, os, platform, statistics, sys, time
from pathlib import Path
import torch, torch.nn.functional as F
from torch.utils.benchmark import Timer
from elm_fastai.losses import ELMLoss, LDAMLoss, BalancedSoftmaxLoss, LogitAdjustedLoss
from elm_fastai.data import img_num_per_cls
from lt_report import machine

SHAPES = [(128, 10), (128, 100), (256, 1000), (256, 8142)]

def fwd_bwd(loss_fn, z, t):
    "One training step of the loss alone: forward, then backward into the logits"
    z.grad = None
    loss_fn(z, t).backward()

def time_it(loss_fn, z, t, min_run_time):
    "Median seconds of one forward + backward"
    if z.device.type != 'cpu':
        timer = Timer('fwd_bwd(loss_fn, z, t)', globals=dict(fwd_bwd=fwd_bwd, loss_fn=loss_fn, z=z, t=t))
        return timer.blocked_autorange(min_run_time=min_run_time).median
    block = max(min_run_time / 7, 0.01)
    k = 1
    while True:   # repetitions per block: enough for `block` seconds of CPU time
        t0 = time.thread_time()
        for _ in range(k): fwd_bwd(loss_fn, z, t)
        if time.thread_time() - t0 >= block: break
        k *= 2
    per_call = []
    for _ in range(7):
        t0 = time.thread_time()
        for _ in range(k): fwd_bwd(loss_fn, z, t)
        per_call.append((time.thread_time() - t0) / k)
    return statistics.median(per_call)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--device', default='cpu')
    p.add_argument('--min-run-time', type=float, default=1.0, help='seconds of timing per measurement')
    p.add_argument('--no-compile', action='store_true', help='skip the torch.compile rows')
    p.add_argument('--out', default='benchmarks/results/loss_speed.md')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    a.load = [os.getloadavg()[0]]
    rows = []
    for n, c in SHAPES:
        ratio = 500 if c > 5000 else 100
        counts = img_num_per_cls(5000 if c <= 100 else 1000, c, 'exp', ratio)   # LDAM-DRW's exponential profile
        z = torch.tanh(torch.randn(n, c, device=a.device)).requires_grad_()
        t = torch.randint(0, c, (n,), device=a.device)
        losses = {'F.cross_entropy': lambda x, y: F.cross_entropy(x, y),
                  'F.cross_entropy(30 z)': lambda x, y: F.cross_entropy(30 * x, y),
                  'LDAMLoss': LDAMLoss(counts), 'ELMLoss': ELMLoss(counts),
                  'BalancedSoftmaxLoss': BalancedSoftmaxLoss(counts), 'LogitAdjustedLoss': LogitAdjustedLoss(counts)}
        if not a.no_compile:
            losses['ELMLoss, torch.compile'] = torch.compile(ELMLoss(counts))
            losses['F.cross_entropy, torch.compile'] = torch.compile(lambda x, y: F.cross_entropy(x, y))
        base = None
        for name, fn in losses.items():
            out = fn(z, t)
            assert torch.isfinite(out), f'{name} is not finite at N={n}, C={c}'
            for _ in range(3): fwd_bwd(fn, z, t)     # warm-up (and compilation)
            sec = time_it(fn, z, t, a.min_run_time)
            base = base or sec
            rows.append(dict(N=n, C=c, imb_ratio=ratio, loss=name, us=sec * 1e6, ratio=sec / base))
            print(f'N={n:4d} C={c:5d}  {name:32s} {sec*1e6:9.1f} us  x{sec/base:.2f}', flush=True)
    a.load.append(os.getloadavg()[0])
    write_md(rows, a)

def write_md(rows, a):
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    cmd = 'python benchmarks/' + Path(sys.argv[0]).name + (' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else '')
    lines = ['# Loss speed: forward + backward against `F.cross_entropy`', '',
             f'Command: `{cmd}`  ', f'Machine: {machine(a.device)}, {time.strftime("%Y-%m-%d")}; 1-min load average '
             f'{a.load[0]:.1f} at the start, {a.load[1]:.1f} at the end (2 cores shared with other jobs: compare rows of one run)  ',
             'Median time of one forward + backward of the loss alone (µs; on the CPU: CPU time of the calling thread); '
             'ratio to `F.cross_entropy` on the same logits, measured in the same run.', '',
             '| N | C | ρ | loss | µs | × CE |', '|---:|---:|---:|---|---:|---:|']
    lines += [f"| {r['N']} | {r['C']} | {r['imb_ratio']} | {r['loss']} | {r['us']:.1f} | {r['ratio']:.2f} |" for r in rows]
    out.write_text('\n'.join(lines) + '\n')
    out.with_suffix('.json').write_text(json.dumps(rows, indent=1))
    print(f'wrote {out}')

if __name__ == '__main__': main()
