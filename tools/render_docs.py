"""Render the docs without Quarto, and check them.

    python tools/render_docs.py [--out _proc/_html] [--no-check]

1. `nbdev-proc-nbs` processes the notebooks as the Quarto site build does (show_doc, directives, hidden cells) into `_proc/`.
2. nbconvert renders each processed notebook to static HTML in `--out` (open `index.html` in a browser).
3. Checks: every public symbol (`__all__` of each module) is documented on its notebook's page, no notebook in
   `nbs/` holds an error output, and no title cell holds text besides the title and its `>` description (the page drops it). Exits 1 naming what is missing.
"""
import argparse, importlib, json, subprocess, sys
from pathlib import Path
import nbformat
from nbconvert import HTMLExporter
from nbdev.config import get_config

def render(cfg, out:Path):
    subprocess.run([str(Path(sys.executable).parent/'nbdev-proc-nbs')], check=True, cwd=cfg.config_path,
                   stdout=subprocess.DEVNULL)
    proc, exporter, pages = cfg.config_path/'_proc', HTMLExporter(template_name='lab'), {}
    out.mkdir(parents=True, exist_ok=True)
    for f in sorted(proc.glob('*.ipynb')):
        nb = nbformat.read(f, as_version=4)
        for c in nb.cells: c.metadata.pop('execution', None)   # execnb's timings are numbers; nbformat's schema wants text
        html, _ = exporter.from_notebook_node(nb)
        (out/f.with_suffix('.html').name).write_text(html)
        pages[f.name] = html
    return pages

def module_of(nb_path:Path):
    "Module name from the notebook's `#| default_exp` directive, or None"
    for c in json.loads(nb_path.read_text())['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'code' and src.startswith('#| default_exp'): return src.split()[2]

def check(cfg, pages):
    problems = []
    for nb in sorted(cfg.nbs_path.glob('*.ipynb')):
        for i, c in enumerate(json.loads(nb.read_text())['cells']):
            for o in c.get('outputs', []):
                if o.get('output_type') == 'error': problems.append(f"{nb.name}: cell {i} has an error output ({o.get('ename')})")
        title = next((''.join(c['source']) for c in json.loads(nb.read_text())['cells']
                      if c['cell_type'] == 'markdown' and ''.join(c['source']).lstrip().startswith('# ')), '')
        extra = [l for l in title.strip().split('\n')[1:] if l.strip() and not l.startswith('>')]
        if extra:   # nbdev's front matter keeps the title and the `>` description of that cell and drops the rest
            problems.append(f"{nb.name}: the title cell holds text the page drops ({extra[0][:50]!r}…): move it to a markdown cell of its own")
        mod = module_of(nb)
        if mod is None: continue
        page = pages.get(nb.name)
        if page is None: problems.append(f"{nb.name}: no rendered page"); continue
        for name in importlib.import_module(f'{cfg.lib_path.name}.{mod}').__all__:
            # documented: a show_doc heading (nbdev adds one for each exported function and class) or a mention
            # as `code` in the text (for constants)
            if f'id="{name}"' not in page and f'<code>{name}</code>' not in page:
                problems.append(f"{nb.name}: public symbol {name} is not documented (add `show_doc({name})`)")
    return problems

if __name__ == '__main__':
    p = argparse.ArgumentParser(description='Render the docs to static HTML and check them')
    p.add_argument('--out', default='_proc/_html')
    p.add_argument('--no-check', action='store_true')
    a = p.parse_args()
    cfg = get_config()
    pages = render(cfg, cfg.config_path/a.out)
    print(f'rendered {len(pages)} pages into {a.out}')
    if not a.no_check:
        problems = check(cfg, pages)
        for pr in problems: print(pr)
        if problems: sys.exit(f'{len(problems)} docs problem(s)')
        print('docs check: every public symbol documented, no error outputs')
