"""The chat model behind an OpenAI-compatible server (llama.cpp's server,
llama-cpp-python's `llama_cpp.server`, vLLM, Ollama), for when one machine is
not enough: `KHABAR_LLM_URL` points at it.

It implements the same `Generator` protocol as the in-process llama.cpp
back-end, over `POST /v1/chat/completions` with `stream=true` (server-sent
events), at temperature 0. What the in-process back-end does with llama.cpp
internals degrades as follows:

- special tokens: the GGUF's vocabulary is not visible, so text is neutralised
  against the generic chat-template markers, plus the markers of the server's
  chat template when it publishes one (llama.cpp's `GET /props`);
- the article prefix: no KV state is saved here; prompt-prefix reuse is the
  server's concern (`cache_prompt`, sent as true, is llama.cpp's switch for it);
- token counts: asked of the server (`/extras/tokenize/count` of
  llama_cpp.server, `/tokenize` of llama.cpp and vLLM), else estimated on the
  safe side (one token per two UTF-8 bytes), so a prompt is never cut short by
  an undercount;
- the Yes/No assessment (`yes_share`, rag/answering/assessor.py): read from
  the server's top log-probabilities of the first reply token (OpenAI's
  `logprobs` and `top_logprobs`); a server that gives none (llama_cpp.server
  started without `--logits_all`, some others) assesses nothing, as a model
  that cannot tell, and is not asked again.

Connection failures are retried a bounded number of times with exponential
back-off; every failure ends as an `LLMServerError` that names the URL.
httpx is imported on first use."""

from __future__ import annotations

import functools
import json
import logging
import math
import re
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from .errors import ContextOverflowError, KhabarError, LLMServerError
from .llm import NO_WORDS, SAMPLING, YES_WORDS, Message, marker_pattern, neutralise_messages, template_markers

log = logging.getLogger(__name__)

# HTTP statuses a server gives while it is starting or overloaded: worth a retry
_RETRY_STATUSES = {502, 503, 504}
# the tokenizer end-points tried in order; the first that answers is kept
_TOKENIZE_PATHS = ("/extras/tokenize/count", "/tokenize")
_COUNT_CACHE_SIZE = 4096
# top log-probabilities asked for with an assessment: OpenAI's largest, enough to hold "Yes" and "No"
_TOP_LOGPROBS = 20


def normalise_url(url: str) -> str:
    """The API base ending in `/v1`: 'http://host:8080' and 'http://host:8080/v1/'
    both give 'http://host:8080/v1'. Anything but an http(s) URL with a host is
    refused, naming the value."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KhabarError(
            f"KHABAR_LLM_URL={url!r} is not an http(s) URL of a chat server: "
            "set it like http://gpu-box:8080/v1, or unset it to run the local GGUF."
        )
    base = url.strip().rstrip("/")
    return base if base.endswith("/v1") else base + "/v1"


class OpenAIChatGenerator:
    """A chat model on an OpenAI-compatible server, temperature 0, streamed."""

    def __init__(
        self,
        url: str,
        model: str,
        reads: frozenset[str],
        writes: frozenset[str],
        n_ctx: int = 4096,
        seed: int = 0,
        timeout: float = 120.0,
        retries: int = 2,
        api_key: str = "",
        backoff: float = 0.5,
    ) -> None:
        if not model:
            raise KhabarError("KHABAR_LLM_MODEL is empty: name the model the server serves.")
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise KhabarError(f"Bad chat server limits: timeout {timeout}, retries {retries}, backoff {backoff}.")
        self.base = normalise_url(url)
        self.root = self.base.removesuffix("/v1")
        self.id = model
        self.model = model
        self.reads = reads
        self.writes = writes
        self.n_ctx = n_ctx
        self.seed = seed
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client: Any = None
        self._markers: re.Pattern[str] | None = None
        self._tokenize_path: str | None = None  # "" once known that the server has none
        self._counts: dict[str, int] = {}
        self._logprobs = True  # False once the server answered an assessment without log-probabilities

    # -- transport --
    def _http(self) -> Any:
        if self._client is None:
            import httpx  # imported on first use: `khabar --help` never pays for it

            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
                headers=self._headers,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _retrying(self, what: str, call: Callable[[], Any]) -> Any:
        """`call()`, retried with back-off while the server cannot be reached
        or answers 502/503/504; any other transport failure is an LLMServerError."""
        import httpx

        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                return call()
            except _Retry as exc:
                if last:
                    raise LLMServerError(self.base, f"answered HTTP {exc.status} to {what}: {exc.detail}") from None
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if last:
                    tries = f" ({self.retries + 1} tries)" if self.retries else ""
                    raise LLMServerError(self.base, f"could not be reached{tries}: {_reason(exc)}") from None
            except httpx.TimeoutException:
                raise LLMServerError(
                    self.base,
                    f"sent nothing for {self.timeout:g} s during {what} (raise KHABAR_LLM_TIMEOUT for a slow server)",
                ) from None
            except httpx.HTTPError as exc:
                raise LLMServerError(self.base, f"broke off {what}: {_reason(exc)}") from None
            delay = self.backoff * (2**attempt)
            log.warning(
                "chat server %s: %s failed, retry %d/%d in %.1f s", self.base, what, attempt + 1, self.retries, delay
            )
            time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- the Generator protocol --
    def markers(self) -> re.Pattern[str]:
        """Generic markers, plus those of the server's chat template when the
        server publishes it (llama.cpp's `/props`); read once."""
        if self._markers is None:
            found: set[str] = set()
            try:
                resp = self._http().get(self.root + "/props")
                if resp.status_code == 200:
                    template = resp.json().get("chat_template", "")
                    if isinstance(template, str):
                        found = template_markers(template)
            except Exception as exc:  # noqa: BLE001 - no /props (or no server yet) leaves the generic markers
                log.debug("no chat template from %s/props: %s", self.root, exc)
            self._markers = marker_pattern(found)
        return self._markers

    def count_tokens(self, text: str) -> int:
        if text in self._counts:
            return self._counts[text]
        n = self._count(text)
        if len(self._counts) >= _COUNT_CACHE_SIZE:
            self._counts.clear()
        self._counts[text] = n
        return n

    def _count(self, text: str) -> int:
        if self._tokenize_path is None:
            for path in _TOKENIZE_PATHS:
                n = self._retrying("a token count", functools.partial(self._tokenize, path, text))
                if n is not None:
                    self._tokenize_path = path
                    return n
            log.warning("chat server %s counts no tokens; estimating one token per two UTF-8 bytes", self.base)
            self._tokenize_path = ""
        if self._tokenize_path:
            n = self._retrying("a token count", functools.partial(self._tokenize, self._tokenize_path, text))
            if n is not None:
                return int(n)
        return estimate_tokens(text)

    def _tokenize(self, path: str, text: str) -> int | None:
        """The server's token count of `text`, or None when this end-point
        does not exist or answers in another shape."""
        body = {
            "model": self.model,
            "input": text,  # llama_cpp.server
            "content": text,  # llama.cpp server
            "prompt": text,  # vLLM
            "add_special": False,
            "add_special_tokens": False,
            "parse_special": True,
        }
        resp = self._http().post(self.root + path, json=body)
        if resp.status_code in _RETRY_STATUSES:
            raise _Retry(resp.status_code, _snippet(resp.text))
        if resp.status_code != 200:
            return None
        try:
            data = resp.json()
        except ValueError:
            return None
        if isinstance(data, dict) and isinstance(data.get("count"), int):
            return int(data["count"])
        if isinstance(data, dict) and isinstance(data.get("tokens"), list):
            return len(data["tokens"])
        return None

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
        stop: Sequence[str] = (),
        refusal: str | None = None,  # noqa: ARG002 - the server's token probabilities are not read: greedy decides
    ) -> str:
        body = self._request(messages, max_tokens, stream=True)
        if stop:
            body["stop"] = list(stop)
        reply = _Reply(on_token)
        return str(self._retrying("a chat completion", lambda: self._stream(body, reply)))

    def yes_share(self, messages: Sequence[Message]) -> float | None:
        """P(Yes) / (P(Yes) + P(No)) of the first reply token, from the
        server's top log-probabilities of it; None when the prompt does not
        fit, when neither word is among them, or when the server gives none
        (then it is not asked again). Auth and address errors raise, as for
        an answer."""
        if not self._logprobs:
            return None
        body = self._request(messages, 1, stream=False, logprobs=True, top_logprobs=_TOP_LOGPROBS)
        top = self._retrying("an assessment", lambda: self._first_logprobs(body))
        if top is None:
            return None
        yes = sum(math.exp(lp) for token, lp in top if token in YES_WORDS)
        no = sum(math.exp(lp) for token, lp in top if token in NO_WORDS)
        return yes / (yes + no) if yes + no > 0 else None

    def _first_logprobs(self, body: dict[str, Any]) -> list[tuple[str, float]] | None:
        """(token, log-probability) of the top candidates for the first reply
        token; None when the prompt does not fit or the server gives none."""
        resp = self._http().post(self.base + "/chat/completions", json=body)
        if resp.status_code != 200:
            if resp.status_code in (401, 403, 404) or resp.status_code in _RETRY_STATUSES:
                self._refused(resp.status_code, resp.text)
            if _is_context_error(resp.text):
                return None
            self._without_logprobs(f"HTTP {resp.status_code}: {_error_message(resp.text)}")
            return None
        try:
            data = resp.json()
            first = data["choices"][0]["logprobs"]["content"][0]
            top = [(str(t["token"]), float(t["logprob"])) for t in first["top_logprobs"]]
        except (ValueError, KeyError, IndexError, TypeError):
            self._without_logprobs(f"no top_logprobs in {_snippet(resp.text)!r}")
            return None
        if not top:
            self._without_logprobs("an empty top_logprobs")
            return None
        return top

    def _without_logprobs(self, why: str) -> None:
        log.warning("chat server %s gives no token log-probabilities (%s): answers are not assessed", self.base, why)
        self._logprobs = False

    def _request(self, messages: Sequence[Message], max_tokens: int, **extra: Any) -> dict[str, Any]:
        """The body of a chat completion request, neutralised and greedy, with `extra` fields."""
        return {
            "model": self.model,
            "messages": neutralise_messages(messages, self.markers()),
            "max_tokens": max_tokens,
            # the in-process back-end's greedy settings; top_k and repeat_penalty are llama.cpp /
            # llama_cpp.server extras (its default repeat_penalty is 1.1), OpenAI-style servers ignore them
            **SAMPLING,
            "seed": self.seed,
            "cache_prompt": True,  # llama.cpp server: reuse the KV cache of the common prompt prefix
            **extra,
        }

    def warm(self, messages: Sequence[Message]) -> None:
        """Check the server answers and let it read the article prefix now
        (a server with prompt caching reuses it for the first question)."""
        self.chat(messages, max_tokens=1)

    # -- one streamed completion --
    def _stream(self, body: dict[str, Any], reply: _Reply) -> str:
        import httpx

        if reply.started:  # part of the answer was shown: a retry would repeat it
            raise LLMServerError(self.base, "broke off in the middle of an answer")
        try:
            with self._http().stream("POST", self.base + "/chat/completions", json=body) as resp:
                if resp.status_code != 200:
                    resp.read()
                    self._refused(resp.status_code, resp.text)
                if resp.headers.get("content-type", "").startswith("application/json"):
                    # a server that ignored `stream` and sent one whole completion
                    resp.read()
                    reply.emit(self._content(resp.text))
                else:
                    self._events(resp.iter_lines(), reply)
                return reply.text()
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            if reply.started:
                raise LLMServerError(self.base, f"broke off in the middle of an answer: {_reason(exc)}") from None
            raise httpx.ConnectError(str(exc)) from None  # nothing shown yet: retry like a refused connection

    def _events(self, lines: Any, reply: _Reply) -> None:
        """Emit the text of each server-sent event until `[DONE]` or the end."""
        events = 0
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith((":", "event:", "id:", "retry:")):
                continue  # keep-alive comments and SSE fields other than data
            if not line.startswith("data:"):
                raise self._garbage(line)
            data = line[5:].strip()
            if data == "[DONE]":
                break
            events += 1
            reply.emit(self._content(data))
        if not events:
            raise LLMServerError(self.base, "ended the answer stream without sending any data")

    def _content(self, raw: str) -> str:
        """The text of one JSON chunk: a stream event's `delta` or a whole
        completion's `message`; "" for a chunk without text. An error object
        or anything that is not a completion raises."""
        try:
            chunk = json.loads(raw)
        except ValueError:
            raise self._garbage(raw) from None
        if isinstance(chunk, dict) and "error" in chunk:
            detail = _error_message(raw)
            if _is_context_error(raw):
                raise ContextOverflowError(*_context_figures(detail, self.n_ctx))
            raise LLMServerError(self.base, f"reported an error: {detail}")
        choices = chunk.get("choices") if isinstance(chunk, dict) else None
        if not isinstance(choices, list):
            raise self._garbage(raw)
        if not choices:
            return ""  # e.g. a closing chunk that only carries usage
        first = choices[0] if isinstance(choices[0], dict) else {}
        delta = first.get("delta") or first.get("message") or {}
        content = delta.get("content") if isinstance(delta, dict) else None
        return content if isinstance(content, str) else ""

    # -- errors --
    def _garbage(self, text: str) -> LLMServerError:
        return LLMServerError(
            self.base, f"answered with something that is not an OpenAI-compatible stream ({_snippet(text)!r})"
        )

    def _refused(self, status: int, text: str) -> None:
        """Raise the error that fits a refusal (context overflow, auth, no
        such model or path); 502/503/504 are retried."""
        detail = _error_message(text)
        if status in _RETRY_STATUSES:
            raise _Retry(status, detail)
        if _is_context_error(text):
            raise ContextOverflowError(*_context_figures(detail, self.n_ctx))
        if status in (401, 403):
            raise LLMServerError(
                self.base, f"refused the request (HTTP {status}: {detail}); set KHABAR_LLM_API_KEY to the server's key"
            )
        if status == 404:
            raise LLMServerError(
                self.base,
                f"has no {self.base}/chat/completions or no model {self.model!r} (HTTP 404: {detail}); "
                "KHABAR_LLM_URL is the API base (e.g. http://host:8080/v1) and KHABAR_LLM_MODEL a model it serves",
            )
        raise LLMServerError(self.base, f"answered HTTP {status}: {detail}")


class _Reply:
    """The text of one completion as it arrives: each piece is kept and shown
    (`on_token`) once, so a retry can tell whether anything was shown yet."""

    def __init__(self, on_token: Callable[[str], None] | None) -> None:
        self.on_token = on_token
        self.parts: list[str] = []

    @property
    def started(self) -> bool:
        return bool(self.parts)

    def emit(self, text: str) -> None:
        if text:
            self.parts.append(text)
            if self.on_token is not None:
                self.on_token(text)

    def text(self) -> str:
        return "".join(self.parts)


class _Retry(Exception):
    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail


def estimate_tokens(text: str) -> int:
    """A token count on the safe side when the server cannot count: byte-level
    BPE vocabularies give English about one token per four bytes and Urdu about
    one per two; two bytes per token over-counts, so prompts still fit."""
    return max(1, (len(text.encode("utf-8")) + 1) // 2)


def _snippet(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _error_message(text: str) -> str:
    """The `error.message` of an OpenAI-style error body, else the body itself, shortened."""
    try:
        data = json.loads(text)
    except ValueError:
        return _snippet(text) or "(empty body)"
    err = data.get("error", data) if isinstance(data, dict) else data
    if isinstance(err, dict) and err.get("message"):
        return _snippet(str(err["message"]))
    if isinstance(err, str):
        return _snippet(err)
    return _snippet(text)


def _is_context_error(text: str) -> bool:
    low = text.lower()
    return (
        "context_length_exceeded" in low
        or "exceed_context_size" in low
        or bool(
            re.search(r"context (?:length|size|window)", low) and re.search(r"exceed|maximum|too long|requested", low)
        )
    )


def _context_figures(message: str, n_ctx: int) -> tuple[int, int]:
    """(tokens requested, context size) from the servers' wordings:
    llama_cpp.server "maximum context length is 4096 tokens. However, you requested 5000 tokens",
    llama.cpp "request (5000 tokens) exceeds the available context size (4096 tokens)"."""
    needed = re.search(r"requested (\d+)|request \((\d+) tokens\)|\((\d+) tokens?\) exceed", message)
    available = re.search(r"context (?:length|size|window)(?: is| of)? \(?(\d+)", message)
    n = next((int(g) for g in needed.groups() if g), -1) if needed else -1
    return n, int(available.group(1)) if available else n_ctx


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
