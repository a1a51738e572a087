"""Throughput of the CIFAR-10-LT data pipeline of `elm_fastai.data.lt_dls` against a ResNet-32 training step.

The question: does the data pipeline (index a uint8 tensor, zero-pad 4 + random 32x32 crop + horizontal flip,
`IntToFloatTensor`, `Normalize`, all batched on the training device) keep up with training, i.e. is its
images/s well above a training step's images/s? For reference it also times the per-image torchvision/PIL pipeline
LDAM-DRW uses (`RandomCrop(32, padding=4)`, `RandomHorizontalFlip`, `ToTensor`, `Normalize`).

    python benchmarks/data_pipeline.py                  # CPU, writes benchmarks/results/data_pipeline.md
    python benchmarks/data_pipeline.py --device cuda    # GPU, writes benchmarks/results/data_pipeline.cuda.md
"""
import argparse, os, platform, statistics, sys, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np, torch, torch.nn as nn
from elm_fastai.data import lt_dls
from elm_fastai.tensor_data import CIFAR_STATS

from lt_report import machine, sync

def time_epochs(dl, device, runs):
    "Median seconds to iterate `dl` once, and the number of images per epoch"
    n = 0
    for xb, yb in dl: n += len(xb); break # warm-up (one batch)
    ts = []
    for _ in range(runs):
        n = 0
        sync(device); t = time.perf_counter()
        for xb, yb in dl: n += len(xb)
        sync(device); ts.append(time.perf_counter() - t)
    return statistics.median(ts), n

def torchvision_loader(x, y, bs, num_workers):
    "LDAM-DRW's per-image pipeline over the same images (PIL images, torch DataLoader)"
    import torchvision.transforms as T
    from PIL import Image
    tfm = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(*CIFAR_STATS)])
    ims = [Image.fromarray(o) for o in x.permute(0, 2, 3, 1).cpu().numpy()]
    class DS(torch.utils.data.Dataset):
        def __len__(self): return len(ims)
        def __getitem__(self, i): return tfm(ims[i]), int(y[i])
    return torch.utils.data.DataLoader(DS(), batch_size=bs, shuffle=True, drop_last=True, num_workers=num_workers)

def model_for(n_classes):
    from elm_fastai.models import resnet32
    return resnet32(n_classes), 'elm_fastai.models.resnet32'

def time_train_steps(dls, device, steps):
    "Median seconds per SGD step (forward, backward, update) of ResNet-32 on real augmented batches"
    model, name = model_for(dls.c)
    model = model.to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=2e-4)
    loss_fn = nn.CrossEntropyLoss()
    batches = [(x.as_subclass(torch.Tensor), y.as_subclass(torch.Tensor)) for _, (x, y) in zip(range(steps + 2), dls.train)]
    ts = []
    for i, (xb, yb) in enumerate(batches):
        sync(device); t = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xb), yb).backward()
        opt.step()
        sync(device)
        if i >= 2: ts.append(time.perf_counter() - t) # 2 warm-up steps
    return statistics.median(ts), len(batches[0][0]), name, sum(p.numel() for p in model.parameters())

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--device', default='cpu', help="'cpu' or 'cuda' (or 'cuda:1', ...)")
    ap.add_argument('--bs', type=int, default=128)
    ap.add_argument('--runs', type=int, default=5, help='epochs timed for each pipeline (median reported)')
    ap.add_argument('--steps', type=int, default=5, help='training steps timed (median reported)')
    ap.add_argument('--data-path', default=None, help='CIFAR-10 folder/archive (default: found by lt_dls)')
    ap.add_argument('--no-torchvision', action='store_true', help='skip the per-image torchvision reference')
    ap.add_argument('--out', default=None, help='markdown file (default benchmarks/results/data_pipeline[.cuda].md)')
    a = ap.parse_args()
    device = torch.device(a.device)
    out = Path(a.out) if a.out else REPO/'benchmarks'/'results'/('data_pipeline.md' if device.type == 'cpu' else f'data_pipeline.{device.type}.md')
    cmd = 'python ' + ' '.join([str(Path(sys.argv[0]).resolve().relative_to(REPO)) if Path(sys.argv[0]).resolve().is_relative_to(REPO) else sys.argv[0]] + sys.argv[1:])
    if 'OMP_NUM_THREADS' in os.environ: cmd = f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']} " + cmd

    load0 = os.getloadavg()[0]
    t = time.perf_counter()
    dls = lt_dls('cifar10', a.data_path, imb_ratio=100, bs=a.bs, device=device)
    t_load = time.perf_counter() - t
    rows = []
    t_ep, n = time_epochs(dls.train, device, a.runs)
    rows.append((f'elm_fastai `lt_dls` train DataLoader, pad+crop+flip+normalise batched on {device.type} ({n:,} images)', n / t_ep, t_ep))
    t_va, n_va = time_epochs(dls.valid, device, a.runs)
    rows.append((f'elm_fastai `lt_dls` test DataLoader, normalise only ({n_va:,} images)', n_va / t_va, t_va))
    if not a.no_torchvision:
        for nw in sorted({0, min(4, os.cpu_count() or 1)}):
            dl = torchvision_loader(dls.train_ds.x, dls.train_ds.y, a.bs, nw)
            t_tv, n_tv = time_epochs(dl, torch.device('cpu'), max(1, a.runs // 2))
            rows.append((f'reference: torchvision per-image PIL pipeline, {nw} workers (CPU)', n_tv / t_tv, t_tv))
    t_step, bs, mname, nparams = time_train_steps(dls, device, a.steps)
    n_batches = len(dls.train)
    rows.append((f'ResNet-32 training step ({mname}, {nparams/1e6:.2f}M params, SGD; one step x {n_batches} batches)', bs / t_step, t_step * n_batches))

    lines = [f'# Data pipeline throughput: CIFAR-10-LT (rho=100, {len(dls.train_ds):,} training images), batch size {a.bs}, device {device}', '',
             f'Command (from the repository root): `{cmd}`', '', f'Machine: {machine(device)}; 1-min load average {load0:.1f} at start, {os.getloadavg()[0]:.1f} at end (other jobs share the CPU: compare rows of one run, not runs).', '',
             f'Building the DataLoaders (find the data, decode the {len(dls.train_ds):,} + {len(dls.valid_ds):,} JPEGs) took {t_load:.1f} s.', '',
             '| what | images/s | seconds per pass over the set |', '|---|---:|---:|']
    lines += [f'| {w} | {ips:,.0f} | {s:.2f} |' for w, ips, s in rows]
    frac = (t_ep / n_batches) / t_step
    lines += ['', f'Median of {a.runs} epochs for the elm_fastai loaders, of {max(1, a.runs // 2)} for the torchvision reference, of {a.steps} steps '
              f'(after 2 warm-up steps) for training. The training-step row extrapolates one step to an epoch of {n_batches} batches.', '',
              f'**The data pipeline costs {100*frac:.2f}% of a training step** ({1000*t_ep/n_batches:.1f} ms vs {1000*t_step:.0f} ms per batch of {bs}): '
              + ('training is not data-bound.' if frac < 0.1 else 'the pipeline is a noticeable part of the step.'), '']
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text('\n'.join(lines))
    print('\n'.join(lines)); print(f'written to {out}')

if __name__ == '__main__': main()
