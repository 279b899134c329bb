"""Every model's parameters are visible: in ``inspect.signature`` and in ``help()``."""

from __future__ import annotations

import inspect
import pydoc

import pytest

from accord import models

CLASSES = [models.model_class(n) for n in models.names()] + [models.Consensus]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.name)
def test_signature_lists_the_parameters_with_their_defaults(cls: type[models.Model]) -> None:
    signature = inspect.signature(cls)
    fields = cls.Parameters.model_fields
    assert list(signature.parameters) == list(fields)
    defaults = cls.Parameters()  # what a model built without arguments gets
    for name, param in signature.parameters.items():
        assert param.kind is inspect.Parameter.KEYWORD_ONLY
        assert param.default == getattr(defaults, name)
        assert param.annotation == fields[name].annotation
    model = cls(**{name: p.default for name, p in signature.parameters.items()})
    assert model.params == cls().params  # the signature's defaults build the default model


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.name)
def test_help_shows_each_parameter_and_its_default(cls: type[models.Model]) -> None:
    text = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    for name, info in cls.Parameters.model_fields.items():
        assert f"``{name}`` = ``{info.get_default(call_default_factory=True)!r}``" in text
    if cls.Parameters.model_fields:
        assert f"{cls.__name__}{inspect.signature(cls)}" in text  # the call, as help() shows it


def test_bdm_signature_reads_like_a_call() -> None:
    text = str(inspect.signature(models.model_class("bdm")))
    assert text.startswith("(*, variant: Literal['scholz', 'paper'] = 'paper', q: float = 1.0")
