"""The typed form field helpers hand back the field itself and refuse a field of another kind."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import Group

from lofte.web.forms import choice_field, model_choice_field


class _Form(forms.Form):
    name = forms.CharField()
    colour = forms.ChoiceField(choices=())
    groups = forms.ModelMultipleChoiceField(queryset=Group.objects.none())


def test_choice_field_is_the_form_instance_field():
    form = _Form()
    choice_field(form, "colour").choices = [("r", "röd")]
    assert form.fields["colour"].widget.choices == [("r", "röd")]
    assert _Form().fields["colour"].widget.choices == []  # set on this form only
    assert model_choice_field(form, "groups") is form.fields["groups"]
    assert choice_field(form, "groups") is form.fields["groups"]


def test_a_field_of_another_kind_is_refused():
    form = _Form()
    with pytest.raises(TypeError, match="name"):
        choice_field(form, "name")
    with pytest.raises(TypeError, match="colour"):
        model_choice_field(form, "colour")
