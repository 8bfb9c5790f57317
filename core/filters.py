"""Search and ordering of every list: a bad value answers 400 naming the parameter instead of being ignored."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.request import Request
from rest_framework.views import APIView

from core.forms import SearchField


class StrictSearchFilter(SearchFilter):
    """``?search=`` words, each matched case-insensitively against the view's search fields."""

    def get_search_terms(self, request: Request) -> list[str]:
        """The words of ``?search=``, checked by the same rules as the launch search: bounded, writable text."""
        try:
            SearchField(required=False).clean(request.query_params.get(self.search_param, ""))
        except DjangoValidationError as error:
            raise ValidationError({self.search_param: error.messages}) from error
        return super().get_search_terms(request)


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` one or more allowed fields (``-`` for descending); unknown fields answer 400.

    Missing values sort last either way, and the id breaks ties so that pages never overlap.
    """

    def get_ordering(self, request: Request, queryset: QuerySet, view: APIView) -> list[str] | None:
        raw = request.query_params.get(self.ordering_param, "")
        if not raw.strip():  # absent or empty, as a submitted form sends it: the default order
            return self.get_default_ordering(view)
        allowed = dict(self.get_valid_fields(queryset, view, {"request": request}))
        fields = [term.strip() for term in raw.split(",")]
        unknown = [field for field in fields if field.lstrip("-") not in allowed]
        if unknown:
            message = f"Unknown field {unknown[0]!r}; use {', '.join(sorted(allowed))}."
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
        field = f"-?({'|'.join(view.ordering_fields)})"
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Order by {names}; prefix - for descending, several separated by commas.",
                "schema": {"type": "string", "pattern": rf"^\s*({field}\s*(,\s*{field}\s*)*)?$"},
            }
        ]


def _nullable(queryset: QuerySet, name: str) -> bool:
    """Whether an ordering field may hold nulls: a nullable model column or any annotation (aggregates can be null)."""
    try:
        return queryset.model._meta.get_field(name).null
    except FieldDoesNotExist:
        return True
