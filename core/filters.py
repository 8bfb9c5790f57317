"""Query-parameter plumbing of every list: strict booleans, names or ids, comma lists, search and ordering.

A bad value answers 400 naming the parameter instead of being ignored.
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q, QuerySet
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.request import Request
from rest_framework.views import APIView

# Commas separate values, except inside parentheses: "Delta IV Medium+ (4,2)" is one rocket.
LIST_SEPARATOR = re.compile(r",(?![^(]*\))")


def split_values(value: str) -> list[str]:
    """Split a comma-separated parameter into its non-empty values."""
    return [part.strip() for part in LIST_SEPARATOR.split(value) if part.strip()]


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0, yes/no); anything else is an error rather than silently ignored."""

    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError("Must be true or false.", code="invalid")

    def validate(self, value: bool | None) -> None:
        return None


class StrictBooleanFilter(filters.BooleanFilter):
    """A boolean parameter that rejects values other than true and false."""

    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The plain text widget passes the raw value on, where django-filter's BooleanWidget turns bad ones into None.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class IntegerFilter(filters.NumberFilter):
    """A whole-number parameter."""

    field_class = forms.IntegerField


class ChoiceInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """Several comma-separated choices, each one checked."""


class NameOrIdFilter(filters.CharFilter):
    """Match a related row by id or by name (case-insensitive); several values are separated by commas."""

    def __init__(self, *, name_field: str = "name", **kwargs: Any) -> None:
        self.name_field = name_field
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        match = Q(pk__in=[])
        for item in split_values(value):
            if item.isdigit():
                match |= Q(**{f"{self.field_name}_id": int(item)})
            else:
                match |= Q(**{f"{self.field_name}__{self.name_field}__iexact": item})
        return qs.filter(match)


class IExactInFilter(filters.CharFilter):
    """Case-insensitive match on any of several comma-separated values."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        match = Q(pk__in=[])
        for item in split_values(value):
            match |= Q(**{f"{self.field_name}__iexact": item})
        return qs.filter(match)


class StrictSearchFilter(SearchFilter):
    """``?search=`` words, each matched case-insensitively against the view's search fields."""

    def get_search_terms(self, request: Request) -> list[str]:
        if "\x00" in request.query_params.get(self.search_param, ""):
            raise ValidationError({self.search_param: ["Null characters are not allowed."]})
        return super().get_search_terms(request)


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` one or more allowed fields (``-`` for descending); unknown fields answer 400.

    Missing values sort last either way, and the id breaks ties so that pages never overlap.
    """

    def get_ordering(self, request: Request, queryset: QuerySet, view: APIView) -> list[str] | None:
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        allowed = dict(self.get_valid_fields(queryset, view, {"request": request}))
        fields = [term.strip() for term in raw.split(",") if term.strip()]
        unknown = [field for field in fields if field.lstrip("-") not in allowed]
        if unknown or not fields:
            bad = unknown[0] if unknown else raw
            message = f"Unknown field {bad!r}; use {', '.join(sorted(allowed))}."
            raise ValidationError({self.ordering_param: [message]})
        return [("-" if field.startswith("-") else "") + allowed[field.lstrip("-")] for field in fields]

    def filter_queryset(self, request: Request, queryset: QuerySet, view: APIView) -> QuerySet:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        expressions = []
        for field in ordering:
            name = field.lstrip("-")
            # NULLS LAST only where values can be missing: on a NOT NULL column it would keep an index from serving.
            nulls_last = True if _nullable(queryset, name) else None
            expressions.append(
                F(name).desc(nulls_last=nulls_last) if field.startswith("-") else F(name).asc(nulls_last=nulls_last)
            )
        # The id breaks ties in the direction of the last field, so that an index on (field, id) can serve both.
        return queryset.order_by(*expressions, "-pk" if ordering[-1].startswith("-") else "pk")

    def get_valid_fields(self, queryset: QuerySet, view: APIView, context: dict | None = None) -> list[tuple[str, str]]:
        # ordering_fields maps public names to model paths, e.g. {"organisation": "organisation__name"}.
        return list(view.ordering_fields.items())

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        names = ", ".join(view.ordering_fields)
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Order by {names}; prefix - for descending, several separated by commas.",
                "schema": {"type": "string"},
            }
        ]


def _nullable(queryset: QuerySet, name: str) -> bool:
    """Whether an ordering field may hold nulls: a nullable model column or any annotation (aggregates can be null)."""
    try:
        return queryset.model._meta.get_field(name).null
    except FieldDoesNotExist:
        return True
