"""Safe persistence as a plain ``.npz`` array file: no pickle, integrity-checked, versioned.

Why not skops: ``skops.io`` imports scikit-learn, which alone costs ~0.8 s and ~120 MB
RSS and would break the load-time and memory budget. The fitted model is only arrays
(terms, idf, coefficients, intercepts) plus a JSON header, so ``numpy.load`` with
``allow_pickle=False`` suffices: object arrays (the pickle route) are refused, unknown or
missing members are refused, and a sha256 over the arrays detects tampering.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.features import CUES
from classifiers.language import load_converters
from classifiers.model import PressReleaseClassifier, SegmentModel
from workers.errors import ModelError

FORMAT = "pressroom-classifier"
FORMAT_VERSION = 1
FIX = "run `pressroom train` to rebuild it"
ARRAYS: dict[str, str] = {"terms": "U", "idf": "f", "coef": "f", "intercept": "f"}  # name -> dtype kind
MEMBERS = frozenset({*ARRAYS, "header"})


def library_versions() -> dict[str, str]:
    import opencc
    import sklearn

    return {
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "opencc": getattr(opencc, "__version__", "unknown"),
    }


def _arrays_digest(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(ARRAYS):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def save_model(clf: PressReleaseClassifier, path: Path, meta: dict[str, Any]) -> None:
    """Write the artefact atomically (temp file + rename) so workers never read half a file."""
    m = clf.segment_model
    arrays = {"terms": m.terms_, "idf": m.idf_, "coef": m.coef_, "intercept": m.intercept_}
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "version": clf.version,
        "thresholds": clf.thresholds,
        "params": m.get_params(),
        "cues": [list(c) for c in CUES],
        "sha256": _arrays_digest(arrays),
        "libraries": library_versions(),
        "meta": meta,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    members = {"header": np.asarray(json.dumps(header, sort_keys=True)), **arrays}
    np.savez_compressed(buf, allow_pickle=False, **members)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)


def load_model(path: Path) -> PressReleaseClassifier:
    """Load and validate an artefact; every failure becomes a ``ModelError`` naming the fix."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: classifier model not found; {FIX}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            names = set(npz.files)
            if names != MEMBERS:
                raise ModelError(
                    f"{path}: unexpected members {sorted(names ^ MEMBERS)}; refusing to load; {FIX}"
                )
            arrays = {name: npz[name] for name in ARRAYS}
            header = json.loads(str(npz["header"]))
    except ModelError:
        raise
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        # ValueError covers "Object arrays cannot be loaded when allow_pickle=False".
        raise ModelError(f"{path}: not a readable classifier artefact ({exc}); {FIX}") from exc
    return _build(path, header, arrays)


def _build(path: Path, header: Any, arrays: dict[str, np.ndarray]) -> PressReleaseClassifier:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelError(f"{path}: not a pressroom classifier artefact; {FIX}")
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{path}: artefact format {header.get('format_version')} is not supported; {FIX}")
    if header.get("cues") != [list(c) for c in CUES]:
        raise ModelError(f"{path}: model was trained with a different cue lexicon; {FIX}")
    for name, kind in ARRAYS.items():
        if arrays[name].dtype.kind != kind:
            raise ModelError(f"{path}: member {name!r} has dtype {arrays[name].dtype}; {FIX}")
    if _arrays_digest(arrays) != header.get("sha256"):
        raise ModelError(f"{path}: checksum mismatch, the artefact was modified or truncated; {FIX}")
    n_features = len(arrays["terms"]) + len(CUES)
    if arrays["coef"].shape != (n_features, 4) or arrays["idf"].shape != arrays["terms"].shape:
        raise ModelError(f"{path}: array shapes do not match; {FIX}")
    model = SegmentModel(**header["params"])
    model.terms_, model.idf_ = arrays["terms"], arrays["idf"]
    model.coef_, model.intercept_ = arrays["coef"], arrays["intercept"]
    model.classes_ = np.asarray(["mou", "fund", "event", "ranking"])
    load_converters()  # part of the model: Chinese is folded to Simplified before scoring
    return PressReleaseClassifier(model, header["thresholds"], str(header["version"]))
