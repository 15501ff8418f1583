"""A call server: one long-lived process per side that imports the function under test and calls
it with decoded arguments. ``python -P -m dc_harness.callserver <request-fd> <response-fd>``.

Protocol (JSON lines, values in the tagged codec): the first request line is the config
``{"sys_path": [...], "module": "...", "qualname": "..."}``; the server answers
``{"ready": true}``, ``{"ready": false, "error": "...", "error_type": "..."}`` (import failed) or
``{"ready": false, "unsupported": "..."}``. Then each ``{"pos": [...], "kw": {...}}`` gets
``{"value": <encoded result or {"$": "raised", ...}>}``.

An argument of one of the code's own classes arrives as ``{"$": "new", ...}`` (codec ``New``):
the server constructs it from this side's module before the call, so base and head each get
their own version of the class.

An instance method is configured with ``"receiver": "<ClassName>"``: each request then also
carries ``"receiver": {"pos": [...], "kw": {...}}``, the server constructs the class (from this
side's module) with them and calls the method on the new instance. A constructor that raises
is the call's outcome, like the method raising. The answer then also carries ``"self"``: the
instance after the call as callers see it (its public attributes and the listed
``"receiver_properties"``, encoded; also after the method raised), so a mutator that returns
None is compared by its effect. With ``"receiver_subclasses"`` in the config, a
request's receiver may name one of those subclasses under ``"class"``: that class is built.
With ``"receiver_factories"``, it may name one of those classmethods under ``"factory"``: the
instance is made by it (``URL.from_text(...)``) instead of the constructor. With
``"receiver_steps"``, a request's receiver may list ``"steps"``: calls of those methods made on
the new instance, in order, before the method under test (a step that raises is ignored).

Its fd 1 and 2 are a capped log pipe the driver drains, so prints cannot corrupt the protocol;
requests and responses travel on dedicated pipes. This process runs PR code: the driver treats
everything it answers as data (decoded by the codec, never executed).
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import sys
from collections.abc import Iterator
from typing import Any

from . import hardening
from .codec import Iterated, New, Raised, decode, encode, safe_repr, type_name

MESSAGE_CAP = 500
MAX_YIELDED = 1000  # items drained from an iterator result
_NONE = object()  # no receiver was built for this call
_CONTAINERS = (str, bytes, bytearray, list, tuple, dict, set, frozenset, range, memoryview)


def constructed(value: Any, depth: int = 0) -> Any:
    """Arguments with every ``New`` built from this side's module (inside lists, tuples and
    dict values too). A constructor that raises makes the call raise."""
    if depth > 20:
        return value
    if isinstance(value, New):
        obj: Any = importlib.import_module(value.module)
        for part in value.cls.split("."):
            obj = getattr(obj, part)
        pos = [constructed(v, depth + 1) for v in value.pos]
        return obj(*pos, **{k: constructed(v, depth + 1) for k, v in value.kw})
    if isinstance(value, list):
        return [constructed(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(constructed(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: constructed(v, depth + 1) for k, v in value.items()}
    return value


def drained(result: Any) -> Any:
    """An iterator result (a generator, ``map``, ``iter(...)``) as what it yields, so two
    generators compare by their items rather than by an address. Raising while iterating is
    the call's outcome (the caller catches it)."""
    if isinstance(result, _CONTAINERS) or not isinstance(result, Iterator):
        return result
    items = []
    for item in result:
        items.append(item)
        if len(items) >= MAX_YIELDED:
            break
    return Iterated(type_name(result), items)


class _Lines:
    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buf = b""

    def read(self) -> dict[str, Any] | None:
        while b"\n" not in self.buf:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return None
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        doc = json.loads(line)
        if not isinstance(doc, dict):
            raise ValueError("request is not an object")
        return doc


def _send(fd: int, doc: dict[str, Any]) -> None:
    data = memoryview(json.dumps(doc).encode() + b"\n")
    while data:
        data = data[os.write(fd, data) :]


def raised_value(exc: BaseException) -> Raised:
    try:
        message = str(exc)
    except Exception as err:  # a broken __str__ on the code's own exception
        message = f"<unprintable: {type(err).__name__}>"
    return Raised(type_name(exc), message[:MESSAGE_CAP])


def resolve(module: str, qualname: str) -> tuple[Any, str | None]:
    """The callable, or (None, why it is unsupported). Import errors propagate."""
    parts = qualname.split(".")
    if "<locals>" in parts or not all(p.isidentifier() for p in parts):
        return None, f"{qualname} is a nested function: not reachable from the module"
    obj: Any = importlib.import_module(module)
    owner: Any = None
    for part in parts:
        owner, obj = obj, getattr(obj, part)
    if isinstance(owner, type):
        static = inspect.getattr_static(owner, parts[-1])
        if not isinstance(static, (staticmethod, classmethod)) and inspect.isfunction(static):
            return None, f"{qualname} is an instance method: needs an instance to call"
    if not callable(obj):
        return None, f"{qualname} is not callable ({type(obj).__name__})"
    return obj, None


def resolve_class(module: str, class_name: str, qualname: str) -> tuple[Any, str | None]:
    """The receiver's class, or (None, why it is unsupported). Import errors propagate."""
    parts = class_name.split(".")
    method = qualname.rsplit(".", 1)[-1]
    if not all(p.isidentifier() for p in parts) or not method.isidentifier():
        return None, f"{class_name}.{method} is not reachable from the module"
    obj: Any = importlib.import_module(module)
    for part in parts:
        obj = getattr(obj, part)
    if not isinstance(obj, type):
        return None, f"{class_name} is not a class ({type(obj).__name__})"
    try:
        inspect.getattr_static(obj, method)
    except AttributeError:
        return None, f"{class_name} has no method {method}"
    return obj, None


class _Subclasses:
    """The receiver's class or one of the subclasses the config allows (looked up on this
    side's module once; a name that is not a subclass there raises, as the call's outcome)."""

    def __init__(self, root: Any, module: str, names: Any) -> None:
        self.root, self.module = root, module
        self.allowed = {str(n) for n in names or () if isinstance(n, str)}
        self.found: dict[str, Any] = {}

    def get(self, name: Any) -> Any:
        if not isinstance(name, str) or name not in self.allowed:
            return self.root
        if name not in self.found:
            obj: Any = importlib.import_module(self.module)
            for part in name.split("."):
                obj = getattr(obj, part)
            if not (isinstance(obj, type) and issubclass(obj, self.root)):
                raise TypeError(f"{name} is not a subclass of {self.root.__name__}")
            self.found[name] = obj
        return self.found[name]


def _arguments(doc: Any) -> tuple[list[Any], dict[str, Any]]:
    doc = doc if isinstance(doc, dict) else {}
    pos = [decode(a) for a in doc.get("pos", [])]
    kw = {str(k): decode(v) for k, v in doc.get("kw", {}).items()}
    return pos, kw


def _steps(instance: Any, docs: Any, allowed: set[str]) -> None:
    """The calls a request makes on the new instance before the method (names the config
    allows only). A step that raises an ``Exception`` is ignored: its effect on the instance
    stays, and the method is still called."""
    for doc in docs if isinstance(docs, list) else ():
        name = doc.get("name") if isinstance(doc, dict) else None
        if name not in allowed:
            continue
        pos, kw = _arguments(doc)
        try:
            getattr(instance, str(name))(*constructed(pos), **constructed(kw))
        except Exception:  # the step's outcome is not compared, its effect is
            continue


def _observed(instance: Any, properties: list[str]) -> dict[str, Any]:
    """The receiver as its callers see it, encoded as an object: its public attributes (not
    ``_``-prefixed: how a class stores its data is not its behaviour) and the values of the
    public properties the config lists (an exception is the property's value)."""
    own: dict[str, Any] = {}
    found = getattr(instance, "__dict__", None)
    if isinstance(found, dict):
        own.update(found)
    for cls in type(instance).__mro__:
        for name in getattr(cls, "__slots__", ()) or ():
            if isinstance(name, str) and name not in own and hasattr(instance, name):
                own[name] = getattr(instance, name)
    state = {k: v for k, v in own.items() if isinstance(k, str) and not k.startswith("_")}
    for name in properties:
        try:
            state[name] = getattr(instance, name)
        except Exception as exc:
            state[name] = raised_value(exc)
    return {"$": "object", "type": type_name(instance), "state": encode(state)}


class _Watch:
    """Which watched lines (a change's lines in one file) the calls execute: a line tracer on
    that file's frames only, on during the call and off between calls."""

    def __init__(self, watch: Any) -> None:
        watch = watch if isinstance(watch, dict) else {}
        path = str(watch.get("path") or "")
        self.suffix = "/" + path.lstrip("/") if path else ""
        self.lines = frozenset(n for n in watch.get("lines", ()) if isinstance(n, int))
        self.hits: set[int] = set()
        self.sent: set[int] = set()

    def _local(self, frame: Any, event: str, _arg: Any) -> Any:
        if event == "line" and frame.f_lineno in self.lines:
            self.hits.add(frame.f_lineno)
        return self._local

    def _global(self, frame: Any, event: str, _arg: Any) -> Any:
        if event == "call" and frame.f_code.co_filename.endswith(self.suffix):
            return self._local
        return None

    def start(self) -> None:
        if self.suffix and self.lines and self.hits != self.lines:
            sys.settrace(self._global)

    def stop(self) -> None:
        sys.settrace(None)

    def take(self) -> list[int]:
        """Lines hit for the first time since the last answer."""
        new = sorted(self.hits - self.sent)
        self.sent |= self.hits
        return new


def main(argv: list[str]) -> int:
    hardening.set_non_dumpable()
    hardening.raise_oom_score()
    req_fd, resp_fd = int(argv[0]), int(argv[1])
    for fd in (req_fd, resp_fd):
        os.set_inheritable(fd, False)
    requests = _Lines(req_fd)
    config = requests.read()
    if config is None:
        return 2
    hardening.become(config.get("identity"))  # this side's uid, before any PR code
    hardening.die_with_parent()
    hardening.enter_scratch(config.get("scratch"))
    sys_path = [str(p) for p in config["sys_path"]]
    os.environ["PYTHONPATH"] = os.pathsep.join(sys_path)
    sys.path[0:0] = sys_path
    receiver = config.get("receiver")
    method = str(config["qualname"]).rsplit(".", 1)[-1]
    try:
        if receiver is not None:
            fn, unsupported = resolve_class(
                str(config["module"]), str(receiver), str(config["qualname"])
            )
        else:
            fn, unsupported = resolve(str(config["module"]), str(config["qualname"]))
    except BaseException as exc:  # importing PR code may raise anything, SystemExit included
        _send(
            resp_fd,
            {
                "ready": False,
                "error": f"{type_name(exc)}: {raised_value(exc).message}",
                "error_type": type_name(exc),
            },
        )
        return 0
    if unsupported:
        _send(resp_fd, {"ready": False, "unsupported": unsupported})
        return 0
    _send(resp_fd, {"ready": True})
    watch = _Watch(config.get("watch"))
    kin = _Subclasses(fn, str(config["module"]), config.get("receiver_subclasses"))
    factories = {str(n) for n in config.get("receiver_factories") or () if str(n).isidentifier()}
    steps = {str(n) for n in config.get("receiver_steps") or () if str(n).isidentifier()}
    properties = [str(n) for n in config.get("receiver_properties") or () if str(n).isidentifier()]
    while (req := requests.read()) is not None:
        pos, kw = _arguments(req)
        made = _arguments(req.get("receiver")) if receiver is not None else None
        instance: Any = _NONE
        try:
            pos, kw = constructed(pos), constructed(kw)  # arguments of the code's own classes
            watch.start()
            try:
                if made is not None:  # fn is the class: construct it, then call the method
                    own_pos, own_kw = constructed(made[0]), constructed(made[1])
                    doc = req.get("receiver") or {}
                    cls = kin.get(doc.get("class"))
                    make = cls
                    if doc.get("factory") in factories:  # URL.from_text('http://...')
                        make = getattr(cls, str(doc["factory"]))
                    instance = make(*own_pos, **own_kw)
                    _steps(instance, doc.get("steps"), steps)
                    result: Any = getattr(instance, method)(*pos, **kw)
                else:
                    result = fn(*pos, **kw)
                result = drained(result)
            finally:
                watch.stop()
        except BaseException as exc:  # an outcome of the code under test, SystemExit too
            result = raised_value(exc)
        try:
            value = encode(result)
        except Exception as exc:  # a hostile __dict__ or property: still an answer
            value = {"$": "repr", "type": type_name(result), "v": safe_repr(result)}
            print(f"dc_harness.callserver: encoding failed: {exc!r}", file=sys.stderr)
        sys.stdout.flush()
        answer: dict[str, Any] = {"value": value}
        if instance is not _NONE:  # what callers can see of the receiver after the call
            try:
                answer["self"] = _observed(instance, properties)
            except BaseException as exc:  # a hostile property or __dict__: still an answer
                print(f"dc_harness.callserver: observing self failed: {exc!r}", file=sys.stderr)
        new = watch.take()
        if new:
            answer["hit"] = new
        _send(resp_fd, answer)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
