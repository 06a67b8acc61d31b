"""Sentence embeddings behind a small interface, and the model the app ships with.

``wordllama`` carries its 256-dimension weights and tokenizer in its wheel, so nothing
is downloaded; its loader only looks for the tokenizer's configuration in a folder of
its own, which ``_model_dir`` prepares once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from django.conf import settings

MODEL_NAME = "wordllama-l2-supercat-256"
_TOKENIZER_CONFIG = "l2_supercat_tokenizer_config.json"


class Embedder(Protocol):
    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text."""
        ...


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _model_dir() -> Path:
    import wordllama

    folder = Path(settings.DATA_DIR) / "wordllama"
    target = folder / "tokenizers" / _TOKENIZER_CONFIG
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shipped = Path(wordllama.__file__).parent / "tokenizers" / _TOKENIZER_CONFIG
        partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        shutil.copyfile(shipped, partial)
        partial.replace(target)  # atomic: a concurrent process sees all of it or none
    return folder


class WordLlamaEmbedder:
    name = MODEL_NAME

    def __init__(self) -> None:
        from wordllama import WordLlama

        self._model: Any = WordLlama.load(cache_dir=_model_dir(), disable_download=True, dim=256)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        rows = np.asarray(self._model.embed(texts, norm=True), dtype=np.float32)
        return rows


_embedder: Embedder | None = None
_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The process's embedder, loaded on first use (about 0.3 s, 70 MB)."""
    global _embedder
    if _embedder is None:
        with _lock:
            if _embedder is None:
                _embedder = WordLlamaEmbedder()
    return _embedder
