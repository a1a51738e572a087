"""bf16 against fp32 per training step on this machine's CPU: what `--precision` costs where the CPU does or does not compute bf16.

    OMP_NUM_THREADS=1 python benchmarks/precision_speed.py [--dataset cifar10] [--arch resnet32] [--steps 8] [--device cpu]

The two precisions `elm_fastai_train` can train in on a CPU, as it trains them: a channels-last model (fastai's
`ChannelsLast`, added in every precision) in float32, and the same with the forward pass under bf16 autocast (the loss
in float32). ELM-DRW's model and loss (cosine head, `ELMLoss` with the DRW class weights). Both models step on the same
batch in turn, the order flipped every pair, and each step (forward, loss, backward, SGD step) is timed on its own; the
median of the per-pair ratios is robust to a change of load between steps. The inputs are random tensors of the
dataset's shape (a step's cost does not depend on the pixel values), so nothing is read or downloaded. The report names
the processor and whether it computes bf16 natively (`elm_fastai.precision.cpu_has_bf16`: AVX-512 BF16 or AMX), the
thing that decides the ratio. Writes `benchmarks/results/precision_speed_ARCH_DEVICE_CPU.md` (CPU: the processor's
model name, shortened).
"""
import argparse, re, statistics, time
from pathlib import Path
import torch
from elm_fastai.losses import class_balanced_weights, lt_loss
from elm_fastai.precision import cpu_has_bf16, default_precision, cpu_model
from elm_fastai.longtail import img_num_per_cls
from elm_fastai.models import make_model
from step_time import timed_step
from lt_report import machine

SHAPES = {'cifar10': (3, 32, 10, 5000), 'fmnist': (1, 28, 10, 6000)}   # channels, size, classes, largest class

def stepper(arch, n_in, counts, device, bf16):
    "A function that trains ELM-DRW's channels-last model for one step (bf16 autocast or not) and returns its (wall, CPU) seconds"
    torch.manual_seed(0)
    model = make_model(arch, len(counts), True, n_in).to(device).to(memory_format=torch.channels_last).train()
    loss_func = lt_loss('elm', counts).to(device)
    loss_func.weight = class_balanced_weights(counts, 0.9999).to(device)   # as DRW after its start
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=2e-4)
    return timed_step(model, loss_func, opt, torch.device(device), bf16=bf16, channels_last=True)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='cifar10', choices=list(SHAPES))
    p.add_argument('--arch', default=None, help='default: resnet32 for cifar10, resnet8 for fmnist (as elm_fastai_train)')
    p.add_argument('--steps', type=int, default=8, help='timed pairs of steps (batch 128), after 2 untimed pairs')
    p.add_argument('--device', default='cpu')
    p.add_argument('--out', default=str(Path(__file__).resolve().parent / 'results'))
    a = p.parse_args()
    if a.steps < 2: p.error(f'--steps {a.steps}: give at least 2 (quartiles need two pairs)')
    arch = a.arch or ('resnet32' if a.dataset == 'cifar10' else 'resnet8')
    c, size, n_cls, n_max = SHAPES[a.dataset]
    counts = img_num_per_cls(n_max, n_cls, 'exp', 100)
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(128, c, size, size, generator=g).to(a.device), torch.randint(0, n_cls, (128,), generator=g).to(a.device)
    steps = {'fp32': stepper(arch, c, counts, a.device, False), 'bf16': stepper(arch, c, counts, a.device, True)}
    times = {k: [] for k in steps}
    for i in range(a.steps + 2):
        for k in (list(steps) if i % 2 == 0 else list(steps)[::-1]):
            t = steps[k](x, y)
            if i >= 2: times[k].append(t)   # the first two pairs warm up (oneDNN picks its kernels)
        if i >= 2: print(i - 1, {k: [round(s, 3) for s in v[-1]] for k, v in times.items()}, flush=True)
    f, b = times['fp32'], times['bf16']
    ratio = [[tb[j] / tf[j] for tf, tb in zip(f, b)] for j in (0, 1)]
    q = lambda v: statistics.quantiles(v, n=4)
    cpu = cpu_model()
    md = [f'# bf16 against fp32 per training step: {arch}, batch 128, {a.device}', '',
          f'Command: `OMP_NUM_THREADS={torch.get_num_threads()} python benchmarks/precision_speed.py --dataset {a.dataset} --arch {arch} '
          f'--steps {a.steps} --device {a.device}` ({time.strftime("%Y-%m-%d")})  ',
          f'Machine: {machine(a.device)}  ',
          f'Processor: {cpu}; computes bf16 natively (AVX-512 BF16 or AMX): {"yes" if cpu_has_bf16() else "no"}; '
          f'default precision here: {default_precision(a.device)}.  ',
          f'{a.steps} pairs of training steps (forward, loss, backward, SGD step) of ELM-DRW on random inputs of {a.dataset}\'s shape '
          f'({c}×{size}×{size}), channels-last models, the two alternating on the same batch, the order flipped every pair.', '',
          '| | wall | CPU |', '|---|---|---|',
          f'| fp32 step, median ms | {statistics.median(t[0] for t in f) * 1e3:.0f} | {statistics.median(t[1] for t in f) * 1e3:.0f} |',
          f'| bf16 step, median ms | {statistics.median(t[0] for t in b) * 1e3:.0f} | {statistics.median(t[1] for t in b) * 1e3:.0f} |',
          f'| bf16 / fp32, median of the per-pair ratios | {statistics.median(ratio[0]):.2f} | {statistics.median(ratio[1]):.2f} |',
          f'| the same, quartiles | {q(ratio[0])[0]:.2f}–{q(ratio[0])[2]:.2f} | {q(ratio[1])[0]:.2f}–{q(ratio[1])[2]:.2f} |']
    tag = re.sub(r'[^a-z0-9]+', '_', cpu.lower()).strip('_')[:40] or 'unknown'
    out = Path(a.out) / f'precision_speed_{arch}_{a.device}_{tag}.md'
    out.write_text('\n'.join(md) + '\n'); print('\n'.join(md))

if __name__ == '__main__': main()
