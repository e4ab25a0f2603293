"""A dependency-free stand-in for ``sklearn.base.BaseEstimator`` (get_params/set_params).

Why: the fitted model must load and score without importing scikit-learn (import alone
costs ~0.8 s and ~100 MB RSS), yet follow its conventions so ``sklearn.base.clone`` and
grid search work on it during training.
"""

from __future__ import annotations

import inspect
from typing import Any


class BaseEstimator:
    """Parameters are exactly the ``__init__`` keyword arguments, stored unchanged."""

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [
            p.name
            for p in sig.parameters.values()
            if (p.name != "self" and p.kind == p.KEYWORD_ONLY)
            or (p.name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD)
        ]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> BaseEstimator:
        valid = set(self._param_names())
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for {type(self).__name__}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"
