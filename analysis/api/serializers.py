"""Input and output shapes of the analysis catalogue and the job API."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from analysis.models import Job, JobStatus
from analysis.registry import ANALYSES


class AnalysisParameterSerializer(serializers.Serializer):
    """One parameter of an analysis."""

    name = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    default = serializers.JSONField(allow_null=True)
    choices = serializers.ListField(child=serializers.CharField(), allow_null=True)
    help_text = serializers.CharField()


class AnalysisSerializer(serializers.Serializer):
    """One analysis of the catalogue, its parameters and the formats its result comes in."""

    name = serializers.CharField()
    description = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())
    params = AnalysisParameterSerializer(many=True)


@extend_schema_field(OpenApiTypes.OBJECT)
class ParamsField(serializers.JSONField):
    """A JSON object of parameters: in a JSON body as it is, in a submitted form as the JSON text of the object."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("style", {"base_template": "textarea.html", "rows": 4})
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        try:
            value = super().to_internal_value(data)
        except RecursionError:
            raise serializers.ValidationError("The JSON is nested too deeply.") from None
        if not isinstance(value, dict):
            raise serializers.ValidationError('Must be a JSON object of parameters, e.g. {"group_by": "year"}.')
        return value


class JobCreateSerializer(serializers.Serializer):
    """A job request: an analysis of the catalogue and its parameters, checked before anything is queued."""

    analysis = serializers.ChoiceField(
        choices=list(ANALYSES),
        error_messages={"invalid_choice": f"Unknown analysis '{{input}}'; choose one of {', '.join(ANALYSES)}."},
    )
    params = ParamsField(required=False, default=dict, help_text="The analysis's parameters as a JSON object.")

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """A JSON body's unknown names are refused (a submitted form also carries its CSRF token)."""
        if isinstance(data, dict) and not isinstance(data, QueryDict):
            unknown = sorted(name for name in data if name not in self.fields)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        params = ANALYSES[attrs["analysis"]].params(data=attrs["params"])
        if not params.is_valid():
            errors = params.errors_by_name()
            raise serializers.ValidationError({f"params.{name}": messages for name, messages in errors.items()})
        return {**attrs, "params": params.params()}


class JobsClearedSerializer(serializers.Serializer):
    """How many jobs a clear deleted."""

    deleted = serializers.IntegerField(min_value=0)


class JobListSerializer(serializers.ModelSerializer):
    """A job as the list shows it: what it runs and where it is, without its result."""

    url = serializers.HyperlinkedIdentityField(view_name="job-detail")

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "analysis",
            "params",
            "status",
            "data_version",
            "created_at",
            "started_at",
            "finished_at",
        ]


# The columns the job list reads besides the id, from which its "url" is built.
JOB_LIST_COLUMNS = [name for name in JobListSerializer.Meta.fields if name not in ("id", "url")]


def job_list_rows(rows: Iterable[dict[str, Any]], *, jobs_url: str) -> list[dict[str, Any]]:
    """``JobListSerializer``'s output built straight from ``.values()`` rows: the job list is the busiest read, and
    a serializer per row costs more than the query."""
    return [
        {
            "id": str(row["id"]),
            "url": f"{jobs_url}{row['id']}/",
            "analysis": row["analysis"],
            "params": row["params"],
            "status": row["status"],
            "data_version": row["data_version"],
            "created_at": _iso(row["created_at"]),
            "started_at": _iso(row["started_at"]),
            "finished_at": _iso(row["finished_at"]),
        }
        for row in rows
    ]


def _iso(value: datetime | None) -> str | None:
    """A UTC time as DRF writes it."""
    return None if value is None else value.isoformat().replace("+00:00", "Z")


class JobSerializer(JobListSerializer):
    """A job with its result (or error) and the address of its result in each format."""

    result = serializers.JSONField(source="ordered_result", read_only=True)
    result_urls = serializers.SerializerMethodField()

    class Meta(JobListSerializer.Meta):
        fields = [*JobListSerializer.Meta.fields, "error", "traceback", "result", "result_urls"]

    def to_representation(self, job: Job) -> dict[str, Any]:
        """The job; its traceback only for staff, since it names the server's files."""
        data = super().to_representation(job)
        user = getattr(self.context.get("request"), "user", None)
        if not (user and user.is_staff):
            data.pop("traceback")
        return data

    def get_result_urls(self, job: Job) -> dict[str, str]:
        """Where the finished result can be fetched, by format."""
        analysis = ANALYSES.get(job.analysis)
        if job.status != JobStatus.FINISHED or analysis is None:
            return {}
        url = reverse("job-result", kwargs={"pk": job.pk}, request=self.context.get("request"))
        return {file_format: f"{url}?format={file_format}" for file_format in analysis.formats}
