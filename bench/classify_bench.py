"""Classifier benchmark: load time, docs/s on one core (1-5 KB texts), peak RSS.

Run: python bench/classify_bench.py [--model PATH] [--docs N]
Texts are built deterministically from the dev set, padded to 1-5 KB by appending
paragraphs from other dev documents.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: no BLAS thread pools
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without relying on how it was installed


def build_texts(n: int) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (ROOT / "classifiers/data/dev.jsonl").open(encoding="utf-8")]
    paragraphs = [p for r in rows for p in r["text"].split("\n\n")]
    rng = random.Random(0)
    docs = []
    for i in range(n):
        row = rows[i % len(rows)]
        target = rng.randint(1000, 5000)
        text = row["text"]
        while len(text.encode()) < target:
            text += "\n\n" + rng.choice(paragraphs)
        docs.append((row["title"], text[: target + 200]))
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    t0 = time.perf_counter()
    from classifiers import Document, load_classifier

    t1 = time.perf_counter()
    clf = load_classifier(args.model)
    t2 = time.perf_counter()
    texts = build_texts(args.docs)
    docs = [Document(title, text) for title, text in texts]
    clf.predict(docs[:20])  # warm caches

    t3 = time.perf_counter()
    for doc in docs:  # one call per document, as an RQ worker does
        clf.predict([doc])
    single = time.perf_counter() - t3
    t4 = time.perf_counter()
    for i in range(0, len(docs), 64):
        clf.predict(docs[i : i + 64])
    batched = time.perf_counter() - t4

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    sizes = [len(t.encode()) for _, t in texts]
    result = {
        "model_version": clf.version,
        "docs": len(docs),
        "mean_doc_bytes": round(sum(sizes) / len(sizes)),
        "import_s": round(t1 - t0, 3),
        "load_s": round(t2 - t1, 3),
        "docs_per_s_single": round(len(docs) / single, 1),
        "docs_per_s_batch64": round(len(docs) / batched, 1),
        "peak_rss_mb": round(rss_mb, 1),
        "python": sys.version.split()[0],
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
