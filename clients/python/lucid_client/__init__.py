"""lucid_client: Lucid's coordinator from Python (submit a spec, watch progress, fetch the report, export results).

The generated API modules are ``lucid.v1.*_pb2`` / ``*_pb2_grpc`` (run ``clients/python/generate.sh`` first).
"""
from lucid_client.client import (COLUMNS, DEFAULT_COORDINATOR, LucidClient, LucidError, ProgressUpdate, Submission, row,
                                 stratum_name)
from lucid_client.spec import load_spec, parse_spec

__all__ = ["COLUMNS", "DEFAULT_COORDINATOR", "LucidClient", "LucidError", "ProgressUpdate", "Submission", "load_spec",
           "parse_spec", "row", "stratum_name"]
