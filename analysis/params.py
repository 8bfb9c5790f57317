"""Parameter serializers of the analyses: they validate a job's params before anything is queued."""

from typing import Any

from rest_framework import serializers

from missions.models import MissionStatus, RocketStatus

from .selectors import organisation_name_find


class ParamsSerializer(serializers.Serializer):
    """Base of every analysis's parameters: unknown parameter names are refused, not ignored."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown parameter."] for name in unknown})
        return attrs


class OrganisationField(serializers.CharField):
    """An organisation name in any case, turned into its stored spelling; unknown names are refused."""

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        name = organisation_name_find(name=value)
        if name is None:
            raise serializers.ValidationError(f"Unknown organisation {value!r}.")
        return name


class NoParams(ParamsSerializer):
    """An analysis that takes no parameters."""


class OrganisationParams(ParamsSerializer):
    """One organisation, named as in the data (any case)."""

    organisation = OrganisationField(help_text="Organisation name, e.g. SpaceX.")


class LaunchFilterParams(ParamsSerializer):
    """Optional filters on the launch records."""

    organisation = OrganisationField(required=False, help_text="Organisation name.")
    country = serializers.CharField(required=False, help_text="Country of the launch pad.")
    year_from = serializers.IntegerField(required=False, min_value=1900, max_value=2200)
    year_to = serializers.IntegerField(required=False, min_value=1900, max_value=2200)
    mission_status = serializers.ChoiceField(choices=MissionStatus.choices, required=False)
    rocket_status = serializers.ChoiceField(choices=RocketStatus.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs.get("year_from") is not None and attrs.get("year_to") is not None:
            if attrs["year_from"] > attrs["year_to"]:
                raise serializers.ValidationError({"year_to": ["Must not be before year_from."]})
        return attrs


class SuccessRateParams(ParamsSerializer):
    """How to group launches for success rates, and how to count partial failures."""

    group_by = serializers.ChoiceField(choices=["organisation", "rocket", "country", "year"], default="organisation")
    partial_failures_as_failures = serializers.BooleanField(
        default=True, help_text="Count partial failures as failures (true) or as successes (false)."
    )


class LaunchesPerYearParams(ParamsSerializer):
    """An optional second grouping of the yearly launch counts."""

    split_by = serializers.ChoiceField(
        choices=["organisation", "country", "outcome"], required=False, allow_null=True, default=None
    )


class SpendingParams(ParamsSerializer):
    """How to group launch prices."""

    group_by = serializers.ChoiceField(choices=["organisation", "country", "year"], default="organisation")
