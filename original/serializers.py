"""Output shapes of the original service's /data routes."""

from rest_framework import serializers


class OriginalLaunchSerializer(serializers.Serializer):
    """One launch as the original service's ``GET /data`` listed it: the dataset's columns, as text."""

    Organisation = serializers.CharField()
    Location = serializers.CharField()
    Date = serializers.CharField(
        help_text="'Fri Aug 07, 2020 05:12 UTC', or 'Thu Aug 29, 2019' when only the day is known."
    )
    Detail = serializers.CharField(help_text="'<rocket> | <mission>'.")
    Rocket_Status = serializers.CharField(help_text="StatusActive or StatusRetired.")
    Price = serializers.CharField(
        allow_blank=True, help_text="Million USD as the file writes it, e.g. '1,160.0'; empty when unknown."
    )
    Mission_Status = serializers.CharField()


class ImportSummarySerializer(serializers.Serializer):
    """What ``POST /data`` imported."""

    message = serializers.CharField()
    run = serializers.IntegerField(help_text="Id of the ImportRun, see /api/imports/.")
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()


class ClearSummarySerializer(serializers.Serializer):
    """What ``DELETE /data`` deleted."""

    message = serializers.CharField()
    deleted = serializers.DictField(child=serializers.IntegerField())
