"""Time: stored as UTC text that sorts correctly, shown in the configured local zone."""
import datetime
from zoneinfo import ZoneInfo

UTC = datetime.timezone.utc


def utcnow():
    """Return the current time in UTC, to the second."""
    return datetime.datetime.now(UTC).replace(microsecond=0)


def to_text(moment):
    """Format an aware datetime for storage as "YYYY-MM-DDTHH:MM:SSZ" (UTC, to the second, the year always in four
    digits: strftime's %Y writes year 1 as "1" on glibc, which from_text cannot read back nor SQL sort; a phone's
    clock at 0001-01-01, a fresh review)."""
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def from_text(text):
    """Parse a stored timestamp (None stays None)."""
    if not text:
        return None
    # fromisoformat reads the trailing Z (Python 3.11) and is ten times faster than strptime.
    return datetime.datetime.fromisoformat(text)


def zone(name):
    """Return the tzinfo for a configured zone name."""
    return ZoneInfo(name)
