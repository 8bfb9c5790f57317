"""Form fields and forms for parameters, whether they come from a query string, a JSON body or an HTML form.

The same field validates a value wherever it arrives, so a parameter has one set of rules and one set of messages;
``openapi_parameters`` describes a form's fields to the API schema.
"""

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict

# Commas separate values, except inside parentheses: "Delta IV Medium+ (4,2)" is one rocket.
LIST_SEPARATOR = re.compile(r",(?![^(]*\))")
# A lone surrogate cannot be encoded for the database or a response; a NUL ends a C string early.
UNWRITABLE = re.compile(r"[\x00\ud800-\udfff]")


def split_values(value: str) -> list[str]:
    """Split a comma-separated parameter into its non-empty values."""
    return [part.strip() for part in LIST_SEPARATOR.split(value) if part.strip()]


def text_check(value: str) -> None:
    """Refuse text that no database or response can hold: NUL characters and lone surrogates."""
    if UNWRITABLE.search(value):
        raise forms.ValidationError("Must not contain NUL characters or lone surrogates.", code="unwritable")


class TextField(forms.CharField):
    """Text, stripped; a number or a list where text belongs is refused rather than turned into its repr."""

    def to_python(self, value: Any) -> str:
        if value not in self.empty_values and not isinstance(value, str):
            raise forms.ValidationError("Must be text.", code="type")
        value = super().to_python(value)
        text_check(value)
        return value


class SearchField(TextField):
    """Words that must all appear; bounded, so that no search costs more than a few words' worth."""

    MAX_WORDS, MAX_LENGTH = 10, 200

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", self.MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if len(value.split()) > self.MAX_WORDS:
            raise forms.ValidationError(f"At most {self.MAX_WORDS} words.", code="max_words")
        return value


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0, yes/no); anything else is an error rather than silently ignored."""

    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
    widget = forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])

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


class ChoiceListField(forms.MultipleChoiceField):
    """One or several choices, comma-separated in a query string, or a list in JSON or an HTML form."""

    widget = forms.SelectMultiple

    def to_python(self, value: Any) -> list[str]:
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            return split_values(value)
        if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            return [part for item in value for part in split_values(item)]
        raise forms.ValidationError("Must be text.", code="type")


class ParamsForm(forms.Form):
    """Parameters given by name: unknown names are refused, and a missing optional one takes its field's initial."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        self.unknown: list[str] = []
        if isinstance(data, QueryDict):  # a submitted HTML form: other names (its CSRF token) are not parameters
            data = data.copy()
            for name, value in self._defaults().items():
                data.setdefault(name, value)
        elif isinstance(data, dict):  # a JSON object
            self.unknown = sorted(name for name in data if name not in self.base_fields)
            data = {**self._defaults(), **{name: value for name, value in data.items() if value is not None}}
        super().__init__(data, **kwargs)

    @classmethod
    def _defaults(cls) -> dict[str, Any]:
        return {name: field.initial for name, field in cls.base_fields.items() if field.initial is not None}

    def is_valid(self) -> bool:
        return super().is_valid() and not self.unknown

    def errors_by_name(self) -> dict[str, list[str]]:
        """Every message by parameter name, unknown names included."""
        errors = {name: [str(message) for message in messages] for name, messages in self.errors.items()}
        return {**errors, **{name: ["Unknown parameter."] for name in self.unknown}}

    def params(self) -> dict[str, Any]:
        """The parameters that were given or have a default, as JSON values: what a job records and a URL carries."""
        return {
            name: _json_value(value) for name, value in self.cleaned_data.items() if value not in (None, "", [], ())
        }

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of the code that the parameters are for (by default, the cleaned values)."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", [], ())}


class InvalidParams(ValueError):
    """Recorded parameters that no longer hold, e.g. a job's organisation that has since been deleted."""


def form_arguments(form_class: type[ParamsForm], params: dict[str, Any]) -> dict[str, Any]:
    """The arguments that parameters stand for, checked against today's data; InvalidParams names what is wrong."""
    form = form_class(params)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors_by_name().items())
        raise InvalidParams(f"The parameters no longer hold: {problems}")
    return form.arguments()


def _json_value(value: Any) -> Any:
    """A cleaned value as JSON writes it: a list as the comma-separated text it came as, a date as ISO."""
    if hasattr(value, "param"):
        return value.param
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# The OpenAPI schema of each kind of field, the first that a field is an instance of (a DecimalField is an
# IntegerField to Django).
FIELD_SCHEMAS: dict[type[forms.Field], dict[str, Any]] = {
    forms.DecimalField: {"type": "number"},
    forms.IntegerField: {"type": "integer"},
    forms.DateField: {"type": "string", "format": "date"},
    StrictBooleanField: {"type": "boolean"},
}


def field_schema(field: forms.Field) -> dict[str, Any]:
    """The OpenAPI schema of one form field: its type, bounds and choices."""
    if isinstance(field, ChoiceListField):
        items = {"type": "string", "enum": [value for value, _label in field.choices]}
        return {"type": "array", "items": items}
    if isinstance(field, forms.ChoiceField):  # "" is "any" where the field is optional, as a form's empty choice
        return {
            "type": "string",
            "enum": [value for value, _label in field.choices if value != "" or not field.required],
        }
    schema = next((dict(schema) for kind, schema in FIELD_SCHEMAS.items() if isinstance(field, kind)), None)
    schema = schema or {"type": "string"}
    for bound, key in (("min_value", "minimum"), ("max_value", "maximum")):
        if getattr(field, bound, None) is not None:
            schema[key] = float(getattr(field, bound)) if schema["type"] == "number" else getattr(field, bound)
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def openapi_parameters(fields: Iterable[tuple[str, forms.Field]]) -> list[dict[str, Any]]:
    """Query parameters of the API schema, one per form field, with the field's help text."""
    parameters = []
    for name, field in fields:
        schema = field_schema(field)
        if (
            schema["type"] not in ("string", "array") or "format" in schema
        ):  # an empty value, as a submitted form sends it, is no value
            schema = {"anyOf": [schema, {"type": "string", "enum": [""]}]}
        parameter = {"name": name, "in": "query", "required": False, "schema": schema}
        if field.help_text:
            parameter["description"] = str(field.help_text)
        if isinstance(field, ChoiceListField):
            parameter.update(style="form", explode=False)
        parameters.append(parameter)
    return parameters
