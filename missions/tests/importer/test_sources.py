"""Where launch files come from: URLs downloaded once into the cache within a timeout, and the default dataset."""

import hashlib
import socket
import threading

import pytest

from missions.models import Launch
from missions.services import ImportFailed, launches_import
from testsupport.reference import launch_rows

pytestmark = pytest.mark.usefixtures("empty_launches")


@pytest.mark.timeout(30)
def test_unreachable_url_fails_within_the_timeout(settings):
    settings.LAUNCH_DATA_TIMEOUT = 2
    with socket.socket() as server:  # accepts connections and never answers
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}/launches.csv"
        with pytest.raises(ImportFailed, match="could not download"):
            launches_import(source=url)
    assert Launch.objects.count() == 0


def test_url_source_is_downloaded_and_cached(settings, tmp_path, sample_launches_csv):
    settings.LAUNCH_DATA_CACHE_DIR = tmp_path
    body = sample_launches_csv.read_bytes()
    served = []

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()

        def serve_once() -> None:
            connection_, _ = server.accept()
            with connection_:
                connection_.recv(65536)
                served.append(1)
                connection_.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

        thread = threading.Thread(target=serve_once)
        thread.start()
        url = f"http://127.0.0.1:{server.getsockname()[1]}/mission_launches.csv"
        first = launches_import(source=url)
        thread.join()
        second = launches_import(source=url)  # from the cache: the server answers only once

    launches = len(launch_rows(sample_launches_csv))
    assert (first.created, second.unchanged, len(served)) == (launches, launches, 1)
    assert first.run.sha256 == second.run.sha256 == hashlib.sha256(body).hexdigest()


def test_default_dataset_is_checked_against_its_checksum(settings, tmp_path, mission_launches_csv, space_corrected_csv):
    settings.LAUNCH_DATA_URL = str(mission_launches_csv)
    assert launches_import().created == 4323

    settings.LAUNCH_DATA_URL = str(space_corrected_csv)
    with pytest.raises(ImportFailed, match="not the expected default dataset"):
        launches_import()


@pytest.mark.timeout(60)
def test_a_server_sending_a_byte_at_a_time_is_cut_off_at_the_deadline(settings, tmp_path, dripping_url):
    settings.LAUNCH_DATA_CACHE_DIR = tmp_path
    settings.LAUNCH_DATA_TIMEOUT = 3

    # Without a deadline for the whole download, reading the 1,000 bytes would take 1,000 s.
    with pytest.raises(ImportFailed, match=r"download did not finish within 3 s") as failure:
        launches_import(source=dripping_url)

    assert failure.value.run.status == "failed"
    assert list(tmp_path.iterdir()) == []
