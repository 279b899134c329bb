"""Compiled kernels: Numba when it is installed and allowed, the NumPy reference otherwise.

The models' NumPy code is the reference; a few hot loops also have a compiled version written
with Numba (``@kernel``). Numba is imported, and a kernel compiled (or loaded from Numba's
on-disk cache), only the first time a compiled kernel is called, so importing accord, ``accord
--help`` or a small run that stays on the NumPy path never pays for it (importing Numba costs
about 0.3-0.5 s).

``ACCORD_NUMBA=0`` in the environment turns every compiled kernel off (the NumPy path runs);
:func:`enabled` says whether compiled kernels are on. Tests compare both paths.
"""

from __future__ import annotations

import os
import threading
import types
from collections.abc import Callable
from importlib.util import find_spec
from typing import Any

ENV = "ACCORD_NUMBA"
"""Environment variable: ``0`` turns compiled kernels off."""

_lock = threading.RLock()


def enabled() -> bool:
    """Return whether compiled kernels run: Numba is installed and ``ACCORD_NUMBA`` is not 0."""
    if os.environ.get(ENV, "1").strip() in {"0", "false", "no", "off"}:
        return False
    return find_spec("numba") is not None


class Kernel:
    """A function compiled by Numba on its first call (``nopython``, cached on disk).

    Calling a :class:`Kernel` when :func:`enabled` is false raises :class:`RuntimeError`:
    callers choose the NumPy path first (``if compiled.enabled(): ...``).
    """

    def __init__(self, fn: Callable[..., Any], options: dict[str, Any], suffix: str = "") -> None:
        self.py_func = fn
        self._options = options
        self._suffix = suffix
        self._compiled: Callable[..., Any] | None = None
        self._serial: Kernel | None = None
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    @property
    def serial(self) -> Kernel:
        """The same kernel compiled without ``parallel`` (``prange`` runs as ``range``).

        For calls too small to repay waking the other cores. It is cached on disk under its
        own name, apart from the parallel version.
        """
        if not self._options.get("parallel"):
            return self
        if self._serial is None:
            options = {k: v for k, v in self._options.items() if k != "parallel"}
            self._serial = Kernel(self.py_func, options, suffix="_serial")
        return self._serial

    def compiled(self) -> Callable[..., Any]:
        """Return the compiled function, compiling (or loading from the cache) on first use."""
        if not enabled():
            raise RuntimeError(f"compiled kernels are off ({ENV}=0 or no numba)")
        if self._compiled is None:
            with _lock:
                if self._compiled is None:
                    self._compiled = _compile(self.py_func, self._options, self._suffix)
        return self._compiled

    def __call__(self, *args: Any) -> Any:
        """Run the compiled function."""
        return self.compiled()(*args)


def _compile(
    fn: Callable[..., Any], options: dict[str, Any], suffix: str = ""
) -> Callable[..., Any]:
    """Compile ``fn`` with Numba, its globals' kernels and ``prange`` resolved for Numba.

    ``suffix`` is added to the function's name, so that variants of one function (parallel,
    serial) keep separate entries in Numba's on-disk cache.
    """
    import numba

    names = fn.__code__.co_names
    scope = dict(fn.__globals__)
    for name in names:
        value = scope.get(name)
        if isinstance(value, Kernel):
            scope[name] = value.compiled()
        elif value is prange:
            scope[name] = numba.prange
    func = types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__, fn.__closure__)
    func.__qualname__ = fn.__qualname__ + suffix
    func.__module__ = fn.__module__
    return numba.njit(cache=True, nogil=True, **options)(func)


def kernel(**options: Any) -> Callable[[Callable[..., Any]], Kernel]:
    """Decorate a function to be compiled by ``numba.njit(cache=True, nogil=True, **options)``.

    Inside a kernel, other kernels are called by name as usual (they are compiled with it), and
    ``parallel=True`` with :func:`prange` (imported from this module) splits a loop across
    cores; ``kernel.py_func`` runs the same code as plain Python.
    """

    def wrap(fn: Callable[..., Any]) -> Kernel:
        return Kernel(fn, options)

    return wrap


def prange(*args: int) -> range:
    """``range`` in plain Python; Numba reads a call to ``prange`` as ``numba.prange``."""
    return range(*args)


def threads() -> int:
    """Return the number of threads Numba's parallel loops use (imports Numba)."""
    import numba

    return int(numba.get_num_threads())
