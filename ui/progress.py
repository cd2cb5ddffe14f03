"""A progress bar that moves while a slow step runs.

A pipeline step can take minutes (the first English summary on two cores) and
reports only when it ends; `with_heartbeat` runs the steps in a worker thread
and, while waiting, calls `tick(seconds waited)` about once a second, so the
page can show a moving bar and the time spent on the step. `summary_stage`
says what a summary step has reached, in the interface language.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from rag import lang as languages
from rag.types import SummaryProgress

from .i18n import language_name, t

T = TypeVar("T")
_END = object()


def with_heartbeat(steps: Iterable[T], tick: Callable[[float], None], every: float = 1.0) -> Iterator[T]:
    """Yield the items of `steps` (made in a worker thread); call `tick(seconds)` while waiting.

    The worker makes the next item only when the caller asks for it, as a plain loop
    would (a step may change objects an earlier item shares). Errors raised by
    `steps` are re-raised here, in the caller's thread.
    """
    items: queue.Queue[object] = queue.Queue()
    wanted = threading.Semaphore(0)
    iterator = iter(steps)

    def work() -> None:
        try:
            while True:
                wanted.acquire()
                try:
                    items.put(next(iterator))
                except StopIteration:
                    break
        except BaseException as err:  # noqa: B036 - handed to the caller's thread
            items.put(err)
        finally:
            items.put(_END)

    threading.Thread(target=work, name="khabar-steps", daemon=True).start()
    while True:
        wanted.release()
        waited = 0.0
        while True:
            try:
                item = items.get(timeout=every)
                break
            except queue.Empty:
                waited += every
                tick(waited)
        if item is _END:
            return
        if isinstance(item, BaseException):
            raise item
        yield item  # type: ignore[misc]


def creep(done: float, seconds: float, half_life: float = 30.0) -> float:
    """A fraction between `done` and the end that grows with the seconds waited and never
    reaches the end: half the remaining way after `half_life` seconds (the first English
    summary takes minutes on two cores; a shorter step simply jumps ahead when it ends)."""
    return done + (1.0 - done) * 0.9 * (1.0 - math.exp(-seconds * math.log(2) / half_life))


def summary_stage(step: SummaryProgress, lang: str) -> str:
    """What a summary step has reached, in `lang` (the interface language), read from
    the result so far rather than from the pipeline's own English stage line: which
    summary is ready, how many points of the one being written are done."""
    result = step.result
    if step.done:
        return t("summary.finished", lang)
    if not result.summaries:
        return t("summary.loading", lang)
    code, latest = list(result.summaries.items())[-1]  # the summary the pipeline worked on last

    def name(language: str) -> str:
        return language_name(language, lang)

    if latest.method == "abstractive":  # written point by point by the model
        written = len(latest.points) + (latest.headline is not None)
        return t("summary.writing", lang, language=name(code), n=written)
    missing = [g for g in languages.codes() if g not in result.summaries]
    if missing:
        return t("summary.ready_next", lang, done=name(code), next=name(missing[0]))
    return t("summary.ready", lang, language=name(code))
