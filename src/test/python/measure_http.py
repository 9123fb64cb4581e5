#!/usr/bin/env python3
"""Times a running Piecewise with curl, as a user would: the README's "By curl" table.

    python3 src/test/python/measure_http.py --url http://localhost:8080 \
        --graph 11k=src/test/resources/fixtures/scale/decoder-1000-layers.txt --graph 100k=/tmp/d100k.txt

Each graph is posted --posts times (after --warm-up posts that are not counted), raw, with the splitting op of the
synthetic decoders (--splitting-ops), --posts times more with curl's --compressed (the answer gzip on the wire)
and, once more, with vLLM's defaults (which that graph never calls: one
submodule of every node), and from the upload page as a browser does, with the run page it opens. Of the last
run it times the run page (its first view, which decodes the stored run;
then, warmed up, the first page, a late page, a search), the API answer (gzip, and ?fields=summary) and
--compares comparisons of every strategy started from the upload page, each until its page has arrived. A graph
is compared once, so each comparison uploads the graph with one more trailing newline (another upload, the same
graph); the first --compares-warm-up ones are not counted. Times are curl's own (its time_total, redirects followed in one
curl as a browser follows them), not the time to start a curl process. Prints best and median seconds; needs only curl and the
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


def post(url, path, params, *options):
    return curl(*options, "--data-binary", "@" + path, "-H", "Content-Type: text/plain", url + "/api/runs?" + params)


def summary(label, seconds, size=None):
    line = f"{label:<58} best {min(seconds):8.3f} s   median {statistics.median(seconds):8.3f} s   n={len(seconds)}"
    print(line + (f"   {size / 1024:,.0f} KB" if size is not None else ""), flush=True)


def run_id(text):
    return re.search(r'"id"\s*:\s*"([^"]+)"', text).group(1)


def absolute(url, location):
    return url + location if location.startswith("/") else location


def form_fields(url, jar, path, action, ops):
    """The upload page's form fields for posting the file at path, its CSRF token included when it has one."""
    page = curl("-c", jar, "-b", jar, url + "/")[3]
    token = re.search(r'name="_csrf" value="([^"]+)"', page)
    fields = ["-F", "file=@" + path, "-F", "action=" + action, "-F", "splittingOps=" + ops]
    return fields + (["-F", "_csrf=" + token.group(1)] if token else [])


def browser_upload(url, path, ops, jar):
    """Uploads from the upload page as a browser does; returns the seconds to the redirect and to its run page."""
    status, took, _, answer = curl("-c", jar, "-b", jar, *form_fields(url, jar, path, "run", ops), url + "/runs")
    assert status == 302, answer[:500]
    location = absolute(url, re.search(r"(?im)^location: *(\S+)", answer).group(1))
    status, page, size, _ = curl("-b", jar, "-H", "Accept-Encoding: gzip", location)
    assert status == 200, location
    return took, page, size


def compare(url, path, ops, jar):
    """Starts "Compare every strategy" from the upload page and waits for the comparison's page. Redirects are
    followed in one curl, as a browser follows them; if the progress page is shown, it is polled, and the time is
    the wall clock from the start."""
    fields = form_fields(url, jar, path, "compare", ops)
    start = time.monotonic()
    status, took, size, answer = curl("-L", "-c", jar, "-b", jar, "-H", "Accept-Encoding: gzip", *fields,
                                      url + "/runs")
    location = absolute(url, re.findall(r"(?im)^location: *(\S+)", answer)[-1])
    if status == 200 and "/compare" in location:
        return took, size
    while True:
        time.sleep(0.05)
        status, _, _, answer = curl("-b", jar, location)
        moved = re.search(r"(?im)^location: *(\S+)", answer)
        if status == 302 and "/compare" in moved.group(1):
            status, _, size, _ = curl("-b", jar, "-H", "Accept-Encoding: gzip", absolute(url, moved.group(1)))
            assert status == 200, moved.group(1)
            return time.monotonic() - start, size
        if status != 200:
            raise SystemExit(f"comparison page answered {status}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--graph", action="append", required=True, help="label=path of an fx-text graph")
    parser.add_argument("--splitting-ops", default="oracle::attn")
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=10)
    parser.add_argument("--compares", type=int, default=5)
    parser.add_argument("--compares-warm-up", type=int, default=3)
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
        times = []
        for _ in range(args.posts):  # the answer as stored, gzip (curl decodes it)
            status, seconds, size, text = post(url, path, split, "--compressed")
            assert status == 201, text[:500]
            times.append(seconds)
        summary(f"{label}: POST, split, --compressed", times, size)
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
        with tempfile.NamedTemporaryFile() as jar:
            made = [browser_upload(url, path, args.splitting_ops, jar.name) for _ in range(3 + 5)][3:]
        summary(f"{label}: upload from the browser, until the redirect", [m[0] for m in made])
        summary(f"{label}: ... then its run page", [m[1] for m in made], made[-1][2])
        if not args.no_compare:
            text = open(path).read()
            seconds = []
            with tempfile.NamedTemporaryFile() as jar, tempfile.TemporaryDirectory() as copies:
                for i in range(args.compares_warm_up + args.compares):
                    copy = f"{copies}/{label}.txt"
                    with open(copy, "w") as out:
                        out.write(text + "\n" * (1 + i + 50 * (int(time.time()) % 2_000)))
                    took, size = compare(url, copy, args.splitting_ops, jar.name)
                    if i >= args.compares_warm_up:
                        seconds.append(took)
            summary(f"{label}: compare every strategy, until its page", seconds, size)


if __name__ == "__main__":
    main()
