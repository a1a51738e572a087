"""Forward + backward time of each loss against `F.cross_entropy` on the same logits.

    python benchmarks/loss_speed.py [--threads 1] [--device cpu] [--out benchmarks/results/loss_speed.md]

For each (N, C) the logits are cosine-like (tanh of Gaussians) and the class counts follow the exponential long-tailed
profile at imbalance ratio 100 (500 for the iNaturalist-sized C=8142 row). On the CPU each loss is timed in CPU time of
the calling thread (`time.thread_time`, torch on 1 thread: other processes on a shared machine disturb it much less
than wall time), as the median of 7 rounds in which every loss of a shape runs one block of repeated forward +
backward in turn (interleaved, so that a change of machine load hits all of them alike); on CUDA by
`torch.utils.benchmark.Timer.blocked_autorange` (wall time, synchronised). Ratios are to `F.cross_entropy` on the same
logits, measured in the same run. `torch.compile` rows are the same loss compiled by inductor.
"""
import argparse, json, os, platform, statistics, sys, time
from pathlib import Path
import torch, torch.nn.functional as F
from torch.utils.benchmark import Timer
from elm_fastai.losses import ELMLoss, LDAMLoss, BalancedSoftmaxLoss, LogitAdjustedLoss
from elm_fastai.longtail import img_num_per_cls
from lt_report import machine

SHAPES = [(128, 10), (128, 100), (512, 1000), (256, 8142)]   # (512, 1000) and (256, 8142): the shapes of issue #15

def fwd_bwd(loss_fn, z, t):
    "One training step of the loss alone: forward, then backward into the logits"
    z.grad = None
    loss_fn(z, t).backward()

def calibrate(loss_fn, z, t, block):
    "Repetitions of forward + backward that take about `block` seconds of CPU time"
    k = 1
    while True:
        t0 = time.thread_time()
        for _ in range(k): fwd_bwd(loss_fn, z, t)
        if time.thread_time() - t0 >= block: return k
        k *= 2

def time_all(fns:dict, z, t, min_run_time, rounds=7):
    "Median seconds of one forward + backward of each loss; on the CPU the losses are interleaved, one block each per round"
    if z.device.type != 'cpu':
        return {n: Timer('fwd_bwd(f, z, t)', globals=dict(fwd_bwd=fwd_bwd, f=f, z=z, t=t)).blocked_autorange(min_run_time=min_run_time).median
                for n, f in fns.items()}
    ks = {n: calibrate(f, z, t, max(min_run_time / rounds, 0.01)) for n, f in fns.items()}
    per_call = {n: [] for n in fns}
    for _ in range(rounds):
        for n, f in fns.items():
            t0 = time.thread_time()
            for _ in range(ks[n]): fwd_bwd(f, z, t)
            per_call[n].append((time.thread_time() - t0) / ks[n])
    return {n: statistics.median(v) for n, v in per_call.items()}

def plain_elm(counts, s=30., lam=1., max_m=0.5):
    "ELM written plainly, without any check: the reference the package's `ELMLoss` is compared with"
    n = torch.as_tensor(counts, dtype=torch.float32)
    sm = s * max_m * (n.min() / n) ** 0.25
    def loss(z, y):
        with torch.no_grad(): j = z.detach().scatter(1, y[:, None], float('-inf')).argmax(1)
        return F.cross_entropy((s * z).scatter_add(1, y[:, None], (lam * sm[j] - sm[y])[:, None]), y)
    return loss

def steady_heap():
    "Raise glibc's mmap and trim thresholds (1 GiB), so that freed tensors are reused instead of returned to the system"
    import ctypes
    libc = ctypes.CDLL('libc.so.6')
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    assert libc.mallopt(M_MMAP_THRESHOLD, 1 << 30) and libc.mallopt(M_TRIM_THRESHOLD, 1 << 30), 'mallopt failed'

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--device', default='cpu')
    p.add_argument('--min-run-time', type=float, default=1.0, help='seconds of timing per measurement')
    p.add_argument('--no-compile', action='store_true', help='skip the torch.compile rows')
    p.add_argument('--steady-heap', action='store_true', help="glibc: keep freed memory in the heap (mallopt), so that no "
                   "tensor pays fresh-page faults: the loss's compute alone, without the allocator's state")
    p.add_argument('--out', default=str(Path(__file__).resolve().parent/'results'/'loss_speed.md'))
    a = p.parse_args()
    if a.steady_heap: steady_heap()
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
        losses['ELM, plain (no checks)'] = plain_elm(counts)
        for name, fn in losses.items():
            out = fn(z, t)
            assert torch.isfinite(out), f'{name} is not finite at N={n}, C={c}'
            for _ in range(3): fwd_bwd(fn, z, t)     # warm-up (and compilation)
        secs = time_all(losses, z, t, a.min_run_time)
        base = secs['F.cross_entropy']
        for name, sec in secs.items():
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
             ('Heap: glibc thresholds raised (`--steady-heap`): freed memory is reused, no fresh-page faults  ' if a.steady_heap else
              "Heap: glibc's defaults (each large tensor may be freshly mapped and pay page faults: as in a user's process)  "),
             'Median time of one forward + backward of the loss alone (µs; on the CPU: CPU time of the calling thread); '
             'ratio to `F.cross_entropy` on the same logits, measured in the same run.', '',
             '| N | C | ρ | loss | µs | × CE |', '|---:|---:|---:|---|---:|---:|']
    lines += [f"| {r['N']} | {r['C']} | {r['imb_ratio']} | {r['loss']} | {r['us']:.1f} | {r['ratio']:.2f} |" for r in rows]
    out.write_text('\n'.join(lines) + '\n')
    out.with_suffix('.json').write_text(json.dumps(rows, indent=1))
    print(f'wrote {out}')

if __name__ == '__main__': main()
