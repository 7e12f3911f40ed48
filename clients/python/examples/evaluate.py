#!/usr/bin/env python3
"""Evaluates a spec on a Lucid mesh from Python: submit, follow progress, print the verdicts, export per-image CSV.

    clients/python/generate.sh
    cd clients/python && LUCID_COORDINATOR=HOST:PORT /usr/bin/python3 examples/evaluate.py ../../examples/mini-world.yaml --csv out.csv
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lucid_client import LucidClient, LucidError  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("spec", help="evaluation spec (YAML)")
    ap.add_argument("--coordinator", help="HOST:PORT (default: $LUCID_COORDINATOR or 127.0.0.1:9104)")
    ap.add_argument("--csv", help="write the per-image results here")
    ap.add_argument("--tls-ca", help="CA certificate (PEM) for TLS (default: $LUCID_TLS_CA; none = plain text)")
    ap.add_argument("--tls-cert", help="client certificate (PEM) for mutual TLS (default: $LUCID_TLS_CERT)")
    ap.add_argument("--tls-key", help="its private key (PEM) (default: $LUCID_TLS_KEY)")
    args = ap.parse_args()
    try:
        with LucidClient(args.coordinator, tls_ca=args.tls_ca, tls_cert=args.tls_cert, tls_key=args.tls_key) as lucid:
            sub = lucid.submit(args.spec)
            print(f"{sub.evaluation_id}{' (resumed)' if sub.resumed else ''}")
            last = None
            for last in lucid.watch(sub.evaluation_id):
                if sys.stderr.isatty():
                    print(f"\r{last.done}/{last.total} images, {last.cache_hits} from cache, {last.state}", end="", file=sys.stderr)
            print(f"{last.state}: {last.done}/{last.total} images")
            if last.state != "succeeded":
                return 1
            report = lucid.report(sub.evaluation_id)
            for m in report["models"]:
                if m["baseline"]:
                    continue
                verdicts = ", ".join(f"{s['stratum'][len('STRATUM_'):].lower().replace('_', '-')}={s['verdict'][len('VERDICT_'):]}"
                                     for s in m["strata"] if s["verdict"] != "VERDICT_UNSPECIFIED")
                print(f"{m['label']:<16} {m['verdict'][len('VERDICT_'):]:<13} {verdicts}")
            if args.csv:
                n = lucid.export_csv(sub.evaluation_id, args.csv)
                print(f"{n} rows written to {args.csv}")
    except LucidError as e:
        print(f"lucid: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
