#!/usr/bin/env python3
"""Executes every notebook of notebooks/ headless; fails when a cell fails.

Outputs are not written back (the committed notebooks stay without
outputs); figures are saved under out/notebooks/ by the notebooks
themselves.
"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

root = Path(__file__).resolve().parent.parent
failed = 0
books = sorted((root / "notebooks").glob("*.ipynb"))
for path in books:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(root / "notebooks")}})
    try:
        client.execute()
        print(f"notebook {path.name}: ok")
    except CellExecutionError as e:
        failed += 1
        print(f"notebook {path.name}: a cell failed:\n{e}", file=sys.stderr)
print(f"notebooks: {len(books) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
