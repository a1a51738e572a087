#!/bin/bash
# The GPU benchmarks of issue #7 in one command, for a device machine (python3 with torch; no network), after
# `bash tools/gpu_kit.sh` here:   device run: command "bash tools/gpu_run.sh", carry [".gpukit"], timeout_s 590
# 1. throughput: elm_fastai_train's fastai loop vs a plain PyTorch loop, and ELM-DRW vs CE, ResNet-32 on CIFAR-10-LT;
# 2. the LDAM-DRW protocol (ResNet-32, 200 epochs, batch 128) for ELM-DRW and LDAM-DRW, then CE, seed 0, until the time
#    is up (rerunning the command on the same warm machine resumes with the runs not done).
# Results (markdown, results.json, plots, log) are copied to $OUT.
set -uo pipefail
OUT=${OUT:-/tmp/gpu_out}; mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .gpukit/whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 ELM_FASTAI_DATA=/tmp/elm_fastai_data MPLBACKEND=Agg
data=$PWD/.gpukit/cifar10_jpg.tgz
{ nvidia-smi -L; python3 -c "import torch, fastai; print('torch', torch.__version__, 'fastai', fastai.__version__, torch.cuda.get_device_name())"; } 2>&1 | tee "$OUT/log.txt"
timeout ${THROUGHPUT_S:-120} python3 benchmarks/throughput.py --dataset cifar10 --device cuda --reps 3 --data-path "$data" 2>&1 \
    | grep -v "Epoch \|^ *$" | tail -25 | tee -a "$OUT/log.txt"
timeout ${TRAIN_S:-420} python3 benchmarks/cifar10_lt.py --device cuda --seeds 0 --data-path "$data" 2>&1 \
    | tr '\r' '\n' | grep -v "Epoch \|^ *$" | tail -40 | tee -a "$OUT/log.txt"
cd benchmarks/results
cp throughput_cifar10_resnet32_cuda.md cifar10_lt_r100_resnet32_e200.md "$OUT/" 2>/dev/null
tar czf "$OUT/cifar10_lt_r100_resnet32_e200.tgz" --exclude='*.pkl' cifar10_lt_r100_resnet32_e200 2>/dev/null
ls -la "$OUT"
