"""Output shapes of the launch data API: launches, organisations, rockets, sites and import runs."""

from typing import Any

from rest_framework import serializers

from missions.models import (
    ImportRun,
    LaunchSite,
    MissionStatus,
    Organisation,
    Pad,
    Rocket,
    RocketStatus,
    TimePrecision,
)


class LaunchSerializer(serializers.Serializer):
    """One launch with the names of what it refers to, so that a client needs no further requests."""

    id = serializers.IntegerField()
    launched_at = serializers.DateTimeField(help_text="UTC; midnight when only the day is known.")
    time_precision = serializers.ChoiceField(choices=TimePrecision.choices)
    organisation = serializers.CharField()
    organisation_id = serializers.IntegerField()
    rocket = serializers.CharField()
    rocket_id = serializers.IntegerField()
    rocket_status = serializers.ChoiceField(choices=RocketStatus.choices)
    mission = serializers.CharField()
    mission_status = serializers.ChoiceField(choices=MissionStatus.choices)
    price = serializers.FloatField(allow_null=True, help_text="Million USD; null when unknown.")
    location = serializers.CharField(help_text="The dataset's exact location string.")
    pad = serializers.CharField()
    pad_id = serializers.IntegerField()
    site = serializers.CharField()
    site_id = serializers.IntegerField()
    country = serializers.CharField()
    sources = serializers.ListField(
        child=serializers.ChoiceField(choices=["file", "ll2"]),
        read_only=True,
        help_text='Where the launch comes from: "file" (an imported launch file) and/or "ll2" (Launch Library 2).',
    )
    ll2_id = serializers.UUIDField(allow_null=True, read_only=True, help_text="The launch's id in Launch Library 2.")

    def to_representation(self, launch: dict[str, Any]) -> dict[str, Any]:
        """A row of ``launch_rows()`` as it is, renamed: field-by-field serialization would cost more than the query."""
        price = launch["price"]
        return {
            "id": launch["id"],
            "launched_at": launch["launched_at"].isoformat().replace("+00:00", "Z"),
            "time_precision": launch["time_precision"],
            "organisation": launch["organisation_name"],
            "organisation_id": launch["organisation_id"],
            "rocket": launch["rocket_name"],
            "rocket_id": launch["rocket_id"],
            "rocket_status": launch["rocket_status"],
            "mission": launch["mission"],
            "mission_status": launch["mission_status"],
            "price": None if price is None else float(price),
            "location": launch["location"],
            "pad": launch["pad_name"],
            "pad_id": launch["pad_id"],
            "site": launch["site_name"],
            "site_id": launch["site_id"],
            "country": launch["country"],
            "sources": [
                name for name, present in (("file", launch["from_file"]), ("ll2", launch["ll2_id"])) if present
            ],
            "ll2_id": None if launch["ll2_id"] is None else str(launch["ll2_id"]),
        }


class OrganisationSerializer(serializers.ModelSerializer):
    """An organisation with its launch record, as annotated by ``organisation_list()``."""

    launches = serializers.IntegerField(source="launch_count")
    successes = serializers.IntegerField()
    failures = serializers.IntegerField()
    partial_failures = serializers.IntegerField()
    prelaunch_failures = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True, help_text="Successes over launches, 0 to 1.")
    first_launch = serializers.DateTimeField(allow_null=True)
    last_launch = serializers.DateTimeField(allow_null=True)
    total_price = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="Sum of the known prices, million USD.",
    )
    priced_launches = serializers.IntegerField(help_text="How many launches have a price.")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "launches",
            "successes",
            "failures",
            "partial_failures",
            "prelaunch_failures",
            "success_rate",
            "first_launch",
            "last_launch",
            "total_price",
            "priced_launches",
        ]


class YearCountSerializer(serializers.Serializer):
    """Launches and successes in one year."""

    year = serializers.IntegerField()
    launches = serializers.IntegerField()
    successes = serializers.IntegerField()


class OrganisationDetailSerializer(OrganisationSerializer):
    """An organisation with its launches per year."""

    launches_per_year = YearCountSerializer(many=True, read_only=True)

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "launches_per_year"]


class RocketSerializer(serializers.ModelSerializer):
    """A rocket with the organisations that launched it and its launch record, as annotated by ``rocket_list()``."""

    organisations = serializers.SerializerMethodField()
    launches = serializers.IntegerField(source="launch_count")
    successes = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True, help_text="Successes over launches, 0 to 1.")
    first_launch = serializers.DateTimeField(allow_null=True)
    last_launch = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Rocket
        fields = [
            "id",
            "name",
            "status",
            "organisations",
            "launches",
            "successes",
            "success_rate",
            "first_launch",
            "last_launch",
        ]

    def get_organisations(self, rocket: Rocket) -> list[str]:
        """Names of the organisations that launched the rocket, from the view's one query for the whole page."""
        return self.context["rocket_organisations"].get(rocket.pk, [])


class PadSerializer(serializers.ModelSerializer):
    """A pad of a launch site with its launch count."""

    launches = serializers.IntegerField(source="launch_count")

    class Meta:
        model = Pad
        fields = ["id", "name", "location", "region", "country", "launches"]


class SiteSerializer(serializers.ModelSerializer):
    """A launch site with its coordinates when known, its launch count and its pads."""

    launches = serializers.IntegerField(source="launch_count")
    pads = PadSerializer(many=True, read_only=True)

    class Meta:
        model = LaunchSite
        fields = [
            "id",
            "name",
            "country",
            "latitude",
            "longitude",
            "coordinate_source",
            "coordinate_precision",
            "launches",
            "pads",
        ]


class ImportRunSerializer(serializers.ModelSerializer):
    """One import: what was read, what it changed and which rows were rejected."""

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "source",
            "format",
            "encoding",
            "sha256",
            "status",
            "started_at",
            "finished_at",
            "rows",
            "created",
            "updated",
            "unchanged",
            "duplicates",
            "rejected",
            "rejected_rows",
            "duplicate_rows",
            "error",
            "matched",
            "unmatched",
            "repairs",
        ]
