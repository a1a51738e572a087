"""How long `check_image_files` (the bad-file check `lt_dls` runs on folder and list data) takes on 20,000 small images.

    python benchmarks/image_check.py [--n 20000] [--workers 1,8]

Reads the headers of the first N training JPEGs of the CIFAR-10 copy (`../shared/data/cifar10_jpg.tgz`, extracted once
into the cache), twice per setting (the second pass finds the files in the OS page cache, as a run's own reads would
after the check), and writes `benchmarks/results/image_check.md`.
"""
import argparse, time
from pathlib import Path
from elm_fastai.locations import find_cifar
from elm_fastai.readers import check_image_files, folder_items
from lt_report import machine

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=20000)
    p.add_argument('--workers', default='1,8')
    a = p.parse_args()
    _, root = find_cifar('cifar10', download=False)
    files = list(folder_items(root, 'train')[0])
    files = files[::max(1, len(files) // a.n)][:a.n]
    rows = []
    for w in [int(x) for x in a.workers.split(',')]:
        for rep in ('first pass', 'second pass'):
            t = time.perf_counter(); bad = check_image_files(files, n_workers=w); s = time.perf_counter() - t
            rows.append(f'| {w} | {rep} | {s:.2f} | {1e6 * s / len(files):.0f} | {len(bad)} |')
    md = ['# Checking image files before a run', '', f'Command: `python benchmarks/image_check.py --n {a.n} --workers {a.workers}` '
          f'({time.strftime("%Y-%m-%d")})  ', f'Machine: {machine()}  ',
          f'{len(files)} JPEG files of 32×32 (CIFAR-10 training copy), headers read with PIL. The first pass may read from disk.', '',
          '| threads | pass | seconds | µs per file | bad files |', '|---|---|---|---|---|', *rows]
    out = Path(__file__).resolve().parent / 'results' / 'image_check.md'
    out.write_text('\n'.join(md) + '\n'); print('\n'.join(md))

if __name__ == '__main__': main()
