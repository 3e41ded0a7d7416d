"""Start what `make run` starts (the Procfile's processes) on a folder of its own, for tests and benchmarks.

Each Procfile line runs in its own session (process group) with the same command `make run`
gives honcho, so a test can kill -9 the web server alone and leave Litestream running, as a
crash of the app would.
"""
import http.cookiejar
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile(root=ROOT):
    """{name: command} from the repository's Procfile (of `root`, a checkout of this repository)."""
    lines = (root / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


class Stack:
    """The web server, the job worker and optionally Litestream, on `folder`, listening on a free port.

    `root`: the checkout whose code runs (this one by default; bench/bench_first_paint.py runs an older commit's).
    """

    def __init__(self, folder, processes=("web", "worker"), extra_env=None, root=ROOT):
        self.root = pathlib.Path(root)
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = self.folder / "ontrack.sqlite3"
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("ONTRACK_") and key != "PROMETHEUS_MULTIPROC_DIR"}
        env.update({
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "ONTRACK_DATABASE": str(self.database), "ONTRACK_BLOB_FOLDER": str(self.folder / "blobs"),
            "ONTRACK_JOBS_DATABASE": str(self.folder / "jobs.sqlite3"),
            "ONTRACK_REPLICA_URL": f"file://{self.folder / 'replica'}",
            "ONTRACK_BIND": f"127.0.0.1:{self.port}",
            "ONTRACK_ACCESS_LOG": str(self.folder / "access.log"),
        })
        env.update(extra_env or {})
        self.env = env
        self.processes = processes
        self.running = {}

    def prepare(self):
        """Run `flask prepare` (migrations, demo data on a new database) as `make run` does."""
        done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "prepare", "--url", self.url + "/"],
                              cwd=self.root, env=self.env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, *names):
        commands = procfile(self.root)
        for name in names or self.processes:
            with open(self.folder / f"{name}.log", "ab") as log:  # the child keeps its own copy of the file
                self.running[name] = subprocess.Popen(["bash", "-c", "exec " + commands[name]], cwd=self.root, env=self.env,
                                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        if "web" in (names or self.processes):
            self.wait_until_up()
        return self

    def wait_until_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers (503 until the worker has checked in)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start:\n" + self.log("web"))

    def log(self, name):
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self, name, sig=signal.SIGKILL):
        """Send `sig` to a process's whole group (gunicorn's master and its workers) and wait for it."""
        process = self.running.pop(name)
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def stop(self):
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)


class Browser:
    """A person's HTTP session against a running stack: cookies, the CSRF token, JSON calls."""

    def __init__(self, base_url, timeout=30):
        self.base = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.timeout = timeout
        self.token = None

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes); HTTP errors are answers too."""
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            **({"Content-Type": "application/json"} if body is not None and not isinstance(body, bytes) else {}),
            **({"X-CSRFToken": self.token} if self.token else {}), **(headers or {})})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def json(self, method, path, body=None):
        status, _headers, data = self.request(method, path, body)
        return status, json.loads(data) if data else None

    def upload(self, data, content_type="image/jpeg"):
        """Send a photo through the resumable upload (one chunk); return its SHA-256."""
        import hashlib
        sha = hashlib.sha256(data).hexdigest()
        status, body = self.json("POST", "/api/uploads", {"sha256": sha, "size": len(data), "content_type": content_type})
        if status == 201:
            status, _headers, _body = self.request("PATCH", f"/api/uploads/{body['upload_id']}", data, {
                "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
            assert status == 204, (status, _body)
        return sha

    def login(self, username, password):
        _status, _headers, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
        status, _headers, _body = self.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status in (200, 303), status
        self.token = self.json("GET", "/api/session")[1]["csrf_token"] if "tech" in username else token
        return self
