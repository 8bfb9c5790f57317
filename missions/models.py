"""Launch records as imported from the public launch datasets."""

from django.db import models

from core.models import VersionCounter


class MissionStatus(models.TextChoices):
    """Outcome of a launch, as the datasets spell it."""

    SUCCESS = "Success"
    FAILURE = "Failure"
    PARTIAL_FAILURE = "Partial Failure"
    PRELAUNCH_FAILURE = "Prelaunch Failure"


class RocketStatus(models.TextChoices):
    """Whether a rocket was still flying when the dataset was published."""

    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class TimePrecision(models.TextChoices):
    """How precisely a launch time is known: some rows carry a date only."""

    MINUTE = "minute", "Minute"
    DAY = "day", "Day"


class Organisation(models.Model):
    """A launch provider or agency, e.g. SpaceX or RVSN USSR."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CoordinateSource(models.TextChoices):
    """Where a launch site's coordinates came from; manual ones are never overwritten by geocoding."""

    GAZETTEER = "gazetteer", "Gazetteer"
    NOMINATIM = "nominatim", "Nominatim"
    COUNTRY = "country", "Country"
    MANUAL = "manual", "Manual correction"
    LL2 = "ll2", "Launch Library 2"


class CoordinatePrecision(models.TextChoices):
    """What a launch site's coordinates point at: the pad itself, the site, or only its country."""

    PAD = "pad", "Pad"
    SITE = "site", "Site"
    COUNTRY = "country", "Country"


class LaunchSite(models.Model):
    """A spaceport such as Kennedy Space Center, located on a map once its coordinates are known."""

    name = models.CharField(max_length=200)
    country = models.CharField(max_length=100, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    coordinate_source = models.CharField(max_length=10, choices=CoordinateSource.choices, blank=True)
    coordinate_precision = models.CharField(max_length=10, choices=CoordinatePrecision.choices, blank=True)
    located_at = models.DateTimeField(null=True, blank=True, help_text="When the coordinates were last set.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "country"], name="launchsite_name_country_unique")]

    def __str__(self) -> str:
        return f"{self.name}, {self.country}"


class Pad(models.Model):
    """The exact location string of the data, split into pad, site, region and country."""

    location = models.CharField(max_length=300, unique=True)
    name = models.CharField(max_length=200, blank=True)
    site = models.ForeignKey(LaunchSite, on_delete=models.PROTECT, related_name="pads")
    region = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, db_index=True)
    # The pad's own coordinates, where Launch Library 2 gives them.
    ll2_latitude = models.FloatField(null=True, blank=True)
    ll2_longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["location"]

    def __str__(self) -> str:
        return self.location


class Rocket(models.Model):
    """A launch vehicle and whether it is still active."""

    name = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=RocketStatus.choices, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Launch(models.Model):
    """One launch attempt: who launched what, from where, when, at what price and with which outcome."""

    # The foreign keys carry no index of their own: the composite indexes and the natural key lead with them.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="launches", db_index=False)
    pad = models.ForeignKey(Pad, on_delete=models.PROTECT, related_name="launches", db_index=False)
    rocket = models.ForeignKey(Rocket, on_delete=models.PROTECT, related_name="launches", db_index=False)
    mission = models.CharField(max_length=300)
    launched_at = models.DateTimeField(help_text="Launch time in UTC; midnight when only the day is known.")
    # The file's own time stays the importer's key when Launch Library 2 gives a launch known only by its day a time.
    file_launched_at = models.DateTimeField(
        null=True, blank=True, help_text="Launch time as its file gives it; none for a launch only LL2 knows."
    )
    time_precision = models.CharField(max_length=10, choices=TimePrecision.choices, default=TimePrecision.MINUTE)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Launch cost in millions of USD."
    )
    mission_status = models.CharField(max_length=20, choices=MissionStatus.choices)
    # Where the launch comes from: a launch file, Launch Library 2, or both once a sync has matched a file's launch.
    # The database default lets the importer's COPY leave the column out.
    from_file = models.BooleanField(default=True, db_default=True, help_text="Imported from a launch file.")
    ll2_id = models.UUIDField(null=True, blank=True, unique=True, help_text="The launch's id in Launch Library 2.")

    class Meta:
        ordering = ["-launched_at", "id"]
        verbose_name_plural = "launches"
        constraints = [
            # One pad launches once at a given time of a file: the natural key that keeps re-imports from duplicating.
            # A launch only LL2 knows has no file time; its LL2 id identifies it.
            models.UniqueConstraint(fields=["pad", "file_launched_at"], name="launch_pad_file_time_unique"),
        ]
        indexes = [
            models.Index(fields=["organisation", "launched_at"], name="launch_org_time_idx"),
            models.Index(fields=["rocket", "launched_at"], name="launch_rocket_time_idx"),
            models.Index(fields=["mission_status"], name="launch_status_idx"),
            models.Index(fields=["launched_at", "id"], name="launch_time_idx"),
            models.Index(fields=["price"], name="launch_price_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rocket} | {self.mission}"

    @property
    def sources(self) -> list[str]:
        """The sources this launch comes from: "file" and/or "ll2"."""
        return [name for name, present in (("file", self.from_file), ("ll2", self.ll2_id is not None)) if present]


class ImportFormat(models.TextChoices):
    """The layouts of the public launch files that the importer reads."""

    MISSION_LAUNCHES = "mission_launches", "Kaggle mission_launches.csv"
    SPACE_CORRECTED = "space_corrected", "Kaggle Space_Corrected.csv"
    SPACE_MISSIONS = "space_missions", "Maven Analytics space_missions.csv"
    LL2 = "ll2", "Launch Library 2 sync"


class ImportStatus(models.TextChoices):
    """Where an import run ended."""

    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    DRY_RUN = "dry_run", "Dry run"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """Provenance of one import: what was read, what it changed and which rows were rejected."""

    source = models.CharField(max_length=1000)
    format = models.CharField(max_length=30, choices=ImportFormat.choices, blank=True)
    encoding = models.CharField(max_length=30, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(default=list, blank=True, help_text="[{line, column, reason}] per bad row.")
    duplicate_rows = models.JSONField(default=list, blank=True, help_text="[{line, duplicate_of}] per repeat.")
    error = models.TextField(blank=True)
    repairs = models.JSONField(
        default=list, blank=True, help_text="[{column, original, repaired, source, lines}] per misspelt name repaired."
    )
    # A Launch Library 2 sync: launches it matched with a file's launch, and file launches in its span it did not.
    # A file import: launches only LL2 knew that it merged into the file's launches.
    matched = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} ({self.status}, {self.started_at:%Y-%m-%d %H:%M})"


class SyncCursor(models.Model):
    """Where a Launch Library 2 sync stands, saved with each page so that a stopped sync resumes where it stopped.

    Launches are read oldest update first; ``updated_since`` is the newest ``last_updated`` stored, and ``offset``
    how many launches of that very update are stored when more than a page of launches share it.
    ``launched_since`` keeps a ``--since`` date.
    """

    name = models.CharField(max_length=30, unique=True)
    updated_since = models.DateTimeField(null=True, blank=True)
    offset = models.PositiveIntegerField(default=0)
    launched_since = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: updated since {self.updated_since}, offset {self.offset}"


class DataVersion(VersionCounter):
    """Moves on whenever the launch data changes: an import, a clear, a geocoding run or an edit in the admin."""
