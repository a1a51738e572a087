#!/bin/bash
# The GPU checks of issue #13 in one command, for a device machine (python3 with torch; no network), after
# `bash tools/gpu_kit.sh` here:   device run: command "bash tools/gpu_run.sh", carry [".gpukit"], timeout_s 590
# 1. throughput in bf16: elm_fastai_train's fastai loop vs a plain PyTorch loop, ELM-DRW vs CE, ResNet-32 on CIFAR-10-LT;
# 2. the LDAM-DRW protocol (ResNet-32, 200 epochs, batch 128, data on the GPU), seed 0, one run after the other until
#    the time is up: by default the five runs at ρ = 100; arguments go to benchmarks/cifar10_lt.py, e.g.
#    `bash tools/gpu_run.sh --imb-ratio 10 --groups ce,ldam_drw,elm,elm_drw --only elm` (THROUGHPUT_S=0 skips step 1).
#    Every run checkpoints after each epoch and writes its results as soon as it ends; the folder comes back in $OUT, so the next window (after committing it
#    under benchmarks/results/gpu/) resumes where this one stopped.
set -uo pipefail
OUT=${OUT:-/tmp/gpu_out}; mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .gpukit/whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 ELM_FASTAI_DATA=/tmp/elm_fastai_data MPLBACKEND=Agg
data=$PWD/.gpukit/cifar10_jpg.tgz
res=benchmarks/results/gpu
{ nvidia-smi -L; python3 -c "import torch, fastai; print('torch', torch.__version__, 'fastai', fastai.__version__, torch.cuda.get_device_name())"; } 2>&1 | tee "$OUT/log.txt"
[ "${THROUGHPUT_S:-100}" -gt 0 ] && timeout ${THROUGHPUT_S:-100} python3 benchmarks/throughput.py --dataset cifar10 --device cuda --reps 3 --precision bf16 \
    --data-path "$data" --out $res 2>&1 | grep -v "Epoch \|^ *$" | tail -25 | tee -a "$OUT/log.txt"
timeout ${TRAIN_S:-440} python3 benchmarks/cifar10_lt.py --device cuda --seeds 0 --data-path "$data" --out $res "$@" 2>&1 \
    | tr '\r' '\n' | grep -v "Epoch \|^ *$" | tail -40 | tee -a "$OUT/log.txt"
tar czf "$OUT/gpu_results.tgz" --exclude='*.pkl' $res 2>/dev/null   # checkpoints of unfinished runs included
ls -la "$OUT"
