"""Typed access to the fields of a form.

``form.fields[name]`` is typed as a plain :class:`django.forms.Field`; forms that fill in their
choices or querysets at run time fetch the field through these helpers, which check its class
once so that the type checker knows ``choices`` and ``queryset`` are there.
"""

from __future__ import annotations

from typing import Any

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name``, which must be a (multiple or model) choice field."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field ``name``, which must be a (multiple) model choice field."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field
