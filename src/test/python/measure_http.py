#!/usr/bin/env python3
"""Times a running Piecewise with curl, as a user would: the README's "By curl" table.

    python3 src/test/python/measure_http.py --url http://localhost:8080 \
        --graph 11k=src/test/resources/fixtures/scale/decoder-1000-layers.txt --graph 100k=/tmp/d100k.txt

Each graph is posted --posts times (after --warm-up posts that are not counted), raw, with the splitting op of the
synthetic decoders (--splitting-ops) and, once more, with vLLM's defaults (which that graph never calls: one
submodule of every node). Of the last run it times the run page (its first view, which decodes the stored run;
then, warmed up, the first page, a late page, a search), the API answer (gzip, and ?fields=summary) and a
comparison of every strategy started from the upload page, until its page is there (on a database that has not
compared that graph yet: a comparison is made once). Prints best and median seconds; needs only curl and the
standard library.
"""
import argparse
import re
import statistics
import subprocess
import tempfile
import time


def curl(*args):
    """Runs curl; returns (status, seconds, bytes received, headers and body as text)."""
    with tempfile.NamedTemporaryFile() as body, tempfile.NamedTemporaryFile() as headers:
        out = subprocess.run(["curl", "-sS", "-o", body.name, "-D", headers.name,
                              "-w", "%{http_code} %{time_total} %{size_download}", *args],
                             check=True, capture_output=True, text=True).stdout.split()
        return int(out[0]), float(out[1]), int(out[2]), open(headers.name).read() + open(body.name, errors="replace").read()


def post(url, path, params):
    return curl("--data-binary", "@" + path, "-H", "Content-Type: text/plain", url + "/api/runs?" + params)


def summary(label, seconds, size=None):
    line = f"{label:<58} best {min(seconds):8.3f} s   median {statistics.median(seconds):8.3f} s   n={len(seconds)}"
    print(line + (f"   {size / 1024:,.0f} KB" if size is not None else ""), flush=True)


def run_id(text):
    return re.search(r'"id"\s*:\s*"([^"]+)"', text).group(1)


def absolute(url, location):
    return url + location if location.startswith("/") else location


def compare(url, path, ops, jar):
    """Starts "Compare every strategy" from the upload page and waits for the comparison's page."""
    page = curl("-c", jar, "-b", jar, url + "/")[3]
    token = re.search(r'name="_csrf" value="([^"]+)"', page)
    start = time.monotonic()
    fields = ["-F", "file=@" + path, "-F", "action=compare", "-F", "splittingOps=" + ops]
    if token:
        fields += ["-F", "_csrf=" + token.group(1)]
    status, _, _, answer = curl("-c", jar, "-b", jar, *fields, url + "/runs")
    location = absolute(url, re.search(r"(?im)^location: *(\S+)", answer).group(1))
    while True:
        status, _, _, answer = curl("-b", jar, location)
        moved = re.search(r"(?im)^location: *(\S+)", answer)
        if status == 302 and "/compare" in moved.group(1):
            done = time.monotonic() - start
            _, _, size, _ = curl("-b", jar, "-H", "Accept-Encoding: gzip", absolute(url, moved.group(1)))
            return done, size
        if status != 200:
            raise SystemExit(f"comparison page answered {status}")
        time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--graph", action="append", required=True, help="label=path of an fx-text graph")
    parser.add_argument("--splitting-ops", default="oracle::attn")
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=10)
    parser.add_argument("--no-compare", action="store_true")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    for spec in args.graph:
        label, path = spec.split("=", 1)
        split = "splittingOps=" + args.splitting_ops
        for _ in range(args.warm_up):
            post(url, path, split)
        times = []
        for _ in range(args.posts):
            status, seconds, size, text = post(url, path, split)
            assert status == 201, text[:500]
            times.append(seconds)
        summary(f"{label}: POST, split at {args.splitting_ops}", times, size)
        ident = run_id(text)
        status, seconds, size, text = post(url, path, "name=not-split")
        summary(f"{label}: POST under vLLM's defaults (not split)", [seconds], size)
        not_split = run_id(text)
        gzip = ["-H", "Accept-Encoding: gzip"]
        status, took, size, _ = curl(*gzip, url + f"/runs/{ident}")
        summary(f"{label}: run page, first view (decodes the stored run)", [took], size)
        for what, address in [("run page, first page", f"/runs/{ident}"),
                              ("run page, page 200", f"/runs/{ident}?page=200"),
                              ("run page, search relu_9000", f"/runs/{ident}?find=relu_9000"),
                              ("run page, not split", f"/runs/{not_split}"),
                              ("GET /api/runs/{id}, gzip", f"/api/runs/{ident}"),
                              ("GET /api/runs/{id}?fields=summary, gzip", f"/api/runs/{ident}?fields=summary")]:
            for _ in range(3):  # the first views of a page compile its template's paths
                curl(*gzip, url + address)
            seconds = []
            for _ in range(5):
                status, took, size, _ = curl(*gzip, url + address)
                assert status == 200, address
                seconds.append(took)
            summary(f"{label}: {what}", seconds, size)
        if not args.no_compare:
            with tempfile.NamedTemporaryFile() as jar:
                took, size = compare(url, path, args.splitting_ops, jar.name)
            summary(f"{label}: compare every strategy, until its page", [took], size)


if __name__ == "__main__":
    main()
