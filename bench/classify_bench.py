"""Classifier benchmark: load time, docs/s on one core (1-5 KB texts) per language, peak RSS.

Run: python bench/classify_bench.py [--model PATH] [--docs N] [--lang en|zh-Hant|zh-Hans|all]
Texts are built deterministically from each language's dev set (English: dev.jsonl;
Chinese: dev_zh_hant.jsonl, dev_zh_hans.jsonl), padded to 1-5 KB of UTF-8 by appending
paragraphs from other documents of the same set. A Chinese character is 3 bytes, so a
Chinese text of N KB has about a third of the characters of an English one.
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without relying on how it was installed


SETS = {
    "en": "classifiers/data/dev.jsonl",
    "zh-Hant": "classifiers/data/dev_zh_hant.jsonl",
    "zh-Hans": "classifiers/data/dev_zh_hans.jsonl",
}


def build_texts(n: int, lang: str = "en") -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (ROOT / SETS[lang]).open(encoding="utf-8")]
    paragraphs = [p for r in rows for p in r["text"].split("\n\n")]
    rng = random.Random(0)
    docs = []
    for i in range(n):
        row = rows[i % len(rows)]
        target = rng.randint(1000, 5000)
        text = row["text"]
        while len(text.encode()) < target:
            text += "\n\n" + rng.choice(paragraphs)
        docs.append((row["title"], text.encode()[: target + 200].decode("utf-8", "ignore")))
    return docs


def _rate(clf: Any, docs: list[Any]) -> tuple[float, float, float]:
    """docs/s with one predict call per document (as an RQ worker does), by wall clock and by
    this process's CPU time (steadier when other work shares the core), and in batches of 64."""
    clf.predict(docs[:20])  # warm caches
    t0, c0 = time.perf_counter(), time.process_time()
    for doc in docs:
        clf.predict([doc])
    single, single_cpu = time.perf_counter() - t0, time.process_time() - c0
    t1 = time.perf_counter()
    for i in range(0, len(docs), 64):
        clf.predict(docs[i : i + 64])
    batched = time.perf_counter() - t1
    return round(len(docs) / single, 1), round(len(docs) / single_cpu, 1), round(len(docs) / batched, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--docs", type=int, default=2000, help="documents per language")
    parser.add_argument("--lang", choices=[*SETS, "all"], default="all")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    t0 = time.perf_counter()
    from classifiers import Document, load_classifier

    t1 = time.perf_counter()
    clf = load_classifier(args.model)
    t2 = time.perf_counter()
    result: dict[str, Any] = {
        "model_version": clf.version,
        "docs_per_language": args.docs,
        "import_s": round(t1 - t0, 3),
        "load_s": round(t2 - t1, 3),
    }
    for lang in SETS if args.lang == "all" else [args.lang]:
        texts = build_texts(args.docs, lang)
        docs = [Document(title, text) for title, text in texts]
        single, single_cpu, batched = _rate(clf, docs)
        sizes = [len(t.encode()) for _, t in texts]
        result[lang] = {
            "mean_doc_bytes": round(sum(sizes) / len(sizes)),
            "mean_doc_chars": round(sum(len(t) for _, t in texts) / len(texts)),
            "docs_per_s_single": single,
            "docs_per_s_single_cpu": single_cpu,
            "docs_per_s_batch64": batched,
            "detected": sorted({p.lang for p in clf.predict(docs[:50])}),
        }
    result["peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )  # KiB on Linux
    result["python"] = sys.version.split()[0]
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
