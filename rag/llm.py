"""Generator protocol and its llama.cpp implementation.

llama-cpp-python keeps the KV cache of the previous prompt and re-uses the
longest common token prefix, so prompts are built with the article first and
the question last: a follow-up question on the same article only pays for its
own tokens. `warm()` fills that cache ahead of the first question."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .errors import ContextOverflowError, KhabarError

Message = dict[str, str]
log = logging.getLogger(__name__)

# -- text is data, never chat-template markup --
# llama-cpp-python tokenises the formatted chat prompt with special=True, so a
# literal "<|im_end|>" in a question or an article would become the real
# control token and could forge a turn. Every marker is broken with a WORD
# JOINER after its first character: the text reads the same, the tokenizer
# no longer sees the marker. The generic shapes cover the common templates
# (ChatML, Llama 2/3, Mistral, Gemma, Phi); each loaded GGUF adds its own
# control tokens from its vocabulary and its chat template.
WORD_JOINER = "\u2060"
GENERIC_MARKERS = (
    r"<\|[^|>]{1,40}\|>",  # <|im_start|>, <|eot_id|>, <|user|>, <|endoftext|>
    r"\[/?(?:INST|SYS|AVAILABLE_TOOLS|TOOL_RESULTS|TOOL_CALLS)\]",  # Mistral / Llama 2
    r"<</?SYS>>",
    r"</?s>",
    r"<(?:start_of_turn|end_of_turn|bos|eos|pad|unk|mask)>",  # Gemma, T5-style
)
_GENERIC = re.compile("|".join(GENERIC_MARKERS))
# marker-like literals in a chat template ('<|im_start|>', '[INST]', '<start_of_turn>')
_TEMPLATE_MARKER = re.compile(r"<\|[^|>\s]{1,40}\|>|\[/?[A-Z_]{2,20}\]|<[/]?[A-Za-z_][A-Za-z0-9_]{1,30}>")


def marker_pattern(markers: Iterable[str] = ()) -> re.Pattern[str]:
    """One pattern for the generic markers and the given literal ones
    (longest first, so "<|im_start|>" wins over a shorter prefix)."""
    literal = sorted({m for m in markers if len(m) >= 2 and m.strip()}, key=lambda m: (-len(m), m))
    parts = [re.escape(m) for m in literal] + list(GENERIC_MARKERS)
    return re.compile("|".join(parts))


def neutralise(text: str, pattern: re.Pattern[str] = _GENERIC) -> str:
    """`text` with every marker matched by `pattern` broken by a word joiner
    after its first character, repeated until none is left (a marker can hide
    inside another one)."""
    for _ in range(len(text)):
        new = pattern.sub(lambda m: m.group(0)[0] + WORD_JOINER + m.group(0)[1:], text)
        if new == text:
            break
        text = new
    return text


def neutralise_messages(messages: Sequence[Message], pattern: re.Pattern[str] = _GENERIC) -> list[Message]:
    """Every message's content neutralised; roles are ours and kept as they are."""
    return [{**m, "content": neutralise(m.get("content", ""), pattern)} for m in messages]


def special_token_texts(llm: Any) -> set[str]:
    """The texts of a loaded GGUF's special tokens: control and unknown
    tokens, user-defined ones that look like markup, and the markers its chat
    template writes. Works for any GGUF llama-cpp-python can load; a missing
    API (another llama-cpp-python version) leaves the generic markers only."""
    found: set[str] = set()
    try:
        import llama_cpp

        model = llm._model
        control = llama_cpp.LLAMA_TOKEN_ATTR_CONTROL | llama_cpp.LLAMA_TOKEN_ATTR_UNKNOWN
        for tok in range(int(model.n_vocab())):
            attr = int(model.token_get_attr(tok))
            if not attr & (control | llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED):
                continue
            text = model.token_get_text(tok)
            if attr & control or re.fullmatch(r"[<\[].+[>\]]", text or ""):
                found.add(text)
    except Exception as exc:  # noqa: BLE001 - any failure falls back to the generic markers
        log.warning("could not read the special tokens of the chat model (%s); generic markers only", exc)
    template = (getattr(llm, "metadata", None) or {}).get("tokenizer.chat_template", "")
    found.update(template_markers(template or ""))
    return {t for t in found if len(t) >= 2 and t.strip()}


def template_markers(template: str) -> set[str]:
    """The marker-like literals a chat template writes ('<|im_start|>', '[INST]')."""
    return {t for t in _TEMPLATE_MARKER.findall(template) if len(t) >= 2 and t.strip()}


# Greedy decoding, the same for every call (bench/bench.py replays Khabar's
# calls on the bare Llama object with these settings).
SAMPLING: dict[str, Any] = {"temperature": 0.0, "top_k": 1, "repeat_penalty": 1.0}

# The answer decision of a chat model that may reply with a refusal marker
# ("NOT IN ARTICLE"): greedy decoding refuses whenever the marker's first
# token is the single most likely one, even when most of the probability is
# on answers spread over several first tokens ('6', '4', 'Six', 'The' ...).
# A generator that can read its first-token distribution refuses only when
# the marker holds at least this share of it (the majority: not a tuned value),
# and otherwise answers with the marker's first tokens suppressed.
REFUSAL_MAJORITY = 0.5
FIRST_TOKENS = 64  # the most likely first tokens read for the refusal's share


def refusal_like(token: str, refusal: str) -> bool:
    """A first token that starts the refusal marker ('NOT', 'N', ' Not')."""
    t = token.strip().upper()
    return bool(t) and refusal.upper().startswith(t)


# A Yes/No assessment read from the first reply token's distribution: the
# share of "Yes" against "No" (rag/answering/assessor.py).
YES_WORDS = ("Yes", " Yes", "yes", "YES")
NO_WORDS = ("No", " No", "no", "NO")


@runtime_checkable
class Assessor(Protocol):
    """A chat model that can say how much of its first reply token's
    probability is "Yes" rather than "No" (None: it cannot tell)."""

    def yes_share(self, messages: Sequence[Message]) -> float | None: ...


class Generator(Protocol):
    """A chat model: what it can read and write, and how to talk to it."""

    id: str
    reads: frozenset[str]
    writes: frozenset[str]
    n_ctx: int

    def count_tokens(self, text: str) -> int: ...

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
        stop: Sequence[str] = (),
        refusal: str | None = None,
    ) -> str:
        """The model's reply. `refusal`: the marker the prompt allows as a
        reply; a generator that reads token probabilities returns it only
        when it holds the majority of the first token's probability
        (`REFUSAL_MAJORITY`), and records that share in
        `last_refusal_probability`; others decode greedily."""
        ...


class LlamaCppGenerator:
    """A local GGUF run by llama.cpp, loaded on first use, temperature 0."""

    def __init__(
        self,
        model_id: str,
        path: Path,
        reads: frozenset[str],
        writes: frozenset[str],
        n_ctx: int = 4096,
        n_threads: int = 2,
        seed: int = 0,
        cache_dir: Path | None = None,
        majority_refusal: bool = True,
        assess: bool = True,
    ) -> None:
        self.cache_dir = cache_dir
        # False: plain greedy decoding of the refusal marker, as the OpenAI-compatible back-end does
        self.majority_refusal = majority_refusal
        # False: no Yes/No assessment (`yes_share` cannot tell), as the OpenAI-compatible back-end
        self.assess = assess
        self.id = model_id
        self.path = path
        self.reads = reads
        self.writes = writes
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.seed = seed
        self._llm: Any = None
        self._lock = threading.Lock()  # llama.cpp contexts are not re-entrant
        self._memory_key: str | None = None  # the system prompt now in the KV cache
        self._markers: re.Pattern[str] | None = None  # this model's special tokens, as a pattern
        self.last_refusal_probability: float | None = None

    def markers(self) -> re.Pattern[str]:
        """The pattern of every special token of the loaded model (read once)."""
        if self._markers is None:
            self._markers = marker_pattern(special_token_texts(self._load()))
        return self._markers

    def _load(self) -> Any:
        if self._llm is None:
            from llama_cpp import Llama  # heavy: imported on first use

            self._llm = Llama(
                model_path=str(self.path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads,
                n_batch=512,
                seed=self.seed,
                verbose=False,
            )
        return self._llm

    # -- the article prefix, saved on disk --
    # llama-cpp-python's LlamaDiskCache saves the whole logits buffer (hundreds
    # of MB) after every answer; this saves only the KV state, once per
    # system prompt (one per article edition), so a new process asking about
    # the same article skips re-reading it.
    def _prefix_file(self, messages: Sequence[Message]) -> Path | None:
        if self.cache_dir is None or not messages or len(messages[0].get("content", "")) < 500:
            return None
        import hashlib

        key = hashlib.sha256((self.id + "\0" + messages[0]["content"]).encode()).hexdigest()[:24]
        return self.cache_dir / f"{key}.npz"

    def _restore(self, llm: Any, path: Path) -> bool:
        """Load a saved prefix into the context. A damaged file (empty,
        truncated, not a zip, wrong arrays, a state llama.cpp refuses) is
        deleted and logged, the context is reset, and False is returned: the
        question then re-reads the article, as on a first run."""
        import ctypes

        import numpy as np

        try:
            data = np.load(path, allow_pickle=False)
            if not hasattr(data, "files"):
                raise ValueError("not an .npz archive")
            with data:
                ids = np.asarray(data["input_ids"])
                raw = np.asarray(data["state"]).tobytes()
            if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer) or not 0 < len(ids) <= self.n_ctx or not raw:
                raise ValueError(f"{len(ids)} token ids of type {ids.dtype} and {len(raw)} state bytes")
            _put_back(llm, ((ctypes.c_uint8 * len(raw)).from_buffer_copy(raw), len(raw), ids))
        except Exception as exc:  # noqa: BLE001 - BadZipFile, EOFError, zlib.error, ValueError...: any damage costs only the re-read
            log.warning("damaged KV-cache file %s (%s: %s): deleted; the article is read again", path, type(exc).__name__, exc)
            path.unlink(missing_ok=True)
            llm.n_tokens = 0
            reset = getattr(llm, "reset", None)
            if reset is not None:
                reset()
            return False
        return True

    def _save(self, llm: Any, path: Path) -> None:
        import os

        import numpy as np

        buf, n, ids = _snapshot(llm)
        tmp = path.with_suffix(".tmp.npz")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(tmp, input_ids=ids, state=np.frombuffer(memoryview(buf).cast("B"), dtype=np.uint8, count=n))
            os.replace(tmp, path)
        except OSError as exc:  # a full disk costs the cache, not the answer
            log.warning("could not save the KV cache to %s: %s", path, exc)
            tmp.unlink(missing_ok=True)

    def count_tokens(self, text: str) -> int:
        llm = self._load()
        return len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
        stop: Sequence[str] = (),
        refusal: str | None = None,
    ) -> str:
        llm = self._load()
        messages = neutralise_messages(messages, self.markers())
        self.last_refusal_probability = None
        with self._lock:
            prefix = self._prefix_file(messages)
            key = prefix.name if prefix else None
            if prefix is not None and key != self._memory_key and prefix.exists():
                self._restore(llm, prefix)
            self._memory_key = key
            try:
                rule = _FirstTokenRule(lambda i: llm.detokenize([i]).decode("utf-8", "replace"), refusal) if refusal and self.majority_refusal else None
                stream = llm.create_chat_completion(
                    messages=list(messages),
                    max_tokens=max_tokens,
                    **SAMPLING,
                    seed=self.seed,
                    stop=list(stop) or None,
                    stream=True,
                    logits_processor=_processors(rule),
                )
                parts: list[str] = []
                for chunk in stream:
                    delta = chunk["choices"][0].get("delta", {}).get("content")
                    if delta:
                        parts.append(delta)
                        if on_token is not None:
                            on_token(delta)
                if rule is not None:
                    self.last_refusal_probability = rule.share
                if prefix is not None and not prefix.exists():
                    self._save(llm, prefix)
                return "".join(parts)
            except ValueError as exc:
                msg = str(exc)
                if "exceed context window" in msg:
                    needed = _first_int(msg)
                    raise ContextOverflowError(needed, self.n_ctx) from None
                raise KhabarError(f"The chat model failed: {msg}") from None

    def warm(self, messages: Sequence[Message]) -> None:
        """Process a prompt prefix now so the next question re-uses it."""
        self.chat(messages, max_tokens=1)

    def yes_share(self, messages: Sequence[Message]) -> float | None:
        """P(Yes) / (P(Yes) + P(No)) of the first reply token; None when the
        prompt does not fit, or when assessing is off. It runs in the one
        context (a second one loads the weights again: +0.66 GB measured), and
        the context is put back as it was afterwards, so the article's prefix
        stays cached."""
        if not self.assess:
            return None
        llm = self._load()
        messages = neutralise_messages(messages, self.markers())
        first = {w: llm.tokenize(w.encode("utf-8"), add_bos=False)[:1] for w in YES_WORDS + NO_WORDS}
        rule = _YesShare([t for w in YES_WORDS for t in first[w]], [t for w in NO_WORDS for t in first[w]])
        with self._lock:
            kept = _snapshot(llm)
            try:
                llm.create_chat_completion(
                    messages=list(messages), max_tokens=1, **SAMPLING, seed=self.seed, logits_processor=_processors(rule)
                )
            except ValueError as exc:
                if "exceed context window" in str(exc):
                    return None
                raise KhabarError(f"The chat model failed: {exc}") from None
            finally:
                _put_back(llm, kept)
        return rule.share


def _snapshot(llm: Any) -> tuple[Any, int, Any]:
    """The context's state (its KV cache and all) and the tokens it holds."""
    import ctypes

    import llama_cpp
    import numpy as np

    size = int(llama_cpp.llama_state_get_size(llm._ctx.ctx))
    buf = (ctypes.c_uint8 * size)()
    n = int(llama_cpp.llama_state_get_data(llm._ctx.ctx, buf, size))
    return buf, n, np.array(llm.input_ids[: llm.n_tokens])


def _put_back(llm: Any, kept: tuple[Any, int, Any]) -> None:
    """Restore what `_snapshot` took (ValueError when llama.cpp refuses it)."""
    import llama_cpp

    buf, n, ids = kept
    if llama_cpp.llama_state_set_data(llm._ctx.ctx, buf, n) != n:
        raise ValueError(f"llama.cpp did not accept the {n}-byte state")
    llm.input_ids[: len(ids)] = ids
    llm.n_tokens = len(ids)
    llm._requires_eval = True


class _FirstTokenRule:
    """A llama.cpp logits processor that acts on the first generated token
    only, inside the one generation (no second pass over the prompt): it
    reads the share of the probability carried by the likeliest tokens that
    start the refusal marker; at a majority it leaves only the best of them
    (the marker, as written, before another spelling), else it rules them
    all out so that the model answers."""

    def __init__(self, detokenize: Callable[[int], str], refusal: str) -> None:
        self.detokenize = detokenize
        self.refusal = refusal
        self.share: float | None = None

    def __call__(self, _input_ids: Any, scores: Any) -> Any:
        if self.share is not None:
            return scores
        import numpy as np

        logits = np.asarray(scores, dtype=np.float64)
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        top = np.argpartition(-probs, FIRST_TOKENS)[:FIRST_TOKENS] if len(probs) > FIRST_TOKENS else np.arange(len(probs))
        texts = {int(i): self.detokenize(int(i)) for i in top}
        first = [i for i, t in texts.items() if refusal_like(t, self.refusal)]
        self.share = float(probs[first].sum()) if first else 0.0
        if not first:
            return scores
        if self.share >= REFUSAL_MAJORITY:
            best = max(first, key=lambda i: (self.refusal.startswith(texts[i].strip()), probs[i]))
            kept = scores[best]
            scores[:] = -np.inf
            scores[best] = kept
        else:
            scores[first] = -np.inf
        return scores


class _YesShare:
    """A llama.cpp logits processor that reads, at the first generated
    token, the share of "Yes" tokens against "Yes" and "No" tokens together."""

    def __init__(self, yes: Sequence[int], no: Sequence[int]) -> None:
        self.yes = sorted(set(yes))
        self.no = sorted(set(no))
        self.share: float | None = None

    def __call__(self, _input_ids: Any, scores: Any) -> Any:
        if self.share is None:
            import numpy as np

            logits = np.asarray(scores, dtype=np.float64)
            probs = np.exp(logits - logits.max())
            y, n = float(probs[self.yes].sum()), float(probs[self.no].sum())
            self.share = y / (y + n) if y + n > 0 else 0.0
        return scores


def _processors(rule: Callable[[Any, Any], Any] | None) -> Any:
    if rule is None:
        return None
    from llama_cpp import LogitsProcessorList

    return LogitsProcessorList([rule])


def _first_int(text: str) -> int:
    import re

    m = re.search(r"\d+", text)
    return int(m.group(0)) if m else -1

