"""A model choice field whose choices cost one query wherever a page lists them."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.functional import cached_property


class _ChoicesReadOnce(ModelChoiceIterator):
    """Django's own iterator answers len() with a COUNT and is then read through a cursor:
    two queries each time a template's for loop lists the options (the loop asks the length
    first). These choices are read once, as a list, when first asked for."""

    @cached_property
    def _listed(self) -> list:
        empty = [("", self.field.empty_label)] if self.field.empty_label is not None else []
        return empty + [self.choice(row) for row in self.queryset]

    def __iter__(self):
        return iter(self._listed)

    def __len__(self) -> int:
        return len(self._listed)

    def __bool__(self) -> bool:
        return bool(self._listed)


class ListedModelChoiceField(forms.ModelChoiceField):
    iterator = _ChoicesReadOnce
