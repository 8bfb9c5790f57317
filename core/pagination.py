"""Page-number pagination that refuses bad page numbers and sizes with a 400 instead of guessing."""

from typing import Any

from django.core.paginator import Paginator
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

MAX_PAGE_SIZE = 1000


class StrictPageSize:
    """``?page_size=`` from 1 to ``max_page_size``: a size beyond it answers 400 rather than being cut silently."""

    page_size: int
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return positive_int(self.page_size_query_param, raw, maximum=self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)  # type: ignore[misc]
        for parameter in parameters:
            if parameter["name"] in ("page", self.page_size_query_param):
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = f"Number of results per page: 1 to {self.max_page_size}, default 50."
        return parameters


class PageNumberPagination(StrictPageSize, pagination.PageNumberPagination):
    """``?page=N&page_size=M`` with count, next and previous; 50 per page by default, at most 1000."""

    def get_page_number(self, request: Request, paginator: Paginator) -> int:
        raw = request.query_params.get(self.page_query_param, "1")
        if raw in self.last_page_strings:
            return paginator.num_pages
        return positive_int(self.page_query_param, raw)


def positive_int(name: str, raw: str, *, maximum: int | None = None) -> int:
    """Parse a positive whole number from a query parameter, or fail naming the parameter."""
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: ["A whole number is required."]}) from None
    if value < 1:
        raise ValidationError({name: ["Must be at least 1."]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [f"Must be at most {maximum}."]})
    return value
