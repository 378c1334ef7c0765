"""Time refused logins: an unknown name against a wrong password for a real account.

    .venv/bin/python benchmarks/login_timing.py [--tries 30]

Both should cost one password-hash check, so their medians should be close: the
login's timing must not tell which names have accounts. Each try comes from its own
address so that no throttling delay applies.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quiz import create_app  # noqa: E402
from quiz.accounts import create_user  # noqa: E402
from quiz.database import upgrade_schema  # noqa: E402
from quiz.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=30)
    tries = parser.parse_args().tries
    folder = Path(tempfile.mkdtemp())
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SECRET_KEY": "benchmark", "QUESTIONS_DIR": str(folder)})
    with app.app_context():
        upgrade_schema()
        create_user("ann", "correct horse battery")
        db.session.commit()
    client = app.test_client()
    timings: dict[str, list[float]] = {"unknown name": [], "wrong password": []}
    for n in range(tries):
        for label, name in (("unknown name", f"nobody{n}"), ("wrong password", "ann")):
            address = {"REMOTE_ADDR": f"127.0.{n // 200}.{n % 200 + 1}"}
            page = client.get("/login", environ_base=address)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)[1]
            started = time.perf_counter()
            response = client.post("/login", environ_base=address, data={
                "username": name, "password": "not the password", "csrf_token": token})
            timings[label].append(time.perf_counter() - started)
            assert response.status_code == 400, response.status_code
    for label, values in timings.items():
        print(f"{label:>15}: median {statistics.median(values) * 1000:6.1f} ms "
              f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}) over {tries}")


if __name__ == "__main__":
    main()
