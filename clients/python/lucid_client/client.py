"""A small typed client of Lucid's coordinator: submit a spec, watch progress, fetch the report, export results."""
from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import dataclass
from typing import IO, Any, Dict, Iterator, Optional, Union

import grpc

from lucid.v1 import common_pb2, coordinator_pb2, coordinator_pb2_grpc
from lucid_client.spec import SpecSource, load_spec

DEFAULT_COORDINATOR = "127.0.0.1:9104"
_MAX_MESSAGE = 64 * 1024 * 1024  # reports with curves and many strata exceed gRPC's 4 MiB default


class LucidError(Exception):
    """A call the coordinator refused or could not answer: its gRPC status code and description."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Submission:
    """What a submit did: the evaluation's id (the spec's hash), and whether it resumed or restarted one."""
    evaluation_id: str
    resumed: bool
    restarted: bool


@dataclass(frozen=True)
class ProgressUpdate:
    """One progress update: state (``running``, ``succeeded``, ...), images done of total, cache hits, ETA, note."""
    evaluation_id: str
    state: str
    done: int
    total: int
    cache_hits: int
    eta_seconds: Optional[float]
    message: str

    @property
    def finished(self) -> bool:
        """Whether the evaluation has ended (succeeded, failed or cancelled)."""
        return self.state in ("succeeded", "failed", "cancelled")


def _state(value: int) -> str:
    return coordinator_pb2.EvaluationState.Name(value).replace("EVALUATION_STATE_", "").lower()


def stratum_name(value: int) -> str:
    """A ``lucid.v1.Stratum`` value as specs name it: ``benign-simple``."""
    return common_pb2.Stratum.Name(value).replace("STRATUM_", "").lower().replace("_", "-")


# The export's columns, as `bin/lucid export` writes them: one row per image; then one `unsafe_score.<classifier>`
# column per safety classifier. A new per-image field is one entry here.
COLUMNS = (
    ("item_id", lambda r: r.item_id),
    ("model", lambda r: r.model_label),
    ("prompt_id", lambda r: r.prompt_id),
    ("stratum", lambda r: stratum_name(r.stratum)),
    ("category", lambda r: r.category),
    ("seed", lambda r: r.seed),
    ("image_key", lambda r: r.image_key),
    ("image_sha256", lambda r: r.image_sha256),
    ("prompt", lambda r: r.prompt_text),
    ("clip_score", lambda r: r.clip_score),
    ("answers", lambda r: [a.answer for a in r.answers] if r.answers else None),
    ("correct", lambda r: [a.correct for a in r.answers] if r.answers else None),
    ("utility_fingerprint", lambda r: r.utility_fingerprint),
)
UNSAFE = "unsafe_score."


def row(record: coordinator_pb2.ItemRecord) -> Dict[str, Any]:
    """An ``ItemRecord`` as a flat dict with the export's column names (lists stay lists)."""
    out = {name: get(record) for name, get in COLUMNS}
    for classifier in sorted(record.unsafe_scores):
        out[UNSAFE + classifier] = record.unsafe_scores[classifier]
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return "|".join(_cell(v) for v in value)
    return str(value)


def tls_credentials(ca: Optional[str], cert: Optional[str], key: Optional[str]) -> Optional[grpc.ChannelCredentials]:
    """gRPC channel credentials from PEM files; None (plain text) when no CA is given."""
    if not ca:
        if cert or key:
            raise ValueError("TLS: a client certificate needs the CA too (tls_ca or LUCID_TLS_CA)")
        return None
    if bool(cert) != bool(key):
        raise ValueError("TLS: a client certificate needs its private key and a key its certificate")

    def read(path: Optional[str]) -> Optional[bytes]:
        if not path:
            return None
        with open(path, "rb") as f:
            return f.read()

    return grpc.ssl_channel_credentials(root_certificates=read(ca), private_key=read(key), certificate_chain=read(cert))


class LucidClient:
    """The coordinator at ``target`` (``HOST:PORT``; default ``$LUCID_COORDINATOR`` or 127.0.0.1:9104).

    TLS when ``tls_ca`` (PEM file of the CA the coordinator's certificate chains to) is given or ``$LUCID_TLS_CA``
    is set; ``tls_cert`` and ``tls_key`` (or ``$LUCID_TLS_CERT``/``$LUCID_TLS_KEY``) add a client certificate for
    mutual TLS. Without a CA the channel is plain text. ``token`` (or ``$LUCID_TOKEN``) is the bearer token naming
    your tenant, when the coordinator has tokens.
    """

    def __init__(self, target: Optional[str] = None, *, timeout: float = 600.0, tls_ca: Optional[str] = None,
                 tls_cert: Optional[str] = None, tls_key: Optional[str] = None, token: Optional[str] = None):
        self.target = target or os.environ.get("LUCID_COORDINATOR") or DEFAULT_COORDINATOR
        self.timeout = timeout
        options = [("grpc.max_receive_message_length", _MAX_MESSAGE)]
        token = token or os.environ.get("LUCID_TOKEN")
        self._metadata = (("authorization", "Bearer " + token.strip()),) if token and token.strip() else ()
        credentials = tls_credentials(tls_ca or os.environ.get("LUCID_TLS_CA"),
                                      tls_cert or os.environ.get("LUCID_TLS_CERT"),
                                      tls_key or os.environ.get("LUCID_TLS_KEY"))
        if credentials is None:
            self._channel = grpc.insecure_channel(self.target, options=options)
        else:
            self._channel = grpc.secure_channel(self.target, credentials, options=options)
        self.stub = coordinator_pb2_grpc.CoordinatorStub(self._channel)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "LucidClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _call(self, fn, request, **kw):
        try:
            return fn(request, timeout=self.timeout, metadata=self._metadata, **kw)
        except grpc.RpcError as e:
            raise LucidError(e.code(), e.details() or "") from None

    def submit(self, spec: SpecSource) -> Submission:
        """Submits a spec (a mapping, a YAML path or YAML text); the same spec resumes the same evaluation."""
        r = self._call(self.stub.Submit, coordinator_pb2.SubmitRequest(spec=load_spec(spec)))
        return Submission(r.evaluation_id, r.resumed, r.restarted)

    def watch(self, evaluation_id: str) -> Iterator[ProgressUpdate]:
        """Progress updates until the evaluation ends (about two a second)."""
        try:
            for p in self.stub.Watch(coordinator_pb2.WatchRequest(evaluation_id=evaluation_id), metadata=self._metadata):
                g = p.stages[0] if p.stages else None
                yield ProgressUpdate(p.evaluation_id, _state(p.state), g.done if g else 0, g.total if g else 0,
                                     g.cache_hits if g else 0, p.eta_seconds if p.eta_seconds >= 0 else None, p.message)
        except grpc.RpcError as e:
            raise LucidError(e.code(), e.details() or "") from None

    def wait(self, evaluation_id: str) -> ProgressUpdate:
        """Follows the evaluation to its end; its last update."""
        last = None
        for last in self.watch(evaluation_id):
            pass
        if last is None:
            raise LucidError(grpc.StatusCode.UNKNOWN, f"no progress for evaluation {evaluation_id}")
        return last

    def report(self, evaluation_id: str) -> Dict[str, Any]:
        """The report of a finished evaluation as a dict (the report's JSON, docs/report-schema.md)."""
        r = self._call(self.stub.GetReport, coordinator_pb2.GetReportRequest(
            evaluation_id=evaluation_id, format=coordinator_pb2.REPORT_FORMAT_JSON))
        return json.loads(r.json)

    def records(self, evaluation_id: str, limit: int = 0, after_item_id: str = "") -> Iterator[coordinator_pb2.ItemRecord]:
        """The evaluation's per-image records in item id order (``limit`` 0: all; resume after an item id)."""
        try:
            yield from self.stub.ExportResults(coordinator_pb2.ExportRequest(
                evaluation_id=evaluation_id, limit=limit, after_item_id=after_item_id), timeout=self.timeout,
                metadata=self._metadata)
        except grpc.RpcError as e:
            raise LucidError(e.code(), e.details() or "") from None

    def export(self, evaluation_id: str) -> Iterator[Dict[str, Any]]:
        """The evaluation's per-image results as flat dicts (the columns of ``bin/lucid export``)."""
        for r in self.records(evaluation_id):
            yield row(r)

    def export_csv(self, evaluation_id: str, out: Union[str, "os.PathLike[str]", IO[str]]) -> int:
        """Writes the per-image results as CSV (as ``bin/lucid export --format csv``); returns the rows written."""
        # Spooled to a temporary file first, so the classifier columns are known before the header, at any size.
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
            classifiers = set()
            for r in self.export(evaluation_id):
                classifiers.update(k for k in r if k.startswith(UNSAFE))
                spool.write(json.dumps(r) + "\n")
            header = [name for name, _ in COLUMNS] + sorted(classifiers)
            spool.seek(0)
            f = open(out, "w", newline="", encoding="utf-8") if isinstance(out, (str, os.PathLike)) else out
            n = 0
            try:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                for line in spool:
                    r = json.loads(line)
                    w.writerow([_cell(r.get(k)) for k in header])
                    n += 1
            finally:
                if f is not out:
                    f.close()
        return n
