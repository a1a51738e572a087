#!/bin/bash
# Build .gpukit/ for tools/gpu_run.sh: the pure-Python wheels a device machine lacks (its python3 has torch,
# torchvision, numpy, matplotlib, pandas, scipy, scikit-learn, rich, ... but not fastai) at the versions of the local
# .venv, and the CIFAR-10 JPEG copy. Run it here, from the repository root, where pip reaches the package index.
#   bash tools/gpu_kit.sh        # then: device run, command "bash tools/gpu_run.sh", carry [".gpukit"]
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.gpukit/' .git/info/exclude 2>/dev/null || echo '/.gpukit/' >> .git/info/exclude
rm -rf .gpukit && mkdir -p .gpukit/whl
pkgs="fastai fastcore fasttransform fastprogress fastdownload plum-dispatch beartype python-fasthtml starlette itsdangerous python-multipart defusedxml"
pins=$(.venv/bin/python -c "import importlib.metadata as m, sys; print(' '.join(f'{p}=={m.version(p)}' for p in sys.argv[1:]))" $pkgs)
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation py --abi none \
    --platform any -d .gpukit/whl $pins
cp "$(.venv/bin/python -c 'from elm_fastai.locations import shared_data_file; print(shared_data_file("cifar10_jpg.tgz") or "")')" .gpukit/
du -sh .gpukit; ls .gpukit/whl
