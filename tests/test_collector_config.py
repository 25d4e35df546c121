"""Static checks of collector-config.yaml (no otelcol-contrib binary can be fetched here).

Component type names and config keys below are facts read from the contrib distribution's
builder manifest (open-telemetry/opentelemetry-collector-releases,
distributions/otelcol-contrib/manifest.yaml, v0.136.0) and the components' config structs
(e.g. processor/redactionprocessor/config.go); the Go module each type comes from is noted so a
reader can re-check them against a newer release.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

CONFIG = Path(__file__).resolve().parents[1] / "collector-config.yaml"

# type name -> Go module in the otelcol-contrib manifest
CONTRIB_COMPONENTS: dict[str, dict[str, str]] = {
    "receivers": {
        "otlp": "go.opentelemetry.io/collector/receiver/otlpreceiver",
        "otlpjsonfile": "opentelemetry-collector-contrib/receiver/otlpjsonfilereceiver",
    },
    "processors": {
        "memory_limiter": "go.opentelemetry.io/collector/processor/memorylimiterprocessor",
        "batch": "go.opentelemetry.io/collector/processor/batchprocessor",
        "redaction": "opentelemetry-collector-contrib/processor/redactionprocessor",
    },
    "exporters": {
        "otlp": "go.opentelemetry.io/collector/exporter/otlpexporter",
        "otlphttp": "go.opentelemetry.io/collector/exporter/otlphttpexporter",
        "debug": "go.opentelemetry.io/collector/exporter/debugexporter",
        "file": "opentelemetry-collector-contrib/exporter/fileexporter",
        "prometheus": "opentelemetry-collector-contrib/exporter/prometheusexporter",
    },
    "extensions": {
        "health_check": "opentelemetry-collector-contrib/extension/healthcheckextension",
    },
    "connectors": {},
}

# Top-level config keys each component accepts (mapstructure tags of its Config struct).
KNOWN_KEYS: dict[tuple[str, str], set[str]] = {
    ("receivers", "otlp"): {"protocols"},
    ("receivers", "otlpjsonfile"): {"include", "exclude", "start_at", "poll_interval", "storage",
                                    "replay_file", "include_file_name", "include_file_path",
                                    "max_concurrent_files", "encoding", "fingerprint_size"},
    ("processors", "memory_limiter"): {"check_interval", "limit_mib", "spike_limit_mib",
                                       "limit_percentage", "spike_limit_percentage"},
    ("processors", "batch"): {"timeout", "send_batch_size", "send_batch_max_size", "metadata_keys",
                              "metadata_cardinality_limit"},
    ("processors", "redaction"): {"allow_all_keys", "allowed_keys", "blocked_key_patterns", "ignored_keys",
                                  "redact_all_types", "blocked_values", "allowed_values", "summary"},
    ("exporters", "otlp"): {"endpoint", "tls", "headers", "compression", "timeout", "retry_on_failure",
                            "sending_queue", "balancer_name", "keepalive", "auth"},
    ("exporters", "file"): {"path", "rotation", "format", "encoding", "compression", "flush_interval",
                            "append", "group_by"},
    ("exporters", "prometheus"): {"endpoint", "namespace", "const_labels", "send_timestamps",
                                  "metric_expiration", "resource_to_telemetry_conversion",
                                  "enable_open_metrics", "add_metric_suffixes", "tls"},
    ("extensions", "health_check"): {"endpoint", "path", "check_collector_pipeline", "tls"},
}

PIPELINE_SIGNALS = {"traces", "metrics", "logs"}

try:  # Real RE2 when google-re2 is installed (it is in the test extras); the strict check always runs.
    import re2 as _re2
except ImportError:  # pragma: no cover - depends on the environment
    _re2 = None

# Perl/Python features RE2 (and Go's regexp) reject.
_NOT_RE2 = [
    (re.compile(r"\(\?<?[=!]"), "look-around"),
    (re.compile(r"\(\?>"), "atomic group"),
    (re.compile(r"\(\?P=|\\k<|\\g<"), "named backreference"),
    (re.compile(r"(?<!\\)(?:\\\\)*\\[1-9]"), "backreference"),
    (re.compile(r"(?<!\\)(?:\\\\)*\\Z"), r"\Z (RE2 has only \z)"),
    (re.compile(r"[*+?}]\+"), "possessive quantifier"),
    (re.compile(r"\(\?\("), "conditional"),
]


def re2_problems(pattern: str) -> list[str]:
    """Why ``pattern`` is not valid RE2 (empty list: it is)."""
    problems = [why for rx, why in _NOT_RE2 if rx.search(pattern)]
    try:
        re.compile(pattern)
    except re.error as exc:
        problems.append(f"does not compile: {exc}")
    if _re2 is not None and not problems:
        try:
            _re2.compile(pattern)
        except Exception as exc:  # re2.error
            problems.append(f"RE2 rejects it: {exc}")
    return problems


def _compile(pattern: str):
    return _re2.compile(pattern) if _re2 is not None else re.compile(pattern)


@pytest.fixture(scope="module")
def config() -> dict:
    with CONFIG.open() as fh:
        return yaml.safe_load(fh)


def _type(component_id: str) -> str:
    return component_id.split("/", 1)[0]


def test_is_a_yaml_mapping_with_a_service(config):
    assert isinstance(config, dict)
    assert set(config) <= {"receivers", "processors", "exporters", "extensions", "connectors", "service"}
    assert config["service"]["pipelines"]


@pytest.mark.parametrize("kind", ["receivers", "processors", "exporters", "extensions"])
def test_every_component_exists_in_otelcol_contrib(config, kind):
    for component_id, settings in (config.get(kind) or {}).items():
        ctype = _type(component_id)
        assert ctype in CONTRIB_COMPONENTS[kind], f"{kind}.{component_id}: no '{ctype}' {kind[:-1]} in contrib"
        known = KNOWN_KEYS.get((kind, ctype))
        if known is not None and settings:
            assert set(settings) <= known, f"{kind}.{component_id}: unknown keys {set(settings) - known}"


def test_pipelines_reference_defined_components(config):
    service = config["service"]
    for name, pipeline in service["pipelines"].items():
        assert _type(name) in PIPELINE_SIGNALS, name
        assert pipeline.get("receivers") and pipeline.get("exporters"), name
        for kind in ("receivers", "processors", "exporters"):
            for component_id in pipeline.get(kind, []):
                assert component_id in (config.get(kind) or {}), f"pipeline {name}: {kind} {component_id} undefined"
    for ext in service.get("extensions", []):
        assert ext in (config.get("extensions") or {}), ext


def test_every_defined_component_is_used(config):
    used = {kind: set() for kind in ("receivers", "processors", "exporters")}
    for pipeline in config["service"]["pipelines"].values():
        for kind in used:
            used[kind].update(pipeline.get(kind, []))
    for kind, ids in used.items():
        assert set(config.get(kind) or {}) == ids, kind


def test_pipeline_shape_matches_the_issue(config):
    pipelines = config["service"]["pipelines"]
    for name, pipeline in pipelines.items():
        processors = pipeline.get("processors", [])
        assert processors[0] == "memory_limiter", f"{name}: memory_limiter must come first"
        assert processors[-1] == "batch", f"{name}: batch must come last"
    traces = pipelines["traces"]
    assert "redaction" in traces["processors"]
    assert {"otlp/jaeger", "otlp/tempo"} <= set(traces["exporters"])
    assert any(_type(e) == "file" for e in traces["exporters"])
    replay = [p for p in pipelines.values() if "otlpjsonfile" in p["receivers"]]
    assert replay and "redaction" in replay[0]["processors"]
    assert config["receivers"]["otlpjsonfile"]["start_at"] == "beginning"
    assert "metrics" in pipelines


def test_otlp_receiver_binds_to_loopback_by_default(config):
    for proto, settings in config["receivers"]["otlp"]["protocols"].items():
        endpoint = settings["endpoint"]
        default = re.sub(r"^\$\{env:[A-Z_]+:-(.*)\}$", r"\1", endpoint)
        assert default.startswith("127.0.0.1:"), f"{proto} listens on {endpoint}"
    assert "0.0.0.0" in CONFIG.read_text(), "the comment on how to open the receiver is missing"


def _redaction(config) -> dict:
    return config["processors"]["redaction"]


def test_redaction_keeps_all_keys(config):
    assert _redaction(config)["allow_all_keys"] is True


def test_every_regex_is_re2(config):
    redaction = _redaction(config)
    patterns = redaction["blocked_values"] + redaction["blocked_key_patterns"]
    assert patterns
    for pattern in patterns:
        assert re2_problems(pattern) == [], pattern


@pytest.mark.parametrize("pattern", [
    r"(?=sk-)sk-\w+", r"(?<!x)token", r"(a)\1", r"key\Z", r"(?P<q>')x(?P=q)", r"(?>abc)", r"a++", r"[",
])
def test_the_re2_check_rejects_what_re2_cannot_do(pattern):
    assert re2_problems(pattern)


FAKE_SECRETS = [
    "sk-proj-" + "a1B2c3D4e5F6g7H8i9J0k1L2",
    "sk-ant-api03-" + "x" * 30,
    "AKIA" + "ABCDEFGHIJKLMNOP",
    "ghp_" + "A" * 36,
    "github_pat_" + "1" * 30,
    "xoxb-" + "123456789012-abcdefghij",
    "AIza" + "S" * 35,
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345",
    "-----BEGIN RSA PRIVATE KEY-----",
    "sk_live_" + "0" * 24,
]
ORDINARY_VALUES = [
    "gpt-4o-mini", "search_database", "execute_tool search_database", "/support-agent/search_database",
    "4bf92f3577b34da6a3ce929d0e0e4736", "The user asked about their order 12345",
    '{"query": "refund policy", "limit": 5}', "chat gpt-4o", "openai", "task-completed",
]


def test_blocked_values_mask_secret_formats_and_spare_ordinary_text(config):
    compiled = [_compile(p) for p in _redaction(config)["blocked_values"]]
    for secret in FAKE_SECRETS:
        assert any(rx.search(secret) for rx in compiled), secret
        assert any(rx.search(f'{{"arguments": "{secret}"}}') for rx in compiled), secret
    for value in ORDINARY_VALUES:
        assert not any(rx.search(value) for rx in compiled), value


def test_blocked_key_patterns_catch_sensitive_keys_only(config):
    compiled = [_compile(p) for p in _redaction(config)["blocked_key_patterns"]]
    sensitive = ["api_key", "openai.api-key", "http.request.header.authorization", "password", "db.password",
                 "client_secret", "access_token", "Cookie", "aws.credentials", "private_key"]
    harmless = ["gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "actiontrace.total.input_tokens",
                "gen_ai.tool.name", "actiontrace.input", "gen_ai.request.max_tokens", "session.id",
                "actiontrace.path", "gen_ai.tool.call.arguments"]
    for key in sensitive:
        assert any(rx.search(key) for rx in compiled), key
    for key in harmless:
        assert not any(rx.search(key) for rx in compiled), key
