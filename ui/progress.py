"""A progress bar that moves while a slow step runs.

A pipeline step can take minutes (the first English summary on two cores) and
reports only when it ends; `with_heartbeat` runs the steps in a worker thread
and, while waiting, calls `tick(seconds waited)` about once a second, so the
page can show a moving bar and the time spent on the step.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

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
