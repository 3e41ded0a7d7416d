"""A technician's phone over real HTTP for the benchmarks: logged in, pulling every page, and the server's CPU.

Shared by bench_pull.py and bench_sync_cpu.py. The phone logs in through the login form (its
CSRF token from the page), keeps its session cookie, and pulls with the cursor of its last pull
(`/api/sync/pull`, gzip asked for), as the app does.
"""
import gzip
import http.cookiejar
import json
import re
import urllib.parse
import urllib.request
import uuid

import psutil


class HttpPhone:
    """One technician's phone: session cookie, client_id, cursor."""

    def __init__(self, base, username, password, timeout=60):
        self.base, self.timeout, self.client_id, self.cursor = base, timeout, str(uuid.uuid4()), None
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(base + "/login").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.opener.open(base + "/login", data=urllib.parse.urlencode(
            {"username": username, "password": password, "csrf_token": token}).encode()).read()
        self.pull_pages()

    def api_token(self):
        """The JSON API's CSRF token for this session (`X-CSRFToken` on pushes)."""
        return json.loads(self.opener.open(self.base + "/api/session").read())["csrf_token"]

    def pull_pages(self):
        """Every page of one pull, moving the cursor; return the number of requests."""
        requests = 0
        while True:
            url = f"{self.base}/api/sync/pull?client_id={self.client_id}" + (f"&cursor={self.cursor}" if self.cursor else "")
            request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
            with self.opener.open(request, timeout=self.timeout) as response:
                body = response.read()
                if response.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
            requests += 1
            answer = json.loads(body)
            self.cursor = answer["cursor"]
            if not answer["more"]:
                return requests


def cpu_of(processes):
    """CPU seconds (user + system) these psutil processes have used so far (from /proc/<pid>/stat); gone ones count 0."""
    total = 0.0
    for p in processes:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def process_cpu(pid):
    """CPU seconds used so far by process `pid` and all its children (gunicorn's master and workers)."""
    process = psutil.Process(pid)
    return cpu_of([process, *process.children(recursive=True)])
